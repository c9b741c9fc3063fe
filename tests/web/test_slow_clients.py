"""A few slow clients do not take the server down (security review F-3): with two sync workers, two connections
that sent a header line, or 100 bytes of an upload, every 2 s froze both workers and the login page stopped
answering. Served as `make run` serves it, the app keeps answering while eight such connections hang on."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

from flask import Flask

from tests.conftest import csrf_from
from tests.web.served import _get, gunicorn
from tests.web.test_evidence_faults import Browser, case_number  # noqa: F401 - the shared fixture

SLOW_FOR = 16.0  # seconds the slow clients keep going
EVERY = 2.0  # one header line, or 100 bytes of body, this often
PROBE_TIMEOUT = 5.0  # a probe of the login page that takes longer counts as not answered


def _slow_headers(port: int) -> tuple[socket.socket, list[bytes]]:
    """An anonymous request whose header never ends: one more line every EVERY seconds."""
    conn = socket.create_connection(("127.0.0.1", port))
    conn.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    return conn, [f"X-Slow-{i}: {'a' * 20}\r\n".encode() for i in range(int(SLOW_FOR / EVERY) + 5)]


def _slow_upload(port: int, browser: Browser, number: str, page: str) -> tuple[socket.socket, list[bytes]]:
    """A logged-in evidence upload announcing 8 MB and sending 100 bytes every EVERY seconds."""
    boundary = "slowboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf_from(page)}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nappliance_photos\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"slow.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode() + b"\xff\xd8\xff\xe0"
    conn = socket.create_connection(("127.0.0.1", port))
    conn.sendall((f"POST /cases/{number}/evidence HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {browser.cookie}\r\n"
                  f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {8 << 20}\r\n\r\n")
                 .encode() + head)
    return conn, [os.urandom(100) for _ in range(int(SLOW_FOR / EVERY) + 5)]


def test_the_login_page_answers_while_eight_slow_clients_hang_on(app: Flask, case_number: str,  # noqa: F811
                                                                 db_url: str, tmp_path: Path) -> None:
    with gunicorn(app, db_url, tmp_path / "gunicorn.log") as served:
        browser = Browser(served.port)
        browser.login()
        _, page = browser.request("GET", f"/cases/{case_number}/evidence")
        slow = [_slow_headers(served.port) for _ in range(4)]
        slow += [_slow_upload(served.port, browser, case_number, page) for _ in range(4)]
        broken: list[str] = []
        stop = threading.Event()

        def trickle() -> None:
            for step in range(int(SLOW_FOR / EVERY)):
                if stop.wait(EVERY):
                    return
                for index, (conn, pieces) in enumerate(slow):
                    try:
                        conn.sendall(pieces[step])
                    except OSError as exc:
                        broken.append(f"slow client {index}: {exc}")

        feeder = threading.Thread(target=trickle)
        feeder.start()
        probes: list[str] = []
        try:
            time.sleep(EVERY + 1)  # every slow client has sent at least one more piece: each holds its thread
            deadline = time.monotonic() + SLOW_FOR - EVERY - 2
            while time.monotonic() < deadline:
                started = time.monotonic()
                try:
                    status = _get(served.port, "/login", timeout=PROBE_TIMEOUT)
                    probes.append(f"{status}" if status == 200 else f"status {status}")
                except OSError as exc:  # socket.timeout included
                    probes.append(f"no answer within {PROBE_TIMEOUT:g} s ({type(exc).__name__})")
                time.sleep(max(0.0, EVERY - (time.monotonic() - started)))
        finally:
            stop.set()
            feeder.join()
            for conn, _ in slow:
                conn.close()
    assert len(probes) >= 5 and set(probes) == {"200"}, probes
    assert broken == []  # the slow clients were held open throughout: the server did not simply drop them
