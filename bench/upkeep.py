"""What the claims summary's upkeep adds to a decision's write (issue 16), measured in process.

One write is what the head of legal's approval and the payment that follows do: `decide` (approve an open
settle proposal) and `record_payment`, each in its own transaction through the real decision service, on a
case the seeder left awaiting approval. Half the writes run with the summary's flush hooks installed
(casework.cases.summary.install), half with them removed (`event.remove`), in rounds that alternate which
variant goes first, so a neighbour's load or the database warming up falls on both alike. At the end the
summary is moved by what the unhooked writes changed, so the kept instance still equals a rebuild.
"""

from __future__ import annotations

import gc
import statistics
import time
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from casework import create_app
from casework.auth.models import User
from casework.cases import summary
from casework.cases.models import Case
from casework.decision.models import Proposal
from casework.decision.service import decide, record_payment
from casework.domain.access import Actor
from casework.domain.summary import difference
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.settings import deadline_targets

HOOKS = (("before_flush", summary._before_flush), ("after_flush", summary._after_flush),
         ("after_soft_rollback", summary._forget))
WARM_UP = 10


def hooks(on: bool) -> None:
    if on:
        summary.install()
        return
    for name, listener in HOOKS:
        if event.contains(Session, name, listener):
            event.remove(Session, name, listener)


def _candidates(count: int) -> list[tuple[int, str, Actor]]:
    """Cases awaiting approval of a settlement, each with the head of legal of its city as the approver."""
    heads = [(u.unit.path, u.actor()) for u in db.session.scalars(select(User).where(User.role == "legal_head",
                                                                                  User.username.like("seed.%")))]
    rows = db.session.execute(
        select(Case.id, Case.unit_path, Proposal.amount).join(Proposal, Proposal.case_id == Case.id)
        .where(Case.state == "decision_pending", Proposal.status == "open", Proposal.kind == "settle")
        .order_by(Case.id).limit(count)).all()
    out = []
    for case_id, unit_path, amount in rows:
        actor = next(a for path, a in heads if unit_path.startswith(path))
        out.append((case_id, str(amount), actor))
    return out


def _write(case_id: int, amount: str, actor: Actor, targets: dict[str, int]) -> float:
    started = time.perf_counter()
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        decide(session, actor, case, approve=True, comment="同意", now=utcnow(), targets=targets)
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        now = utcnow()
        record_payment(session, actor, case, amount=amount, paid_on=now.date(), voucher=f"BENCH-{case_id}",
                       now=now, targets=targets)
    return (time.perf_counter() - started) * 1000


def measure_upkeep(writes: int, rounds: int) -> dict[str, Any]:
    app = create_app()
    with app.app_context():
        targets = deadline_targets()
        todo = _candidates(2 * writes + WARM_UP)
        if len(todo) < 2 * writes + WARM_UP:
            writes = (len(todo) - WARM_UP) // 2
            print(f"  only {len(todo)} cases await a settlement's approval: {writes} writes per variant")
        for case_id, amount, actor in todo[:WARM_UP]:
            _write(case_id, amount, actor, targets)
        queue = iter(todo[WARM_UP:])
        times: dict[bool, list[float]] = {True: [], False: []}
        before = summary.stored_contributions(db.session, [case_id for case_id, _, _ in todo])
        db.session.rollback()
        unkept: list[int] = []  # written with the hooks removed: their figures are put right at the end
        rounds = max(1, min(rounds, writes))
        per_round = writes // rounds
        for r in range(rounds):
            for on in ((True, False) if r % 2 == 0 else (False, True)):
                hooks(on)
                gc.collect()
                for _ in range(per_round):
                    case_id, amount, actor = next(queue)
                    times[on].append(_write(case_id, amount, actor, targets))
                    if not on:
                        unkept.append(case_id)
        hooks(True)
        with unit_of_work() as session:  # what the unhooked writes moved, so the instance's summary stays right
            after = summary.stored_contributions(session, unkept)
            summary.apply_difference(session, difference([before[i] for i in unkept], after.values()))
        db.session.remove()
    on_ms, off_ms = statistics.median(times[True]), statistics.median(times[False])
    result = {"writes": len(times[True]), "on_ms": on_ms, "off_ms": off_ms, "ratio": on_ms / off_ms,
              "sum_ratio": sum(times[True]) / sum(times[False])}
    print(f"  decision write (approve + pay): hooks off median {off_ms:.2f} ms, on {on_ms:.2f} ms "
          f"({result['writes']} each): on / off {result['ratio']:.3f} (totals {result['sum_ratio']:.3f})")
    return result
