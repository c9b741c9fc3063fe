"""Work lists: my open cases by next deadline, what is due today, what is overdue — within the viewer's scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cases.models import Case
from casework.cases.service import scoped
from casework.domain.access import Actor
from casework.domain.lifecycle import OPEN_STATES

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
