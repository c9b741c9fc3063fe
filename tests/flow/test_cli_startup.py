"""The command line starts without the web app: help on a fresh clone, casework's version, a lean `assess`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from casework.cli import APPLESS, main
from casework.domain.access import SYSTEM, Role
from tests.domain.casefactory import example_files, load
from tests.factories import load_rule_table, make_units, make_user

SCRIPT = Path(sys.executable).parent / "casework"
#: What only a page or a PDF needs; `casework assess` must load none of it.
NOT_FOR_ASSESS = ("weasyprint", "casework.infra.pdf", "casework.web", "casework.flow", "flask_wtf")


def _env(instance: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    return {**env, "CASEWORK_INSTANCE_PATH": str(instance), **extra}


def _run(*args: str, env: dict[str, str], stdin: str = "", python: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*python, str(SCRIPT), *args], input=stdin, env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=120, check=False)


def _listed(help_text: str) -> set[str]:
    rows = help_text.split("\nCommands:\n", 1)[1].splitlines()
    return {row.split()[0] for row in rows if row.startswith("  ") and not row.startswith("   ")}


def test_help_on_a_fresh_clone_lists_every_command(app: Flask, tmp_path: Path) -> None:
    empty = tmp_path / "fresh"
    empty.mkdir()
    done = _run("--help", env=_env(empty))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr and done.stderr == ""
    registered = set(app.cli.commands) | set(main.commands) | set(APPLESS)
    assert len(registered) >= 18 and {"db", "users", "recheck", "init", "assess", "verify", "run"} <= registered
    assert _listed(done.stdout) == registered
    assert list(empty.iterdir()) == []  # asking for help writes nothing


def test_version_is_caseworks_own() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"casework {version('casework')}"
    assert "Flask" not in result.stdout


def _publish(app: Flask, label: str) -> None:
    """A new table version in force, approved as the head of legal would."""
    from casework.infra.db import db, unit_of_work, utcnow
    from casework.ruletable.store import create_draft, decide, in_force, submit

    load_rule_table()
    head = make_user("head1", Role.LEGAL_HEAD, make_units()["P"])
    with app.app_context():
        with unit_of_work() as session:
            base = in_force(session)
            assert base is not None
            draft = create_draft(session, SYSTEM, base=base, version=label, summary="测试", now=utcnow(),
                                 data=json.loads(json.dumps(base.data)))
            submit(session, SYSTEM, draft, now=utcnow())
            decide(session, session.merge(head).actor(), draft, approve=True, comment="", now=utcnow())
        db.engine.dispose()


def test_assess_reads_the_instance_table_without_loading_the_web_app(app: Flask, db_url: str,
                                                                      tmp_path: Path) -> None:
    _publish(app, "2099.7")
    instance = tmp_path / "initialised"
    instance.mkdir()
    (instance / "config.py").write_text(f"SECRET_KEY = {'k' * 40!r}\nPII_KEY = {app.config['PII_KEY']!r}\n")
    case = json.dumps(load(example_files()[0])["case"], ensure_ascii=False)
    done = _run("assess", "-", stdin=case, env=_env(instance, CASEWORK_DATABASE_URL=db_url),
                python=(sys.executable, "-X", "importtime"))
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout)["rule_table_version"] == "2099.7"
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time")}
    assert "casework.domain.rules" in imported  # the import log is read
    assert sorted(imported & set(NOT_FOR_ASSESS)) == []


def test_assess_reads_the_table_and_calendar_the_store_keeps(app: Flask, db_url: str) -> None:
    """`assess` reads the table in force with plain SQL; it must find what ruletable.store finds."""
    from casework.infra.db import db
    from casework.rulecheck.cli import _read_database
    from casework.ruletable.store import calendar, current_table

    _publish(app, "2099.8")
    found = _read_database(db_url, 15)
    assert found is not None
    with app.app_context():
        table, days = current_table(db.session()), calendar(db.session())
        db.session.remove()
        db.engine.dispose()
    assert found[0].to_dict() == table.to_dict() and found[0].version == "2099.8"
    assert days is not None and len(days.holidays) > 20
    assert found[1] == days


def test_assess_on_an_instance_without_a_database_uses_the_bundled_table(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    instance = tmp_path / "configured"
    instance.mkdir()
    (instance / "config.py").write_text(f"SECRET_KEY = {'k' * 40!r}\n")
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("CASEWORK_DATABASE_URL", raising=False)
    result = CliRunner().invoke(main, ["assess", "-"], input=json.dumps(load(example_files()[0])["case"]))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rule_table_version"] == "2026.1"
    assert not (instance / "casework.sqlite").exists()  # reading creates no empty database
