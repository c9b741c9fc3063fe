"""The restore drill (RELIABILITY.md P6, D6, §7 scenario 17): back up while a thread keeps opening cases through
the real service, restore into another instance, and the copy is whole — integrity check, audit chain and
fixity pass, every case acknowledged before the backup started is there, a sealed dossier downloads with its
hash. A restore checks before it writes: a damaged backup, the wrong PII key or a non-empty instance are refused
with nothing changed."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from casework import create_app
from casework.audit.models import AuditEvent
from casework.auth.models import Unit, User
from casework.cases.models import Case
from casework.cases.service import open_case
from casework.domain.lifecycle import State
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.pii import new_key
from tests import s3server, samples
from tests.conftest import PG_URL, base_config, csrf_from
from tests.factories import login
from tests.uploads import upload
from tests.web.test_decision import _client, ready, world  # noqa: F401 - the shared fixture

# `casework backup` copies a local store; it refuses a bucket (tests/web/test_s3_evidence.py says how).
pytestmark = pytest.mark.skipif(s3server.USE_S3, reason="backup and restore handle a local store only")

CLAIM = {"claimant_name": "李四", "claimant_id_number": "11010519491231002X", "claimant_phone": "13912345678",
         "event_on": utcnow().date(), "reported_on": utcnow().date()}


@pytest.fixture
def fresh_url(tmp_path: Path) -> Iterator[str]:
    """An empty database for the restored instance: a new SQLite file, or a new PostgreSQL database."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'restored' / 'casework.sqlite'}"
        return
    url = make_url(PG_URL)
    name = f"{url.database}_restore"
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def _instance(url: str, folder: Path, monkeypatch: pytest.MonkeyPatch, **config: Any) -> Flask:
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(folder))
    return create_app({**base_config(url), **config})


def _numbers(app: Flask) -> set[str]:
    with app.app_context():
        numbers = set(db.session.scalars(select(Case.number)))
        db.session.remove()
        return numbers


class Writer(threading.Thread):
    """Opens cases one after another through the real service until told to stop; each number is kept with the
    moment its commit returned (the moment the user would have seen it confirmed)."""

    def __init__(self, app: Flask, username: str) -> None:
        super().__init__()
        self.app, self.username = app, username
        self.acked: list[tuple[str, float]] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set() and len(self.acked) < 2000:
                with self.app.app_context():
                    with unit_of_work() as session:
                        user = session.scalar(select(User).where(User.username == self.username))
                        assert user is not None
                        case = open_case(session, user.actor(), category="appliance", unit=session.get(Unit, user.unit_id),
                                         now=utcnow(), state=State.REGISTERED, **CLAIM)
                        number = case.number
                    db.session.remove()
                self.acked.append((number, time.monotonic()))
        except BaseException as exc:  # reported by the test
            self.error = exc


def test_a_backup_taken_under_write_load_restores_whole(app: Flask, world: dict[str, Any], tmp_path: Path,  # noqa: F811
                                                        fresh_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    number = ready(world)
    legal = _client(app, "legal1")
    assert upload(legal, number, [("现场.jpg", samples.jpeg()), ("发票.png", samples.png(300, 200))],
                  "appliance_photos").status_code == 303
    token = csrf_from(legal.get(f"/cases/{number}").text)
    assert legal.post(f"/cases/{number}/dossier", data={"csrf_token": token}).status_code == 303
    with legal.get(f"/cases/{number}/dossier/1") as download:
        sealed = download.get_data()

    writer = Writer(app, "field1")
    writer.start()
    try:
        while len(writer.acked) < 5 and writer.is_alive():
            time.sleep(0.01)
        started = time.monotonic()
        backup = tmp_path / "backups" / "nightly"
        result = app.test_cli_runner().invoke(args=["backup", str(backup)])
        finished = time.monotonic()
        while not [t for _, t in writer.acked if t > finished] and writer.is_alive():
            time.sleep(0.01)  # the writer went on past the end of the backup
    finally:
        writer.stop.set()
        writer.join()
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    assert "recovery point" in result.output
    before = {n for n, t in writer.acked if t < started}
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["files"]["damaged"] == [] and manifest["files"]["objects"] >= 3  # 2 photos and the dossier

    restored = _instance(fresh_url, tmp_path / "restored", monkeypatch)
    runner = restored.test_cli_runner()
    result = runner.invoke(args=["restore", str(backup)])
    assert result.exit_code == 0, result.output
    if not PG_URL:
        with sqlite3.connect(make_url(fresh_url).database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    audit = runner.invoke(args=["audit", "verify"])
    assert audit.exit_code == 0 and audit.output.startswith("OK"), audit.output
    fixity = runner.invoke(args=["evidence", "verify"])
    assert fixity.exit_code == 0 and "0 changed, 0 missing" in fixity.output, fixity.output

    numbers = _numbers(restored)
    assert before <= numbers  # every write acknowledged before the backup started is there
    assert numbers <= {n for n, _ in writer.acked} | _numbers(app)  # and nothing that never was
    assert len(numbers) == manifest["tables"]["case_record"]
    with restored.app_context():
        restore_entry = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
        assert restore_entry is not None and restore_entry.action == "backup.restore"
        db.session.remove()
    browser = restored.test_client()
    login(browser, "legal1")
    with browser.get(f"/cases/{number}/dossier/1") as download:
        assert download.status_code == 200 and download.get_data() == sealed
    with app.app_context():  # the backup itself is in the live instance's audit trail
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "backup.create")) == 1
        db.session.remove()

    again = runner.invoke(args=["restore", str(backup)])  # never over data
    assert again.exit_code == 1 and "already has tables" in again.output


def _tables(url: str) -> list[str]:
    """The tables of the database at `url` (a SQLite file never created has none)."""
    from sqlalchemy import inspect

    file = make_url(url).database
    if url.startswith("sqlite") and file and not Path(file).exists():
        return []
    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_a_damaged_backup_or_another_key_is_refused_and_nothing_is_written(
        app: Flask, world: dict[str, Any], tmp_path: Path, fresh_url: str,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    number = ready(world)
    assert upload(_client(app, "legal1"), number, [("现场.jpg", samples.jpeg())], "appliance_photos").status_code == 303
    backup = tmp_path / "backup"
    assert app.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0

    other_key = _instance(fresh_url, tmp_path / "other-key", monkeypatch, PII_KEY=new_key())
    result = other_key.test_cli_runner().invoke(args=["restore", str(backup)])
    assert result.exit_code == 1 and "PII_KEY is not the key the backup was made with" in result.output
    assert _tables(fresh_url) == [] and not list((tmp_path / "other-key").rglob("objects/*/*/*"))

    [photo] = [p for p in (backup / "files" / "objects").rglob("*") if p.is_file() and p.stat().st_size < 100_000]
    data = bytearray(photo.read_bytes())
    data[len(data) // 2] ^= 1
    os.chmod(photo, 0o640)
    photo.write_bytes(bytes(data))
    fresh = _instance(fresh_url, tmp_path / "fresh", monkeypatch)
    result = fresh.test_cli_runner().invoke(args=["restore", str(backup)])
    assert result.exit_code == 1 and f"changed: files/objects/{photo.relative_to(backup / 'files' / 'objects')}" \
        in result.output.replace("\n", "")
    assert _tables(fresh_url) == [] and not list((tmp_path / "fresh").rglob("objects/*/*/*"))
    assert hashlib.sha256(bytes(data)).hexdigest() != photo.name
