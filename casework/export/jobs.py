"""Batch exports asked for on a page and run in the background: the request (validated, audited), a detached
process that runs it on every core and reports progress in its row, and the finished ZIP of bundles.

The run is a double-forked process, not a thread of the web worker: it outlives the request, a worker
restart and the worker's timeout. Its row's heartbeat tells a run that died (machine restart, OOM kill) from
one still going; a dead run is shown as interrupted and can simply be asked for again.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import signal
import stat
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.auth.models import User
from casework.cases.models import Case
from casework.domain.access import Actor
from casework.export.batch import run_batch
from casework.export.cases import Criteria, case_ids
from casework.export.models import ExportJob
from casework.infra import forksafe
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.pdf_isolate import RenderLimits
from casework.infra.storage import store_of
from casework.ui.filters import SHANGHAI

STALE = timedelta(minutes=5)  # a running job that has not reported for this long has died
REPORT_EVERY = timedelta(seconds=1)


def status(job: ExportJob, now: datetime) -> str:
    """queued, running, done, failed, or interrupted (a queued or running job whose process stopped
    reporting)."""
    if job.state in ("queued", "running") and now - (job.heartbeat_at or job.requested_at) > STALE:
        return "interrupted"
    return job.state


def exports_root(app: Flask) -> Path:
    """Where finished batch ZIPs are kept: inside the instance folder, never under static."""
    return Path(app.instance_path) / "exports"


def request_export(session: Session, actor: Actor, criteria: Criteria, *, now: datetime) -> ExportJob:
    """A queued job for the cases `criteria` select in the actor's scope (LookupError for an unknown unit)."""
    count = len(case_ids(session, actor, criteria))
    assert actor.user_id is not None
    job = ExportJob(public_id=secrets.token_urlsafe(16), requested_by_id=actor.user_id,
                    requested_by_name=actor.username, requested_at=now, criteria=criteria.as_json(),
                    state="queued", total=count, done=0, failed=[], heartbeat_at=now)
    session.add(job)
    session.flush()
    record(session, actor, "export.batch.request", now=now, object_type="export", object_id=job.public_id,
           after={**criteria.as_json(), "cases": count})
    return job


def start(app: Flask, public_id: str, *, workers: int | None, limits: RenderLimits) -> None:
    """Run the job in a detached grandchild process and return at once."""
    forksafe.guard_locks()  # a threaded web worker forks here: no other thread may hold a lock the run needs
    pid = os.fork()
    if pid:
        os.waitpid(pid, 0)  # the child exits at once; its child is adopted by init
        return
    code = 1
    try:
        os.setsid()
        if os.fork() == 0:
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
                        signal.SIGUSR2, signal.SIGCHLD):
                signal.signal(sig, signal.SIG_DFL)  # not the web server's handlers
            _close_inherited_sockets()
            run(app, public_id, workers=workers, limits=limits)
        code = 0
    finally:
        os._exit(code)  # never return into the request that forked us


def _close_inherited_sockets() -> None:
    """The web server's listening socket and the request's connection must not live on in the export: a
    restarted server could not bind its port, and the client's connection would stay open until the export
    ends. The database connections inherited are sockets too; they are never used here (run() drops them)."""
    try:
        descriptors = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc: nothing to find them by
        return
    for fd in descriptors:
        try:
            if fd > 2 and stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            continue  # the directory listing's own descriptor, already gone


def run(app: Flask, public_id: str, *, workers: int | None, limits: RenderLimits) -> None:
    """Export the job's cases into one ZIP of bundles, reporting progress in the job's row."""
    with app.app_context():
        db.engine.dispose(close=False)  # the parent's connections stay the parent's
        folder = exports_root(app) / f"{public_id}.parts"
        try:
            with unit_of_work() as session:
                job = _job(session, public_id)
                job.state, job.started_at, job.heartbeat_at = "running", utcnow(), utcnow()
                user = session.get(User, job.requested_by_id)
                assert user is not None
                actor = user.actor()
                ids = case_ids(session, actor, Criteria.from_json(job.criteria))
                job.total = len(ids)
            last = [utcnow()]

            def progress(done: int, total: int) -> None:
                now = utcnow()
                if now - last[0] < REPORT_EVERY and done < total:
                    return
                last[0] = now
                with unit_of_work() as work:
                    row = _job(work, public_id)
                    row.done, row.heartbeat_at = done, now

            outcome = run_batch(app, actor, ids, folder, workers=workers, limits=limits, progress=progress)
            result = _pack(folder, exports_root(app), public_id)
            with result.open("rb") as packed:
                digest = hashlib.file_digest(packed, "sha256").hexdigest()
            result_name, result_size = result.name, result.stat().st_size
            store_of(app).keep_result(result)  # an object store takes it (and the local copy goes): any instance serves it
            with unit_of_work() as session:
                job = _job(session, public_id)
                numbers = {case_id: number for case_id, number in session.execute(
                    select(Case.id, Case.number).where(Case.id.in_([i for i, _ in outcome.failed])))}
                job.failed = [[numbers.get(case_id, str(case_id)), why] for case_id, why in outcome.failed]
                job.state, job.done, job.finished_at = "done", len(ids), utcnow()
                job.result_name, job.result_size, job.result_sha256 = result_name, result_size, digest
                record(session, actor, "export.batch.finish", now=job.finished_at, object_type="export",
                       object_id=public_id, after={"bundles": len(outcome.written), "failed": len(outcome.failed),
                                                   "sha256": job.result_sha256})
        except Exception as exc:
            app.logger.exception("export job %s failed", public_id)
            with unit_of_work() as session:
                job = _job(session, public_id)
                job.state, job.error, job.finished_at = "failed", f"{type(exc).__name__}: {exc}"[:1000], utcnow()
                requester = session.get(User, job.requested_by_id)
                assert requester is not None
                record(session, requester.actor(), "export.batch.fail", now=job.finished_at, object_type="export",
                       object_id=public_id, after={"done": job.done, "error": job.error})
            raise
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _job(session: Session, public_id: str) -> ExportJob:
    job = session.scalar(select(ExportJob).where(ExportJob.public_id == public_id))
    if job is None:
        raise LookupError(f"no export job {public_id}")
    return job


def _pack(folder: Path, root: Path, public_id: str) -> Path:
    """The bundles as one ZIP (stored, not compressed again), written aside and renamed into place."""
    stamp = utcnow().astimezone(SHANGHAI).strftime("%Y%m%d-%H%M")
    target = root / f"casework-export-{stamp}-{public_id[:8]}.zip"
    part = target.with_name(target.name + ".part")
    try:
        with part.open("wb") as fh:
            with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as out:
                for bundle in sorted(folder.glob("*.zip")):
                    out.write(bundle, bundle.name)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    return target


def visible(session: Session, actor: Actor, *, all_jobs: bool) -> list[ExportJob]:
    """The export history: every job for those who audit exports, one's own for the others."""
    query = select(ExportJob).order_by(ExportJob.requested_at.desc()).limit(200)
    if not all_jobs:
        query = query.where(ExportJob.requested_by_id == actor.user_id)
    return list(session.scalars(query))
