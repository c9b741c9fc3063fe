"""The decision stage's part of 待办: proposals awaiting the viewer's approval, and the viewer's own proposals
sent back — always within the viewer's scope. Installed into cases.work by casework.flow."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, false, func, select
from sqlalchemy.orm import Session, aliased, joinedload

from casework.cases.models import Case
from casework.cases.service import scoped
from casework.decision.models import Proposal
from casework.domain.access import Actor, Role
from casework.domain.lifecycle import OPEN_STATES, State

_OPEN = sorted(OPEN_STATES)


def _proposal_filter(actor: Actor) -> Any:
    """Open proposals this actor may approve: the head every one, an officer those an officer may approve —
    never their own (domain.decision.may_approve)."""
    if actor.role is Role.LEGAL_HEAD:
        return Proposal.proposed_by_id != actor.user_id
    if actor.role is Role.LEGAL:
        return and_(Proposal.needs_role == Role.LEGAL.value, Proposal.proposed_by_id != actor.user_id)
    return false()


def _approvals_query(actor: Actor, what: Any) -> Any:
    query = (select(what).join(Case, Case.id == Proposal.case_id)
             .where(Proposal.status == "open", Case.state == State.DECISION_PENDING, _proposal_filter(actor)))
    return scoped(actor, query)


def approvals(session: Session, actor: Actor, limit: int) -> list[Proposal]:
    """Proposals awaiting the actor's approval, oldest first, with their case and proposer loaded."""
    query = _approvals_query(actor, Proposal).order_by(Proposal.proposed_at, Proposal.id).limit(limit)
    rows = list(session.scalars(query.options(joinedload(Proposal.proposed_by))))
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_([p.case_id for p in rows])))}
    for p in rows:
        p.case = cases[p.case_id]  # type: ignore[attr-defined]  # for the template
    return rows


def returned(session: Session, actor: Actor, limit: int) -> list[Proposal]:
    """The actor's proposals sent back and not yet replaced by a new one, newest first."""
    newer = aliased(Proposal)
    query = (select(Proposal).join(Case, Case.id == Proposal.case_id)
             .where(Proposal.status == "returned", Proposal.proposed_by_id == actor.user_id,
                    Case.state.in_(_OPEN),
                    ~exists().where(newer.case_id == Proposal.case_id, newer.id > Proposal.id))
             .order_by(Proposal.decided_at.desc(), Proposal.id.desc()).limit(limit))
    rows = list(session.scalars(scoped(actor, query)))
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_([p.case_id for p in rows])))}
    for p in rows:
        p.case = cases[p.case_id]  # type: ignore[attr-defined]
    return rows


def count(session: Session, actor: Actor) -> int:
    """How many proposals wait for the actor's approval (the menu badge): one COUNT query."""
    return session.scalar(_approvals_query(actor, func.count(Proposal.id))) or 0
