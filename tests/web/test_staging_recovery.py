"""Partial uploads of killed workers (F-18): the next start of the app clears them, and so does the nightly
fixity run, without touching an upload another worker is still receiving (its writer holds a lock on it)."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from flask import Flask

from casework import create_app
from casework.infra.storage import store_of
from tests import samples
from tests.conftest import base_config, csrf_from
from tests.uploads import multipart, staging
from tests.web.test_evidence_faults import Browser, _wait_for, _worker_of, case_number, server  # noqa: F401

TWO_MINUTES_AGO = time.time() - 120


def _age(path: Path, when: float = TWO_MINUTES_AGO) -> None:
    os.utime(path, (when, when))


def _live_worker(arbiter: int, not_this: int = 0) -> int:
    """The arbiter's worker, once it is another than `not_this` (a killed one lingers until it is reaped)."""
    for _ in range(200):
        pid = _worker_of(arbiter)
        if pid != not_this and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
            return pid
        time.sleep(0.05)
    raise AssertionError("no new worker")


def test_a_start_clears_abandoned_partial_uploads_and_leaves_live_ones(app: Flask, db_url: str) -> None:
    store = store_of(app)  # local disk, or a bucket (whose uploads still arrive in a local staging folder)
    abandoned = store.staging_root / "killed-upload"
    abandoned.write_bytes(b"x" * 4096)  # nobody holds it: its writer died
    live = store.stage()  # a slow upload in another worker: locked, but no byte for two minutes
    live.write(b"y" * 1024)
    recent = store.staging_root / "just-now"
    recent.write_bytes(b"z")  # unlocked but fresh: could be a writer between creating and locking it
    for path in (abandoned, live.path):
        _age(path)
    try:
        create_app(base_config(db_url))  # what every gunicorn worker does when it starts
        assert sorted(p.name for p in staging(app)) == sorted([live.path.name, "just-now"])
        live.write(b"still arriving")
        sha = live.finish()
        _age(live.path)
        create_app(base_config(db_url))  # finished but not yet promoted (content checks): still the writer's
        assert live.path.exists()
        store.promote(live, sha)
    finally:
        live.discard()
    assert store.exists(sha) and [p.name for p in staging(app)] == ["just-now"]


def test_the_nightly_check_clears_them_without_repair_flags(app: Flask) -> None:
    path = store_of(app).staging_root / "killed-upload"
    path.write_bytes(b"x" * 100)
    _age(path)
    result = app.test_cli_runner().invoke(args=["evidence", "verify"])
    assert result.exit_code == 0, result.output
    assert "STAGING  killed-upload  (an upload that never finished, 100 bytes: removed)" in result.output
    assert staging(app) == []


def test_a_worker_killed_mid_upload_leaves_a_partial_file_the_next_worker_removes(
        app: Flask, case_number: str, server: tuple[int, int]) -> None:  # noqa: F811
    port, arbiter = server
    browser = Browser(port)
    browser.login()
    status, page = browser.request("GET", f"/cases/{case_number}/evidence")
    assert status == 200, page
    photo = samples.jpeg(2400, 1800) + os.urandom(8 << 20)
    body, content_type = multipart([("csrf_token", csrf_from(page)), ("kind", "appliance_photos")],
                                   [("killed.jpg", photo)])
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
        killed = _live_worker(arbiter)
        os.kill(killed, 9)
    finally:
        conn.close()
    [leftover] = staging(app)
    second = _live_worker(arbiter, killed)
    _wait_for(port)  # a new worker serves; the half file is too fresh to judge yet
    assert staging(app) == [leftover]
    _age(leftover)  # two minutes later, the worker restarts (a deploy, a crash, max-requests)
    os.kill(second, 9)
    _live_worker(arbiter, second)
    _wait_for(port)
    assert staging(app) == []
    status, _ = browser.request("GET", f"/cases/{case_number}/evidence")
    assert status == 200
