"""Several worker processes writing at once: no "database is locked", no duplicate number, an intact chain, and
a claims summary that counts every claim once."""

from __future__ import annotations

import multiprocessing as mp

from flask import Flask
from sqlalchemy import func, select

from casework.audit.service import verify
from casework.cases.models import Case
from casework.cases.summary import recomputed_summary, stored_summary
from casework.domain.access import Role
from casework.infra.db import db
from tests.conftest import base_config
from tests.factories import make_case, make_units, make_user

WORKERS = 4
CASES_EACH = 25


def _worker(url: str, pii_key: str, user_id: int, unit_id: int, out: mp.Queue) -> None:  # type: ignore[type-arg]
    """One gunicorn-like process: reads first (as a view does), then writes in its own unit of work."""
    from casework import create_app
    from casework.auth.models import Unit, User
    from casework.cases.listing import list_cases
    from casework.cases.service import open_case
    from casework.domain.lifecycle import State
    from casework.infra.db import unit_of_work, utcnow

    app = create_app({**base_config(url), "PII_KEY": pii_key})
    errors = []
    with app.app_context():
        for _ in range(CASES_EACH):
            try:
                actor = db.session.get(User, user_id).actor()  # type: ignore[union-attr]
                list_cases(db.session(), actor, per_page=5)  # a read transaction is open now
                with unit_of_work() as session:
                    open_case(session, actor, category="crop", unit=session.get(Unit, unit_id), now=utcnow(),
                              claimant_name="并发", state=State.REGISTERED)  # registered: each moves the summary
            except Exception as exc:  # noqa: BLE001 - every failure is reported to the parent
                errors.append(repr(exc))
        db.engine.dispose()
    out.put(errors)


def test_parallel_workers_never_lock_or_duplicate(app: Flask, db_url: str) -> None:
    units = make_units()
    user = make_user("field1", Role.FIELD, units["S1"])
    make_case(units["S1"], user)
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(db_url, app.config["PII_KEY"], user.id, units["S1"].id, out)) for _ in range(WORKERS)]
    for p in procs:
        p.start()
    errors = [e for _ in procs for e in out.get(timeout=120)]
    for p in procs:
        p.join(timeout=60)
    assert errors == []
    with app.app_context():
        numbers = db.session.scalars(select(Case.number)).all()
        assert len(numbers) == len(set(numbers)) == 1 + WORKERS * CASES_EACH
        stored = stored_summary(db.session)
        assert stored == recomputed_summary(db.session)[0]
        assert sum(int(row["cases"]) for row in stored.values()) == 1 + WORKERS * CASES_EACH
        assert db.session.scalar(select(func.max(Case.number))).endswith(f"{1 + WORKERS * CASES_EACH:06d}")
        report = verify(db.session())
        assert report.ok and report.count == 7 + 1 + 1 + WORKERS * CASES_EACH
