"""A real gunicorn serving a test's app as `make run` does (casework/gunicorn_conf.py), on a free loopback port,
and the bits of /proc the fault tests read (which processes are whose children)."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from tests.conftest import PII_KEY, SECRET
from tests.web.test_evidence_faults import _free_port

CONF = "python:casework.gunicorn_conf"


@dataclass
class Served:
    port: int
    arbiter: int
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def _get(port: int, path: str, timeout: float) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@contextmanager
def gunicorn(app: Flask, db_url: str, log: Path, *, port: int | None = None, seconds: float = 30,
             options: tuple[str, ...] = ()) -> Iterator[Served]:
    """gunicorn with the settings `make run` uses, on this test's database and instance; stopped with SIGTERM
    (as Ctrl-C or systemd stops it) and waited for on the way out. `options` come after the settings file and
    override it, as on gunicorn's command line."""
    port = port or _free_port()
    env = {**os.environ, "CASEWORK_DATABASE_URL": db_url, "CASEWORK_SECRET_KEY": SECRET, "CASEWORK_PII_KEY": PII_KEY,
           "CASEWORK_INSTANCE_PATH": app.instance_path, "CASEWORK_COOKIE_SECURE": "false",
           "CASEWORK_STORAGE_URL": app.config.get("STORAGE_URL", "")}  # the same store (the AWS variables pass on)
    with log.open("ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", CONF, "--bind", f"127.0.0.1:{port}",
                                 *options],
                                env=env, stdout=out, stderr=out)
    served = Served(port, proc.pid, log)
    try:
        deadline = time.monotonic() + seconds
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"gunicorn exited with {proc.returncode}:\n{served.log_tail()}")
            try:
                if _get(port, "/login", timeout=2) == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"gunicorn did not answer within {seconds} s:\n{served.log_tail()}")
            time.sleep(0.1)
        yield served
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass(frozen=True)
class Proc:
    pid: int
    state: str
    ppid: int
    pgrp: int


def processes() -> list[Proc]:
    """Every process on the machine, from /proc/<pid>/stat (the name in parentheses may hold spaces)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        found.append(Proc(int(stat.parent.name), fields[0], int(fields[1]), int(fields[2])))
    return found


def alive(pid: int) -> bool:
    """Running or sleeping; a zombie (dead, waiting to be reaped) holds no memory and no descriptors."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def children(pid: int) -> list[int]:
    return [p.pid for p in processes() if p.ppid == pid and p.state not in ("Z", "X")]
