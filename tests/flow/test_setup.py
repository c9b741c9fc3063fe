"""Configuration layers, `casework init`, and the migrations that alone make the schema."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from flask import Flask

from casework import create_app
from casework.cli import main
from casework.infra.db import db, outside_models
from tests.conftest import PG_URL, base_config


def _outside_the_models(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    return not outside_models(name)


def test_migrations_produce_exactly_the_models_schema(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as conn, warnings.catch_warnings():
        # PostgreSQL's expression index (the search pairs) cannot be reflected; SQLAlchemy says so.
        warnings.filterwarnings("ignore", message=".*expression-based index.*")
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _outside_the_models})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_config_layers_apply_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("PAGE_SIZE = 40\nLOGIN_WINDOW_MINUTES = 20\nSESSION_IDLE_MINUTES = 9\n")
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("CASEWORK_LOGIN_WINDOW_MINUTES", "25")
    monkeypatch.setenv("CASEWORK_SESSION_IDLE_MINUTES", "11")
    app = create_app({**base_config("sqlite://"), "SESSION_IDLE_MINUTES": 12})
    assert app.config["SQLITE_BUSY_TIMEOUT_S"] == 15  # default
    assert app.config["PAGE_SIZE"] == 40  # instance file beats default
    assert app.config["LOGIN_WINDOW_MINUTES"] == 25  # environment beats instance file
    assert app.config["SESSION_IDLE_MINUTES"] == 12  # test mapping beats environment
    assert app.instance_path == str(instance)


def test_app_refuses_to_start_without_a_strong_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("CASEWORK_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": "sqlite://"})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "dev"})


def test_secrets_come_from_files_the_environment_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Several instances share one secret key and PII key, mounted as files (issue 17), not one per machine."""
    from cryptography.fernet import Fernet

    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("CASEWORK_SECRET_KEY", raising=False)
    monkeypatch.delenv("CASEWORK_PII_KEY", raising=False)
    (tmp_path / "secret").write_text("s" * 48 + "\n")
    key = Fernet.generate_key().decode()
    (tmp_path / "pii").write_text(key)
    monkeypatch.setenv("CASEWORK_SECRET_KEY_FILE", str(tmp_path / "secret"))
    monkeypatch.setenv("CASEWORK_PII_KEY_FILE", str(tmp_path / "pii"))
    app = create_app({"DATABASE_URL": "sqlite://"})
    assert app.config["SECRET_KEY"] == "s" * 48 and app.config["PII_KEY"] == key
    monkeypatch.setenv("CASEWORK_PII_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(RuntimeError, match="CASEWORK_PII_KEY_FILE names .*missing, which cannot be read"):
        create_app({"DATABASE_URL": "sqlite://"})


def test_init_twice_is_harmless_and_keeps_the_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    instance = tmp_path / "fresh"
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(instance))
    url = PG_URL or f"sqlite:///{instance / 'casework.sqlite'}"
    if not PG_URL:
        monkeypatch.delenv("CASEWORK_DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("CASEWORK_DATABASE_URL", url)
    runner = CliRunner()
    first = runner.invoke(main, ["init"])
    assert first.exit_code == 0, first.output
    assert "wrote" in first.output and "database ready" in first.output
    secret = (instance / "config.py").read_text()
    assert oct((instance / "config.py").stat().st_mode)[-3:] == "600"
    second = runner.invoke(main, ["init"])
    assert second.exit_code == 0, second.output
    assert "wrote" not in second.output
    assert (instance / "config.py").read_text() == secret
    app = create_app()
    assert not app.testing and len(app.config["SECRET_KEY"]) >= 32
    if not PG_URL:
        assert (instance / "casework.sqlite").exists()
    # The first init named its keys in the database; a second machine that ran its own init (its own keys)
    # against the same database refuses to start rather than write what the first cannot read.
    assert "the database now records PII key" in first.output and "records PII key" not in second.output
    other = tmp_path / "second-machine"
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(other))
    monkeypatch.setenv("CASEWORK_DATABASE_URL", url)
    refused = runner.invoke(main, ["init"])
    assert refused.exit_code != 0 and "casework will not start: the database is written with PII key" in str(
        refused.exception)
    if PG_URL:  # the worker's database outlives this test: later tests' apps have the suite's own keys
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM deployment_fact"))
        engine.dispose()
    os.environ.pop("CASEWORK_DATABASE_URL", None)


def test_demo_loads_once_and_every_role_can_log_in(app: Flask) -> None:
    import re

    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    logins = re.findall(r"^\s+(demo\.\w+)\s+(\w+)\s+\S+\s+password: (\S+)$", first.output, re.M)
    assert {role for _, role, _ in logins} == {"field", "legal", "legal_head", "auditor", "admin"}
    assert "already loaded" in runner.invoke(args=["demo"]).output
    from tests.factories import login

    for username, role, password in logins:
        client = app.test_client()
        assert login(client, username, password).status_code == 302, username
        landing = client.get("/", follow_redirects=True)
        assert landing.status_code == 200
        if role == "admin":
            assert "demo.field" in landing.text and "PC-" not in landing.text
        else:
            assert "PC-" in landing.text


def test_cli_creates_users_and_resets_passwords(app: Flask) -> None:
    import re

    from tests.factories import login, make_units

    make_units()
    runner = app.test_cli_runner()
    created = runner.invoke(args=["users", "create", "--role", "legal", "--unit", "C1", "--name", "李敏", "LiMin"])
    assert created.exit_code == 0, created.output
    first = re.search(r"one-time password: (\S+)", created.output)
    assert first
    client = app.test_client()
    assert login(client, "limin", first.group(1)).status_code == 302
    assert client.get("/cases/").headers["Location"].endswith("/password")  # must choose a password first
    refused = runner.invoke(args=["users", "create", "--role", "legal", "--unit", "NOPE", "x"])
    assert refused.exit_code != 0 and "no unit" in refused.output
    reset = runner.invoke(args=["users", "reset-password", "limin"])
    second = re.search(r"one-time password (\S+)", reset.output)
    assert second and second.group(1) != first.group(1)
    assert client.get("/password").status_code == 302  # the old session ended with the reset
    assert login(app.test_client(), "limin", second.group(1)).status_code == 302
