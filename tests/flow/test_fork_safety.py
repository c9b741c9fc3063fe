"""Forking from a threaded web worker (gunicorn gthread): a lock another thread holds at the moment of the fork
is copied held, and nobody in the child will ever release it. The batch export's background process runs
through two such locks again (babel's locale data, for every date a dossier prints; jinja's template cache, for
the dossier's template), so every fork waits until no other thread is inside them (casework.infra.forksafe)."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import babel.localedata
import pytest
from flask import Flask
from sqlalchemy import select

from casework.auth.models import User
from casework.domain.access import Role
from casework.export import jobs
from casework.export.cases import Criteria
from casework.export.models import ExportJob
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.pdf import default_environment
from casework.infra.pdf_isolate import DEFAULT_LIMITS
from tests.factories import ctx, make_user
from tests.web.served import alive, processes
from tests.web.test_decision import ready, world  # noqa: F401 - the shared fixture


def _babel_lock() -> Any:
    return babel.localedata._cache_lock  # type: ignore[attr-defined]


def _jinja_lock() -> Any:
    return default_environment().cache._wlock  # type: ignore[union-attr]


@pytest.fixture
def detached() -> Iterator[None]:
    """Background exports started by the test that never finished (before the fix: stuck on a copied lock) are
    killed at the end. They are this process's forks (same command line), detached into a session of their own."""
    ours, session = Path("/proc/self/cmdline").read_bytes(), os.getsid(0)
    before = {p.pid for p in processes()}
    yield
    for proc in processes():
        if proc.pid in before or not alive(proc.pid):
            continue
        try:
            mine = Path(f"/proc/{proc.pid}/cmdline").read_bytes() == ours and os.getsid(proc.pid) != session
        except OSError:
            continue
        if mine:
            os.kill(proc.pid, signal.SIGKILL)


def _hold(lock: Any, seconds: float) -> tuple[threading.Thread, threading.Event]:
    """Another request's thread, inside the lock's critical section for `seconds`."""
    taken = threading.Event()

    def inside() -> None:
        with lock:
            taken.set()
            time.sleep(seconds)

    thread = threading.Thread(target=inside)
    thread.start()
    assert taken.wait(5)
    return thread, taken


def _state(public_id: str) -> str:
    with ctx():
        job = db.session.scalar(select(ExportJob).where(ExportJob.public_id == public_id))
        assert job is not None
        return job.state


@pytest.mark.parametrize("lock", [_babel_lock, _jinja_lock], ids=["babel-locale-data", "jinja-template-cache"])
def test_an_export_forked_while_another_thread_holds_a_lock_finishes(
        app: Flask, world: dict[str, Any], detached: None, lock: Callable[[], Any]) -> None:  # noqa: F811
    auditor = make_user("audit1", Role.AUDITOR, world["units"]["P"])
    ready(world)
    with ctx(), unit_of_work() as session:
        actor = session.get(User, auditor.id).actor()  # type: ignore[union-attr]
        public_id = jobs.request_export(session, actor, Criteria(), now=utcnow()).public_id
    holder, _ = _hold(lock(), seconds=2)
    jobs.start(app, public_id, workers=1, limits=DEFAULT_LIMITS)  # forks while the lock is held
    holder.join()
    deadline = time.monotonic() + 120
    while _state(public_id) in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _state(public_id) == "done"

