"""The shape of the house: a pure domain, one committer, stages that only look back, views that stay apart."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "casework"
# The flow of a case; a stage may import an earlier one, never a later one.
STAGES = ["intake", "rulecheck", "evidence", "decision", "dossier", "export"]
SHARED = ["auth", "cases", "audit", "ruletable", "api", "infra", "ui", "assets"]
# The composition root wires blueprints and reactions together, so it alone may import every views module.
ROOT_MODULES = {PACKAGE / "web.py", PACKAGE / "flow.py"}


def _module(path: Path, root: Path = PACKAGE) -> str:
    parts = ["casework", *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, root: Path = PACKAGE) -> set[str]:
    """Every module `path` imports, at any depth (lazy and TYPE_CHECKING imports too), relative ones resolved.

    `from a.b import c` yields both `a.b` and `a.b.c`, so importing a submodule by name (`from casework.cases
    import views`) counts like `import casework.cases.views`.
    """
    here = _module(path, root).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            if module:
                names.add(module)
            names.update(f"{module}.{alias.name}".lstrip(".") for alias in node.names)
    return names


def _within(name: str, modules: set[str]) -> bool:
    return any(name == m or name.startswith(m + ".") for m in modules)


def _is_views(name: str) -> bool:
    """casework.<pkg>.views, casework.<pkg>.<x>_views, or a module inside a views package."""
    parts = name.split(".")
    return parts[0] == "casework" and any(p == "views" or p.endswith("_views") for p in parts[1:])


def _stage_folders(names: list[str]) -> list[Path]:
    """The folders of `names`; a missing one fails the test, so a rename cannot make a rule pass unchecked."""
    folders = [PACKAGE / name for name in names]
    missing = [str(f.relative_to(PACKAGE)) for f in folders if not f.is_dir()]
    assert not missing, f"packages named by the architecture tests are missing (renamed? update the lists): {missing}"
    return folders


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
    offenders = {}
    for index, folder in enumerate(_stage_folders(STAGES)):
        later = {f"casework.{s}" for s in STAGES[index + 1:]}
        for path in folder.rglob("*.py"):
            if bad := {n for n in _imports(path) if _within(n, later)}:
                offenders[str(path.relative_to(PACKAGE))] = bad
    assert offenders == {}


def test_shared_packages_import_no_stage() -> None:
    stages = {f"casework.{s}" for s in STAGES}
    offenders = {}
    for folder in _stage_folders(SHARED):
        for path in folder.rglob("*.py"):
            if bad := {n for n in _imports(path) if _within(n, stages)}:
                offenders[str(path.relative_to(PACKAGE))] = bad
    assert offenders == {}


def test_no_views_module_imports_another_packages_views() -> None:
    """A page helper two blueprints share belongs in ui/ or cases/pages.py, not in one of their views."""
    offenders = {}
    for path in PACKAGE.rglob("*.py"):
        if path in ROOT_MODULES:
            continue
        own = _module(path).split(".")[1:2]
        bad = {n for n in _imports(path) if _is_views(n) and n.split(".")[1:2] != own}
        if bad:
            offenders[str(path.relative_to(PACKAGE))] = bad
    assert offenders == {}


def test_command_line_imports_no_views_or_web_wiring() -> None:
    """A command runs without pages: importing them would load the whole web app (and WeasyPrint) first."""
    clis = [PACKAGE / "cli.py", *sorted(PACKAGE.glob("*/cli.py"))]
    assert len(clis) >= 5  # casework/cli.py and the stages' own (auth, rulecheck, ruletable, evidence, export)
    offenders = {}
    for path in clis:
        if bad := {n for n in _imports(path) if _is_views(n) or _within(n, {"casework.web", "casework.flow"})}:
            offenders[str(path.relative_to(PACKAGE))] = bad
    assert offenders == {}


def _reads_current_app(path: Path) -> list[int]:
    """Lines that import `current_app` (from flask or flask.globals) or reach it as `flask.current_app`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    flask = {alias.asname or alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names if alias.name.split(".")[0] == "flask"}
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("flask", "flask.globals"):
            if any(alias.name == "current_app" for alias in node.names):
                lines.add(node.lineno)
        elif isinstance(node, ast.Attribute) and node.attr == "current_app":
            target = node.value
            while isinstance(target, ast.Attribute):
                target = target.value
            if isinstance(target, ast.Name) and target.id in flask:
                lines.add(node.lineno)
    return sorted(lines)


def test_current_app_is_read_only_by_the_composition_root_and_infra() -> None:
    """Views and commands ask casework.infra.settings; services get what they need as arguments."""
    offenders = {}
    for path in PACKAGE.rglob("*.py"):
        if path in ROOT_MODULES or path.is_relative_to(PACKAGE / "infra"):
            continue
        if lines := _reads_current_app(path):
            offenders[str(path.relative_to(PACKAGE))] = lines
    assert offenders == {}


def test_the_rules_see_every_spelling_of_what_they_forbid(tmp_path: Path) -> None:
    """A check that cannot see an import passes whatever the code does; these spellings must be seen."""
    probe = tmp_path / "dossier" / "service.py"
    probe.parent.mkdir()
    probe.write_text("from ..evidence import views\nimport flask as f\n\n"
                     "def seal():\n    from casework.decision.letter_views import x\n    return f.current_app\n")
    assert _imports(probe, tmp_path) >= {"casework.evidence.views", "casework.decision.letter_views.x"}
    assert all(_is_views(n) for n in ("casework.evidence.views", "casework.decision.letter_views.x"))
    assert not any(_is_views(n) for n in ("casework.ui.viewsupport", "casework.web", "casework.cases.pages"))
    assert _reads_current_app(probe) == [6]
    probe.write_text("from flask import current_app as app\nimport flask.globals\nflask.globals.current_app\n"
                     "flask.current_app\nother.current_app\n")
    assert _reads_current_app(probe) == [1, 3, 4]
