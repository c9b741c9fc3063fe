"""Work lists: what each role must do now (approvals, site visits, named deadlines), my open cases by next
deadline, what is due today, what is overdue — always within the viewer's scope."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.cases.models import Case, CaseDeadline
from casework.cases.service import scoped
from casework.cases.site_visit import KIND as VISIT
from casework.cases.site_visit import SiteVisit
from casework.domain.access import Actor, Role
from casework.domain.deadlines import Deadline, DutyStatus, duty_status, open_duties
from casework.domain.lifecycle import OPEN_STATES, State
from casework.ruletable.models import RuleTableVersion

LIMIT = 200
_OPEN = sorted(OPEN_STATES)  # a list in a fixed order: the same SQL parameters every time


def _run(session: Session, actor: Actor, query: Any) -> list[Case]:
    return list(session.scalars(scoped(actor, query).limit(LIMIT)))


def mine(session: Session, actor: Actor) -> list[Case]:
    """The actor's open cases, the one whose next duty falls first on top (cases without one last)."""
    query = (select(Case).where(Case.assignee_id == actor.user_id, Case.state.in_(_OPEN))
             .order_by(Case.duty_due_on.is_(None), Case.duty_due_on, Case.id))
    return _run(session, actor, query)


def due_on(session: Session, actor: Actor, day: date) -> list[Case]:
    query = select(Case).where(Case.duty_due_on == day, Case.state.in_(_OPEN)).order_by(Case.id)
    return _run(session, actor, query)


def overdue(session: Session, actor: Actor, today: date) -> list[Case]:
    query = (select(Case).where(Case.duty_due_on < today, Case.state.in_(_OPEN))
             .order_by(Case.duty_due_on, Case.id))
    return _run(session, actor, query)


# ---- The 待办 page: what this role must do now (issue 14) -------------------------------------------------

@dataclass(frozen=True)
class CaseDuties:
    """A case with its open duties, each named and with its standing today (DutyStatus)."""

    case: Case
    duties: list[DutyStatus]


#: The decision stage's part of 待办 (proposals awaiting approval, proposals returned, and their count),
#: installed by casework.flow: a shared package may not import a stage. Uninstalled, nothing is listed.
QUEUE: dict[str, Callable[..., Any]] = {}


def approvals(session: Session, actor: Actor) -> list[Any]:
    """Proposals awaiting the actor's approval, oldest first (decision.queue)."""
    return list(QUEUE["approvals"](session, actor, LIMIT)) if "approvals" in QUEUE else []


def returned(session: Session, actor: Actor) -> list[Any]:
    """The actor's proposals sent back and not yet replaced (decision.queue)."""
    return list(QUEUE["returned"](session, actor, LIMIT)) if "returned" in QUEUE else []


def submitted_tables(session: Session, actor: Actor) -> list[RuleTableVersion]:
    """Rule-table versions waiting for the head of legal's approval."""
    if actor.role is not Role.LEGAL_HEAD:
        return []
    return list(session.scalars(select(RuleTableVersion).where(RuleTableVersion.status == "submitted")
                                .order_by(RuleTableVersion.submitted_at)))


def _visit_due_query(actor: Actor, what: Any) -> Any:
    visit = select(SiteVisit.id).where(SiteVisit.case_id == Case.id)
    query = (select(what).join(CaseDeadline, CaseDeadline.case_id == Case.id)
             .where(CaseDeadline.kind == VISIT, Case.state.in_(_OPEN), ~visit.exists()))
    return scoped(actor, query)


def visits_due(session: Session, actor: Actor, today: date) -> list[CaseDuties]:
    """Cases in the actor's scope whose on-site investigation is not yet recorded, the most urgent first."""
    query = _visit_due_query(actor, Case).order_by(CaseDeadline.due_on, Case.id).limit(LIMIT)
    return _with_duties(session, list(session.scalars(query)), today, only=VISIT)


def drafts(session: Session, actor: Actor) -> list[Case]:
    """Claims the actor started and has not yet submitted."""
    query = select(Case).where(Case.created_by_id == actor.user_id, Case.state == State.DRAFT).order_by(Case.id)
    return _run(session, actor, query)


def mine_with_duties(session: Session, actor: Actor, today: date) -> list[CaseDuties]:
    return _with_duties(session, mine(session, actor), today)


def _with_duties(session: Session, cases: list[Case], today: date, *, only: str | None = None) -> list[CaseDuties]:
    """Each case with its open duties named (one query for the deadlines, one for the visits)."""
    ids = [c.id for c in cases]
    rows: dict[int, list[Deadline]] = {}
    for r in session.scalars(select(CaseDeadline).where(CaseDeadline.case_id.in_(ids))):
        rows.setdefault(r.case_id, []).append(Deadline(r.kind, r.due_on, r.citation, r.source))
    seen = set(session.scalars(select(SiteVisit.case_id).where(SiteVisit.case_id.in_(ids))))
    out = []
    for case in cases:
        done = frozenset({VISIT}) if case.id in seen else frozenset()
        duties = [duty_status(d, case.state, today, done=done)
                  for d in open_duties(rows.get(case.id, []), case.state, done=done) if only in (None, d.kind)]
        out.append(CaseDuties(case, duties))
    return out


def waiting(session: Session, actor: Actor, today: date) -> int:
    """How many things wait for the actor, for the menu badge: COUNT queries only, never a list load.

    Approvals (legal roles), unrecorded site visits (field staff), and the actor's own cases with a duty due
    today or overdue (legal officers)."""
    total = 0
    if actor.role in (Role.LEGAL, Role.LEGAL_HEAD):
        total += QUEUE["count"](session, actor) if "count" in QUEUE else 0
        total += session.scalar(scoped(actor, select(func.count(Case.id)).where(
            Case.assignee_id == actor.user_id, Case.state.in_(_OPEN), Case.duty_due_on <= today))) or 0
    elif actor.role is Role.FIELD:
        total += session.scalar(_visit_due_query(actor, func.count(func.distinct(Case.id)))) or 0
    return total
