"""Fixtures: a real database per test (SQLite file, or PostgreSQL when CASEWORK_TEST_DATABASE_URL is set), and
the file store on local disk, or in a real S3 API server when CASEWORK_TEST_STORAGE=s3 (tests/s3server.py)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

from casework import create_app
from casework.infra.db import db
from tests import s3server


def _per_worker(url: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database beside the configured one (test_gw0,
    test_gw1…), since every test truncates the tables it used; SQLite needs nothing, each test has its file."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


PG_URL = _per_worker(os.environ.get("CASEWORK_TEST_DATABASE_URL", ""))
PII_KEY = Fernet.generate_key().decode()
SECRET = "test-secret-" + "x" * 40
ACTIVE_APP: list[Flask] = []  # the current test's app, for factories
S3_PREFIX = ["shared"]  # the running test's own prefix in the test bucket (CASEWORK_TEST_STORAGE=s3)


def base_config(url: str) -> dict[str, object]:
    config: dict[str, object] = {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": SECRET, "PII_KEY": PII_KEY}
    if s3server.USE_S3:
        config["STORAGE_URL"] = s3server.url(S3_PREFIX[0])
    return config


@pytest.fixture(scope="session")
def s3() -> Iterator[str]:
    """The session's S3 API server (moto, a child process on loopback); its endpoint."""
    yield s3server.start()
    s3server.stop()


@pytest.fixture(scope="session", autouse=True)
def _s3_for_all() -> Iterator[None]:
    if s3server.USE_S3:
        s3server.start()
    yield
    s3server.stop()


@pytest.fixture(autouse=True)
def _s3_prefix(request: pytest.FixtureRequest) -> None:
    """Each test's files under a prefix of its own: no test sees another's objects."""
    S3_PREFIX[0] = "t-" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:20]


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app(base_config(url))
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        db.engine.dispose()


def _create_database(url: str) -> None:
    """Create the worker's database if it does not exist yet (through the configured one)."""
    base = os.environ["CASEWORK_TEST_DATABASE_URL"]
    name = make_url(url).database
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def reset_postgres(url: str) -> None:
    if url != os.environ.get("CASEWORK_TEST_DATABASE_URL"):
        _create_database(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def translations() -> None:
    from casework.infra.i18n import compile_translations

    compile_translations()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per run; each test then starts from this migrated, empty database."""
    if PG_URL:
        reset_postgres(PG_URL)
        _migrate(PG_URL)
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "casework.sqlite"
    _migrate(f"sqlite:///{path}")
    return str(path)


@pytest.fixture
def db_url(template_db: str, tmp_path: Path) -> str:
    if PG_URL:
        return PG_URL
    target = tmp_path / "casework.sqlite"
    shutil.copyfile(template_db, target)
    return f"sqlite:///{target}"


@pytest.fixture
def app(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The app, with no context pushed: each request gets its own, as in production.

    Test code that touches the database opens `with app.app_context():` itself (factories do).
    """
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(base_config(db_url))
    ACTIVE_APP[:] = [app]
    yield app
    ACTIVE_APP.clear()
    with app.app_context():
        if PG_URL:
            tables = ", ".join(t.name for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)
