"""Uploads under faults: the client goes away, the worker is killed (a real gunicorn, SIGKILL), the disk
fills up. Each must leave no file under a final name, no row and no audit entry, and a retry must work."""

from __future__ import annotations

import errno
import http.client
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.domain.access import Role
from casework.domain.lifecycle import State
from casework.evidence.models import Evidence
from casework.infra import storage
from casework.infra.db import db
from tests import samples
from tests.conftest import PII_KEY, SECRET, csrf_from
from tests.factories import PASSWORD, ctx, login, make_case, make_units, make_user
from tests.uploads import multipart, staging, stored, upload


@pytest.fixture
def case_number(app: Flask) -> str:
    units = make_units()
    field = make_user("field1", Role.FIELD, units["S1"])
    return make_case(units["S1"], field, state=State.ASSESSED).number


def _nothing_kept(app: Flask) -> bool:
    with ctx():
        rows = db.session.scalar(select(func.count()).select_from(Evidence))
        audits = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                   .where(AuditEvent.action == "evidence.upload"))
    return rows == 0 and audits == 0 and stored(app) == []


def _field(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "field1")
    return client


def test_a_client_that_goes_away_mid_upload_leaves_nothing(app: Flask, case_number: str) -> None:
    client = _field(app)
    token = csrf_from(client.get(f"/cases/{case_number}/evidence").text)
    body, content_type = multipart([("csrf_token", token), ("kind", "appliance_photos")],
                                   [("a.jpg", samples.jpeg(1600, 1200))])
    got = client.post(f"/cases/{case_number}/evidence", input_stream=io.BytesIO(body[: len(body) // 2]),
                      content_length=len(body), content_type=content_type)
    assert got.status_code == 400
    assert _nothing_kept(app) and staging(app) == []
    assert upload(client, case_number, [("a.jpg", samples.jpeg(1600, 1200))], "appliance_photos").status_code == 303


def test_a_full_disk_is_a_clear_error_and_the_app_keeps_serving(app: Flask, case_number: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    client = _field(app)
    real_write, written = os.write, [0]

    def write(fd: int, data: Any) -> int:  # the disk fills up 16 KB into this upload, halfway through a write
        if written[0] + len(data) > 16 * 1024:
            real_write(fd, data[:1024])
            raise OSError(errno.ENOSPC, "No space left on device")
        written[0] += len(data)
        return real_write(fd, data)

    monkeypatch.setattr(storage.os, "write", write)
    got = upload(client, case_number, [("a.jpg", samples.jpeg(1600, 1200))], "appliance_photos")
    assert got.status_code == 507 and "存储空间不足" in got.text
    assert _nothing_kept(app) and staging(app) == []
    monkeypatch.setattr(storage.os, "write", real_write)
    assert client.get(f"/cases/{case_number}").status_code == 200
    assert upload(client, case_number, [("a.jpg", samples.jpeg(1600, 1200))], "appliance_photos").status_code == 303


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(app: Flask, db_url: str) -> Iterator[tuple[int, int]]:
    """gunicorn, as the README serves the app, with one worker, on this test's database and instance."""
    port = _free_port()
    env = {**os.environ, "CASEWORK_DATABASE_URL": db_url, "CASEWORK_SECRET_KEY": SECRET, "CASEWORK_PII_KEY": PII_KEY,
           "CASEWORK_INSTANCE_PATH": app.instance_path, "CASEWORK_COOKIE_SECURE": "false",
           "CASEWORK_STORAGE_URL": app.config.get("STORAGE_URL", "")}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
                             "casework:create_app()"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port)
        yield port, proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_for(port: int) -> None:
    for _ in range(200):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/login")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.05)
        finally:
            conn.close()
    raise AssertionError("server did not start")


def _worker_of(arbiter: int) -> int:
    for _ in range(200):
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == arbiter:
                return int(stat.parent.name)
        time.sleep(0.05)
    raise AssertionError("no worker")


class Browser:
    """Just enough of a browser over http.client: a cookie and the CSRF token of the last page."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    @property
    def cookie(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(method, path, body=body, headers={"Cookie": self.cookie, **(headers or {})})
        response = conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or ():  # the session and the device cookie
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        body = response.read().decode("utf-8", "replace")
        conn.close()
        return response.status, body

    def login(self) -> None:
        _, page = self.request("GET", "/login")
        form = urllib.parse.urlencode({"username": "field1", "password": PASSWORD, "csrf_token": csrf_from(page)})
        status, _ = self.request("POST", "/login", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302


def test_a_worker_killed_mid_upload_leaves_nothing_and_a_retry_succeeds(
        app: Flask, case_number: str, server: tuple[int, int]) -> None:
    port, arbiter = server
    browser = Browser(port)
    browser.login()
    status, page = browser.request("GET", f"/cases/{case_number}/evidence")
    assert status == 200, page
    photo = samples.jpeg(2400, 1800) + os.urandom(8 << 20)  # 8 MB: the worker is still writing when it dies
    body, content_type = multipart([("csrf_token", csrf_from(page)), ("kind", "appliance_photos")],
                                   [("killed.jpg", photo)])
    worker = _worker_of(arbiter)
    conn = socket.create_connection(("127.0.0.1", port))
    head = (f"POST /cases/{case_number}/evidence HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {browser.cookie}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    conn.sendall(head + body[: len(body) // 2])
    try:
        for _ in range(200):  # until the worker has started writing the file
            if any(p.stat().st_size for p in staging(app)):
                break
            time.sleep(0.02)
        else:
            raise AssertionError("the upload never reached the store")
        os.kill(worker, signal.SIGKILL)
    finally:
        conn.close()
    assert _nothing_kept(app)
    leftover = staging(app)
    assert len(leftover) == 1  # the half file, never under a final name; verify removes it once it is stale
    _worker_of(arbiter)  # gunicorn starts a new worker
    _wait_for(port)
    _, page = browser.request("GET", f"/cases/{case_number}/evidence")
    body, content_type = multipart([("csrf_token", csrf_from(page)), ("kind", "appliance_photos")],
                                   [("killed.jpg", samples.jpeg(2400, 1800))])
    status, _ = browser.request("POST", f"/cases/{case_number}/evidence", body, {"Content-Type": content_type})
    assert status == 303
    with ctx():
        assert [r.original_name for r in db.session.scalars(select(Evidence))] == ["killed.jpg"]
    old = time.time() - 2 * 3600
    os.utime(leftover[0], (old, old))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["evidence", "verify", "--repair-orphans"])
    assert result.exit_code == 0, result.output
    assert re.search(r"STAGING\s+" + leftover[0].name, result.output) and staging(app) == []
