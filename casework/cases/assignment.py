"""Who works on a case: manual (re)assignment and the default rule — the least-loaded officer of its company."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.auth.models import Unit, User
from casework.cases.models import Case
from casework.domain.access import Actor, Role
from casework.domain.lifecycle import OPEN_STATES

OFFICERS = (Role.LEGAL.value, Role.LEGAL_HEAD.value)


class AssignError(ValueError):
    pass


def officers_for(session: Session, case: Case) -> list[User]:
    """Active legal staff whose company covers the case (their unit is an ancestor of the case's unit)."""
    rows = session.scalars(select(User).join(Unit, User.unit_id == Unit.id)
                           .where(User.active.is_(True), User.role.in_(OFFICERS)).order_by(User.username))
    return [u for u in rows if case.unit_path.startswith(u.unit.path)]


def open_load(session: Session, user_ids: list[int]) -> dict[int, int]:
    """Open cases per officer."""
    rows = session.execute(select(Case.assignee_id, func.count()).where(
        Case.assignee_id.in_(user_ids), Case.state.in_(sorted(OPEN_STATES))).group_by(Case.assignee_id))
    counts = dict.fromkeys(user_ids, 0)
    counts.update({uid: n for uid, n in rows if uid is not None})
    return counts


def assign(session: Session, actor: Actor, case: Case, officer: User | None, *, now: datetime) -> None:
    """Give the case to an officer of its company (or nobody); every change is audited."""
    if officer is not None and officer.id not in {u.id for u in officers_for(session, case)}:
        raise AssignError("not_an_officer_of_this_case")
    before = case.assignee.username if case.assignee else None
    after_name = officer.username if officer else None
    if before == after_name:
        return
    case.assignee = officer
    case.updated_at = now
    record(session, actor, "case.assign", now=now, object_type="case", object_id=case.number, case_id=case.id,
           before={"assignee": before}, after={"assignee": after_name})


def assign_on_submit(session: Session, actor: Actor, case: Case, now: datetime, targets: Mapping[str, int]) -> None:
    """Unit rule: a newly registered claim goes to the legal officer of its company with the fewest open cases."""
    if case.assignee_id is not None:
        return
    officers = [u for u in officers_for(session, case) if u.role == Role.LEGAL.value] or officers_for(session, case)
    if not officers:
        return
    load = open_load(session, [u.id for u in officers])
    assign(session, actor, case, min(officers, key=lambda u: (load[u.id], u.username)), now=now)


def workload(session: Session, actor: Actor, *, today: date) -> list[tuple[User, int, int]]:
    """(officer, open cases, overdue cases) for each officer in the actor's company."""
    rows = session.scalars(select(User).join(Unit, User.unit_id == Unit.id).where(
        User.active.is_(True), User.role.in_(OFFICERS), Unit.path.startswith(actor.unit_path, autoescape=True))
        .order_by(User.username)).all()
    ids = [u.id for u in rows]
    open_counts = open_load(session, ids)
    overdue = dict(session.execute(select(Case.assignee_id, func.count()).where(
        Case.assignee_id.in_(ids), Case.duty_due_on < today, Case.state.in_(sorted(OPEN_STATES)))
        .group_by(Case.assignee_id)).tuples().all())
    return [(u, open_counts[u.id], overdue.get(u.id, 0)) for u in rows]
