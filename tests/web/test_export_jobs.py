"""Batch export from the auditor's page: asked for with a form, run in a background process on every core,
watched through its status, downloaded as one ZIP whose bundles all verify offline; audited at each step,
listed in the export history, and visible only to those who may see it."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.cli import main
from casework.domain.access import Role
from casework.export import jobs
from casework.export.models import ExportJob
from casework.export.verify import verify_paths
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.pdf_isolate import DEFAULT_LIMITS
from tests import samples
from tests.conftest import csrf_from
from tests.factories import ctx, make_user
from tests.uploads import upload
from tests.web.test_decision import _client, ready, world  # noqa: F401 - the shared fixture


def wait_for(client: FlaskClient, url: str, seconds: float = 180) -> dict[str, Any]:
    """Poll the job's status as the page's progress indicator does, until it stops running."""
    deadline = time.monotonic() + seconds
    seen: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        status: dict[str, Any] = client.get(url).get_json()
        seen.append(status)
        if status["state"] not in ("queued", "running"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"export still running after {seconds} s: {seen[-3:]}")


def _ask(client: FlaskClient, **fields: str) -> Any:
    token = csrf_from(client.get("/exports/").text)
    return client.post("/exports/", data={"csrf_token": token, "start": "", "end": "", "unit": "", "category": "",
                                          "outcome": "", **fields})


def test_an_auditor_exports_in_the_background_and_every_bundle_verifies(app: Flask, world: dict[str, Any],  # noqa: F811
                                                                         tmp_path: Path) -> None:
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    numbers = [ready(world) for _ in range(4)]
    upload(_client(app, "legal1"), numbers[0], [("冰箱.jpg", samples.jpeg())], "appliance_photos")
    auditor = _client(app, "audit1")
    response = _ask(auditor)
    assert response.status_code == 303
    page = auditor.get(response.location).text
    assert "<progress" in page and "export.js" in page
    status = wait_for(auditor, response.location + "/status")
    assert status == {"state": "done", "done": 4, "total": 4, "percent": 100}
    page = auditor.get(response.location).text
    assert "已完成" in page and "/download" in page
    with auditor.get(response.location + "/download") as download:
        assert download.status_code == 200 and download.mimetype == "application/zip"
        target = tmp_path / "batch.zip"
        target.write_bytes(download.get_data())
    reports = verify_paths([target])
    assert len(reports) == 4 and all(r.ok for r in reports)
    against = app.test_cli_runner().invoke(main, ["verify", "--against-db", str(target)])
    assert against.exit_code == 0 and "4 bundles compared with the database: 4 match" in against.output
    assert sorted(r.bundle.rsplit("/", 1)[1] for r in reports) == sorted(f"{n}.zip" for n in numbers)
    with ctx():
        actions = [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("export.%")))]
    assert actions.count("export.case") == 4
    assert {"export.batch.request", "export.batch.finish", "export.batch.download"} <= set(actions)
    history = auditor.get("/exports/").text
    assert "Audit1" in history and "已完成" in history  # the requester by name


def test_a_changed_byte_in_the_downloaded_batch_is_named(app: Flask, world: dict[str, Any],  # noqa: F811
                                                        tmp_path: Path) -> None:
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    number = ready(world)
    auditor = _client(app, "audit1")
    location = _ask(auditor).location
    wait_for(auditor, location + "/status")
    with auditor.get(location + "/download") as download:
        (tmp_path / "batch.zip").write_bytes(download.get_data())
    assert all(r.ok for r in verify_paths([tmp_path / "batch.zip"]))
    with zipfile.ZipFile(tmp_path / "batch.zip") as batch, zipfile.ZipFile(tmp_path / "changed.zip", "w") as out:
        for info in batch.infolist():  # one byte of the dossier changed inside the case's bundle
            inner, changed = io.BytesIO(batch.read(info)), io.BytesIO()
            with zipfile.ZipFile(inner) as bundle, zipfile.ZipFile(changed, "w") as rewritten:
                for member in bundle.infolist():
                    data = bundle.read(member)
                    if member.filename == "dossier.pdf":
                        data = data[:400] + bytes([data[400] ^ 1]) + data[401:]
                    rewritten.writestr(member, data)
            out.writestr(info, changed.getvalue())
    [report] = verify_paths([tmp_path / "changed.zip"])
    assert not report.ok and number in report.bundle and any("dossier.pdf" in p for p in report.problems)


def test_bad_criteria_come_back_with_the_message_and_what_was_typed(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    auditor = _client(app, "audit1")
    response = _ask(auditor, start="2026-11-20", end="2026-11-01")
    assert response.status_code == 422
    assert "结束日期不能早于开始日期" in response.text and 'value="2026-11-20"' in response.text
    assert _ask(auditor, unit="NO-SUCH-UNIT").status_code == 422
    with ctx():
        assert db.session.scalar(select(ExportJob.id)) is None


def test_exports_are_seen_only_by_those_allowed(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    make_user("head2", Role.LEGAL_HEAD, world["units"]["C2"])
    ready(world)
    head1 = _client(app, "head1")
    location = _ask(head1).location
    wait_for(head1, location + "/status")
    assert _client(app, "audit1").get(location).status_code == 200  # auditors audit every export
    head2 = _client(app, "head2")
    assert head2.get(location).status_code == 404 and head2.get(location + "/download").status_code == 404
    assert "head1" not in head2.get("/exports/").text
    assert _client(app, "field1").get("/exports/").status_code == 403
    assert _client(app, "legal1").get(location + "/status").status_code == 403


def test_a_job_that_stopped_reporting_shows_as_interrupted(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    with ctx(), unit_of_work() as session:
        from casework.auth.models import User
        user = session.scalar(select(User).where(User.username == "audit1"))
        long_ago = utcnow() - timedelta(hours=1)
        session.add(ExportJob(public_id="stale-job-000000000000", requested_by_id=user.id, requested_by_name="audit1",
                              requested_at=long_ago, heartbeat_at=long_ago, criteria={}, state="running", total=9,
                              done=3, failed=[]))
    auditor = _client(app, "audit1")
    assert auditor.get("/exports/stale-job-000000000000/status").get_json()["state"] == "interrupted"
    assert "已中断" in auditor.get("/exports/stale-job-000000000000").text
    with ctx():
        job = db.session.scalar(select(ExportJob))
        assert jobs.status(job, utcnow()) == "interrupted"


def test_a_run_that_fails_says_so_on_its_page_and_in_the_audit_trail(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    with ctx(), unit_of_work() as session:  # asked for a unit that is gone by the time the run starts
        from casework.auth.models import User
        user = session.scalar(select(User).where(User.username == "audit1"))
        session.add(ExportJob(public_id="doomed-job-00000000000", requested_by_id=user.id, requested_by_name="audit1",
                              requested_at=utcnow(), heartbeat_at=utcnow(), criteria={"unit": "GONE"},
                              state="queued", total=0, done=0, failed=[]))
    jobs.start(app, "doomed-job-00000000000", workers=1, limits=DEFAULT_LIMITS)
    auditor = _client(app, "audit1")
    assert wait_for(auditor, "/exports/doomed-job-00000000000/status")["state"] == "failed"
    assert "导出失败，未生成下载文件" in auditor.get("/exports/doomed-job-00000000000").text
    assert auditor.get("/exports/doomed-job-00000000000/download").status_code == 404
    with ctx():
        failed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.batch.fail"))
        assert failed is not None and failed.actor_name == "audit1" and "GONE" in failed.after["error"]
