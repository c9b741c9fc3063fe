"""Exporting many cases at once, on every core: one bundle per case, written by a pool of forked workers.

A case's export is mostly layout (a never-sealed dossier), hashing and zipping, all outside any write
transaction (see export_case), so the workers run side by side and queue only for the rows they add. One case
that fails (a dossier that cannot be laid out in time) is reported and the others go on.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask

from casework.domain.access import Actor
from casework.export.cases import export_case
from casework.infra.db import db, utcnow
from casework.infra.pdf_isolate import DEFAULT_LIMITS, RenderFailed, RenderLimits
from casework.infra.storage import Store, store_of

Progress = Callable[[int, int], None]  # (cases finished, of how many)

_app: Flask | None = None  # the app a forked worker inherits (set just before the pool forks)


@dataclass
class Outcome:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)  # (case id, why)


def workers_default() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _store(app: Flask) -> Store:
    return store_of(app)


def _one(case_id: int, actor: Actor, folder: Path, limits: RenderLimits) -> tuple[int, Path | None, str]:
    assert _app is not None
    with _app.app_context():
        try:
            return case_id, export_case(actor, case_id, _store(_app), folder, now=utcnow(), limits=limits), ""
        except (RenderFailed, LookupError, OSError) as exc:
            return case_id, None, str(exc)[:300]
        finally:
            db.session.remove()


def _forget_connections() -> None:
    """A forked worker must not use its parent's database connections: drop them (without closing the
    parent's sockets) so the worker opens its own."""
    assert _app is not None
    with _app.app_context():
        db.engine.dispose(close=False)


def run_batch(app: Flask, actor: Actor, case_ids: Sequence[int], folder: Path, *, workers: int | None = None,
              limits: RenderLimits = DEFAULT_LIMITS, progress: Progress | None = None) -> Outcome:
    """Export each case into `folder` as <number>.zip; `progress(done, total)` after each. Call it with no
    transaction of your own open (each case commits its own audit entry)."""
    global _app
    folder.mkdir(parents=True, exist_ok=True)
    outcome = Outcome()
    total = len(case_ids)
    count = min(workers or workers_default(), total)
    _app = app

    def finished(result: tuple[int, Path | None, str]) -> None:
        case_id, path, why = result
        if path is None:
            outcome.failed.append((case_id, why))
        else:
            outcome.written.append(path)
        if progress is not None:
            progress(len(outcome.written) + len(outcome.failed), total)

    try:
        if count <= 1:
            for case_id in case_ids:
                finished(_one(case_id, actor, folder, limits))
            return outcome
        with app.app_context():
            db.session.remove()  # nothing of the parent's session crosses the fork
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(count, mp_context=context, initializer=_forget_connections) as pool:
            futures = [pool.submit(_one, case_id, actor, folder, limits) for case_id in case_ids]
            for future in as_completed(futures):
                finished(future.result())
        return outcome
    finally:
        _app = None
