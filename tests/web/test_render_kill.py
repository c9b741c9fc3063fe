"""A web worker killed while its forked PDF renderer lays out a dossier (an OOM kill, a hard restart) takes the
renderer with it (security review F-2): the renderer used to live on forever, holding ~200 MB, the client's
connection and gunicorn's listening socket, so that no server could start on the port again."""

from __future__ import annotations

import os
import signal
import socket
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.dossier.models import DossierVersion
from casework.infra.db import db
from tests import samples
from tests.conftest import csrf_from
from tests.factories import PASSWORD, ctx
from tests.uploads import stored, upload
from tests.web.served import alive, children, gunicorn, processes
from tests.web.test_decision import _client, ready, world  # noqa: F401 - the shared fixture
from tests.web.test_evidence_faults import Browser


@pytest.fixture
def renders() -> Iterator[list[int]]:
    """The render processes a test saw; any still alive at the end is killed, so a failing run leaks nothing."""
    seen: list[int] = []
    yield seen
    for pid in seen:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def _login(browser: Browser, username: str) -> None:
    _, page = browser.request("GET", "/login")
    form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": csrf_from(page)})
    status, _ = browser.request("POST", "/login", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 302


def _render_of(arbiter: int, seconds: float = 30) -> tuple[int, int]:
    """(worker, render process): the first child of one of the arbiter's workers, as soon as it exists."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for worker in children(arbiter):
            for render in children(worker):
                return worker, render
        time.sleep(0.005)
    raise AssertionError("no worker forked a render process")


def _wait_dead(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


def _counts() -> tuple[int, int]:
    with ctx():
        return (db.session.scalar(select(func.count()).select_from(DossierVersion)) or 0,
                db.session.scalar(select(func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.action == "dossier.seal")) or 0)


def _port_free(port: int) -> bool:
    with socket.socket() as probe:  # as gunicorn binds: SO_REUSEADDR passes TIME_WAIT, not another listener
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_a_worker_killed_mid_render_takes_the_render_with_it_and_the_port_is_free(
        app: Flask, world: dict[str, Any], db_url: str, tmp_path: Path, renders: list[int]) -> None:  # noqa: F811
    number = ready(world)
    photos = [(f"照片{i:03d}.png", samples.png(64 + i % 50, 48 + i // 50)) for i in range(300)]
    assert upload(_client(app, "legal1"), number, photos, "appliance_photos").status_code == 303  # ~2 s of layout
    files = stored(app)
    with gunicorn(app, db_url, tmp_path / "gunicorn.log") as served:
        browser = Browser(served.port)
        _login(browser, "legal1")
        status, page = browser.request("GET", f"/cases/{number}")
        assert status == 200
        form = urllib.parse.urlencode({"csrf_token": csrf_from(page)}).encode()
        client = socket.create_connection(("127.0.0.1", served.port))
        client.sendall((f"POST /cases/{number}/dossier HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {browser.cookie}\r\n"
                        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(form)}\r\n\r\n")
                       .encode() + form)
        worker, render = _render_of(served.arbiter)
        renders.append(render)
        os.kill(worker, signal.SIGKILL)

        assert _wait_dead(render), "the render process outlived its worker"
        assert [p.pid for p in processes() if p.pgrp == render and p.state not in ("Z", "X")] == []
        client.settimeout(10)
        try:  # nobody holds the request's connection any more: the client sees it closed, not a hang
            assert client.recv(1) == b""
        except ConnectionResetError:
            pass
        finally:
            client.close()
    assert _port_free(served.port), "something still listens on the port after gunicorn stopped"
    with gunicorn(app, db_url, tmp_path / "gunicorn-again.log", port=served.port) as again:
        assert again.port == served.port
    assert _counts() == (0, 0) and stored(app) == files  # no half seal: no row, no audit entry, no file
