"""A real S3 API server for the tests: moto's server mode in a child process on a free loopback port, one per
pytest process, with one bucket. Tests talk to it over HTTP with boto3, exactly as the app does to a
production bucket (no mock object in between).

`CASEWORK_TEST_STORAGE=s3` makes every test app keep its files there (tests/conftest.py), each test under
its own prefix.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

BUCKET = "casework-test"
USE_S3 = os.environ.get("CASEWORK_TEST_STORAGE", "") == "s3"
_server: list[Any] = []  # [process, endpoint] once started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def client() -> Any:
    """A boto3 client on the test server, configured as the app's own (casework/infra/s3_store.py)."""
    from casework.infra.s3_store import _client

    return _client(8)


def _die_with_parent() -> None:
    """The server goes when the pytest process that started it does, however that ends (Linux)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


def start() -> str:
    """Start the server (once per process) and point the AWS variables at it; its endpoint URL."""
    if _server:
        return str(_server[1])
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)
    endpoint = f"http://127.0.0.1:{port}"
    # Every boto3 client of this process and of the servers tests start (gunicorn inherits them) finds it here.
    os.environ.update(AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="casework-test",
                      AWS_SECRET_ACCESS_KEY="casework-test-secret", AWS_DEFAULT_REGION="us-east-1")
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3"):
        os.environ.pop(var, None)
    _server[:] = [proc, endpoint]
    deadline = time.monotonic() + 30
    while True:
        try:
            client().create_bucket(Bucket=BUCKET)
            break
        except Exception:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop()
                raise
            time.sleep(0.1)
    return endpoint


def stop() -> None:
    if _server:
        proc = _server[0]
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        _server.clear()


def url(prefix: str) -> str:
    return f"s3://{BUCKET}/{prefix.strip('/')}"
