"""Liveness and readiness for a load balancer or an orchestrator (issue 17): unauthenticated, and nothing in
the answer but whether each dependency answered — no version, no host name, no data.

/healthz: the process serves requests. /readyz: it can do its work — the database answers a query, the file
store can be reached (and written, for the local disk), and the job queue answers where one is configured."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from flask import Blueprint, jsonify
from sqlalchemy import text

from casework.auth.guard import public
from casework.extensions import talisman
from casework.infra.db import db
from casework.infra.settings import file_store

bp = Blueprint("health", __name__)
log = logging.getLogger("casework")


def _database() -> bool:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT 1")).scalar() == 1


def _store() -> bool:
    store = file_store()
    check: Callable[[], bool] | None = getattr(store, "reachable", None)
    if check is not None:
        return check()
    root = getattr(store, "root", None)
    return root is not None and os.path.isdir(root) and os.access(root, os.W_OK)


CHECKS: dict[str, Callable[[], bool]] = {"database": _database, "store": _store}


def _answer(status: str, code: int, **extra: Any) -> Any:
    response = jsonify(status=status, **extra)
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/healthz")
@public
@talisman(force_https=False)  # the balancer probes over plain HTTP on the inside
def healthz() -> Any:
    return _answer("ok", 200)


@bp.route("/readyz")
@public
@talisman(force_https=False)
def readyz() -> Any:
    failing = []
    for name, check in CHECKS.items():
        try:
            ok = check()
        except Exception:  # a dependency that raises is not ready; the log says why, the answer does not
            log.exception("readiness check %s failed", name)
            ok = False
        if not ok:
            failing.append(name)
    if failing:
        return _answer("unavailable", 503, failing=failing)
    return _answer("ready", 200)
