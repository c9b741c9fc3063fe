"""The shape of the house: a pure domain, one committer, stages that only look back."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "casework"
# The flow of a case; a stage may import an earlier one, never a later one.
STAGES = ["intake", "rulecheck", "evidence", "decision", "dossier", "export"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_domain_imports_nothing_from_flask_sqlalchemy_or_the_app() -> None:
    offenders = {}
    for path in (PACKAGE / "domain").rglob("*.py"):
        bad = {n for n in _imports(path) if n.split(".")[0] in {"flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug"}
               or (n.startswith("casework.") and not n.startswith("casework.domain"))}
        if bad:
            offenders[str(path.relative_to(PACKAGE))] = bad
    assert offenders == {}


def test_domain_never_reads_the_clock() -> None:
    for path in (PACKAGE / "domain").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for call in ("datetime.now(", "date.today(", "time.time(", "datetime.utcnow("):
            assert call not in source, f"{path.name} reads the clock via {call}"


def test_only_db_py_commits() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "infra" / "db.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "commit":
                raise AssertionError(f"{path.relative_to(PACKAGE)}:{node.lineno} commits outside unit_of_work()")


def test_no_stage_imports_a_later_stage() -> None:
    for index, stage in enumerate(STAGES):
        folder = PACKAGE / stage
        if not folder.exists():
            continue
        later = {f"casework.{s}" for s in STAGES[index + 1:]}
        for path in folder.rglob("*.py"):
            bad = {n for n in _imports(path) if any(n == m or n.startswith(m + ".") for m in later)}
            assert not bad, f"{path.relative_to(PACKAGE)} imports a later stage: {bad}"


def test_shared_packages_import_no_stage() -> None:
    stages = {f"casework.{s}" for s in STAGES}
    for shared in ("auth", "cases", "audit", "ruletable", "api", "infra", "ui"):
        for path in (PACKAGE / shared).rglob("*.py"):
            bad = {n for n in _imports(path) if any(n == m or n.startswith(m + ".") for m in stages)}
            assert not bad, f"{path.relative_to(PACKAGE)} imports a stage: {bad}"
