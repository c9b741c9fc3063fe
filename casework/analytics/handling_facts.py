"""Upkeep of each case's handling figures (the case_record columns HANDLING_COLUMNS) in the flush of every change
that moves one: the case's own moments and state, a site visit, a proposal, a deadline. The handling page then
counts them in SQL from one covering index instead of reading every case's visits, proposals and deadlines.

Like the summary (cases.summary), the figures are recomputed from the rows as stored after the flush, whichever
service wrote them; bulk inserts (the benchmark seeder) and the migration call `refresh` themselves."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from sqlalchemy import Table, bindparam, event, func, inspect, select, update
from sqlalchemy.orm import Session

from casework.cases.models import HANDLING_COLUMNS, Case, CaseDeadline
from casework.cases.site_visit import SiteVisit
from casework.decision.models import Proposal
from casework.domain.handling import DUTY_KINDS, Steps, handled

_TABLE = cast(Table, Case.__table__)
#: A duty kind → its columns (outcome, due day).
DUTY_COLUMNS = {"on_site_investigation": ("visit_duty", "visit_due_on"),
                "internal_first_check": ("check_duty", "check_due_on"),
                "internal_decision": ("decision_duty", "decision_due_on")}
#: The Case attributes the figures are computed from: a change to another moves none.
_READ = ("state", "registered_at", "checked_at", "decided_on", "paid_on")
_PENDING = "handling_facts.ids"


def figures(steps: Steps) -> dict[str, Any]:
    """The columns' values for one case."""
    done = handled(steps)
    out: dict[str, Any] = {"visit_minutes": done.visit_minutes, "check_days": done.check_days,
                           "decision_days": done.decision_days, "payment_days": done.payment_days}
    for kind, (outcome, due) in DUTY_COLUMNS.items():
        out[outcome] = done.duties[kind]
        out[due] = steps.due.get(kind) if done.duties[kind] else None
    return out


def _blank() -> dict[str, Any]:
    return dict.fromkeys(HANDLING_COLUMNS)


def computed(connection: Any, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The figures of these cases from their rows as stored (a draft has none)."""
    rows = {row.id: row for row in connection.execute(
        select(Case.id, Case.state, Case.registered_at, Case.checked_at, Case.decided_on, Case.paid_on)
        .where(Case.id.in_(ids)))}
    visits = dict(connection.execute(select(SiteVisit.case_id, func.min(SiteVisit.visited_at))
                                     .where(SiteVisit.case_id.in_(ids)).group_by(SiteVisit.case_id)).all())
    # The proposal that stands (awaiting approval or approved) met the decision target when it was made.
    proposals = dict(connection.execute(select(Proposal.case_id, func.max(Proposal.proposed_at))
                                        .where(Proposal.case_id.in_(ids), Proposal.status.in_(("open", "approved")))
                                        .group_by(Proposal.case_id)).all())
    dues: dict[int, dict[str, Any]] = {}
    for case_id, kind, due in connection.execute(
            select(CaseDeadline.case_id, CaseDeadline.kind, func.min(CaseDeadline.due_on))
            .where(CaseDeadline.case_id.in_(ids), CaseDeadline.kind.in_(DUTY_KINDS))
            .group_by(CaseDeadline.case_id, CaseDeadline.kind)):
        dues.setdefault(case_id, {})[kind] = due
    out = {}
    for case_id, row in rows.items():
        if row.registered_at is None:
            out[case_id] = _blank()
            continue
        out[case_id] = figures(Steps(
            state=str(row.state), registered_at=row.registered_at, visited_at=visits.get(case_id),
            checked_at=row.checked_at, proposed_at=proposals.get(case_id), decided_on=row.decided_on,
            paid_on=row.paid_on, due=dues.get(case_id, {})))
    return out


def refresh(session: Session, ids: Iterable[int], batch: int = 500) -> None:
    """Recompute and store these cases' figures (a missing case is skipped)."""
    wanted = sorted(set(ids))
    connection = session.connection()  # never autoflushes: this also runs inside a flush
    statement = update(_TABLE).where(_TABLE.c.id == bindparam("case_id")).values(
        {name: bindparam(name) for name in HANDLING_COLUMNS})
    for start in range(0, len(wanted), batch):
        values = computed(connection, wanted[start:start + batch])
        if values:
            connection.execute(statement, [{"case_id": i, **v} for i, v in values.items()])


def refresh_all(session: Session, progress: Callable[[int], None] | None = None, batch: int = 2000) -> int:
    """Every case's figures afresh (the migration's back-fill); the number of cases."""
    last, count = 0, 0
    while ids := list(session.scalars(select(Case.id).where(Case.id > last).order_by(Case.id).limit(batch))):
        refresh(session, ids)
        last, count = ids[-1], count + len(ids)
        if progress:
            progress(len(ids))
    return count


def _moves_a_figure(obj: object) -> bool:
    if isinstance(obj, SiteVisit | Proposal | CaseDeadline):
        return True
    if not isinstance(obj, Case):
        return False
    state = inspect(obj)
    return state.pending or state.deleted or any(state.attrs[name].history.has_changes() for name in _READ)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    # The objects, not their ids: a new row's id (and a new visit's case_id) is known only after the flush.
    session.info.setdefault(_PENDING, []).extend(
        obj for obj in (*session.new, *session.dirty, *session.deleted) if _moves_a_figure(obj))


def _after_flush(session: Session, _context: Any) -> None:
    objects = session.info.pop(_PENDING, [])
    ids = {obj.id if isinstance(obj, Case) else obj.case_id for obj in objects}
    ids.discard(None)
    if ids:
        refresh(session, ids)


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_PENDING, None)


def install() -> None:
    """Keep the figures in every session's flushes (idempotent; called by casework.flow.install)."""
    for name, listener in (("before_flush", _before_flush), ("after_flush", _after_flush),
                           ("after_soft_rollback", _forget)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
