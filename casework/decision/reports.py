"""The decision reports auditors and the head of legal read, within the viewer's scope: goodwill payments by
month and unit, and proposals flagged as a precedent risk."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from casework.auth.models import Unit, User
from casework.cases.models import Case
from casework.cases.service import scoped
from casework.decision.models import Proposal
from casework.domain.access import Actor
from casework.ui.filters import SHANGHAI


@dataclass(frozen=True)
class Goodwill:
    totals: list[tuple[str, str, int, Decimal]]  # (month in Beijing time, unit, payments, amount), newest first
    cases: list[Any]  # the payments themselves, newest first, at most `limit`


@dataclass(frozen=True)
class PrecedentRisks:
    rows: list[Any]  # newest first, at most `limit`
    total: int  # how many there are in all
    linkable: set[str]  # the similar cases' numbers the viewer may open; the report names no others


def goodwill(session: Session, actor: Actor, *, limit: int) -> Goodwill:
    """Goodwill payments approved, totalled by month (Beijing time) and unit."""
    query = (select(Case.number, Unit.name, Proposal.amount, Proposal.decided_at, Proposal.reason)
             .join(Proposal, Proposal.case_id == Case.id).join(Unit, Unit.id == Case.unit_id)
             .where(Proposal.kind == "settle", Proposal.status == "approved", Proposal.goodwill.is_(True))
             .order_by(Proposal.decided_at.desc()))
    cases = session.execute(scoped(actor, query)).all()
    totals: dict[tuple[str, str], tuple[int, Decimal]] = {}
    for row in cases:
        key = (row.decided_at.astimezone(SHANGHAI).strftime("%Y-%m"), row.name)
        count, amount = totals.get(key, (0, Decimal("0")))
        totals[key] = (count + 1, amount + (row.amount or 0))
    return Goodwill([(month, unit, n, amount) for (month, unit), (n, amount) in sorted(totals.items(), reverse=True)],
                    list(cases[:limit]))


def precedent_risks(session: Session, actor: Actor, *, limit: int) -> PrecedentRisks:
    """Proposals flagged as a precedent risk (deciding unlike similar cases), newest first."""
    proposer, decider = aliased(User), aliased(User)
    query = scoped(actor, select(Case.number, Unit.name.label("unit"), Proposal.kind, Proposal.status,
                                 Proposal.amount, Proposal.similar, Proposal.reason, Proposal.proposed_at,
                                 proposer.display_name.label("proposed_by"), Proposal.decided_at,
                                 decider.display_name.label("decided_by"))
                   .join(Proposal, Proposal.case_id == Case.id).join(Unit, Unit.id == Case.unit_id)
                   .join(proposer, proposer.id == Proposal.proposed_by_id)
                   .outerjoin(decider, decider.id == Proposal.decided_by_id)
                   .where(Proposal.precedent_risk.is_(True)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.execute(query.order_by(Proposal.proposed_at.desc(), Proposal.id.desc()).limit(limit)))
    similar = {number for row in rows for number in row.similar or ()}
    return PrecedentRisks(rows, total, visible_numbers(session, actor, similar))


def visible_numbers(session: Session, actor: Actor, numbers: Iterable[str]) -> set[str]:
    """Those of `numbers` whose case the actor may open. A proposal keeps the similar cases its proposer saw;
    a viewer with another scope (or a proposal recorded before similar cases were scoped) must not learn
    another unit's case numbers from it (security review F-5): pages show only these."""
    wanted = set(numbers)
    if not wanted:
        return set()
    return set(session.scalars(scoped(actor, select(Case.number).where(Case.number.in_(wanted)))))
