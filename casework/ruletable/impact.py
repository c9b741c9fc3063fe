"""What a proposed rule table would change: open and recently decided cases whose outcome or amount moves."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from casework.cases.models import Case
from casework.domain.calendar import HolidayCalendar
from casework.domain.lifecycle import DECIDED_STATES, OPEN_STATES
from casework.domain.rules import AssessmentResult, RuleTable, assess


def amount_of(result: AssessmentResult) -> Decimal | None:
    """The result's amount as a Decimal; None where the outcome has none (reduced, insufficient facts)."""
    amount = result["amount"]
    return None if amount is None else Decimal(amount)


@dataclass(frozen=True)
class Change:
    number: str
    state: str
    old_outcome: str | None
    old_amount: Decimal | None
    new_outcome: str
    new_amount: Decimal | None


def case_batches(session: Session, query: Any, size: int = 1000) -> Iterator[list[Case]]:
    """Cases in id order, a batch at a time, so memory stays flat however many there are."""
    last = 0
    while True:
        batch = list(session.scalars(query.where(Case.id > last).order_by(Case.id).limit(size)))
        if not batch:
            return
        yield batch
        last = batch[-1].id
        session.expunge_all()


def impact(session: Session, *, current: RuleTable, proposed: RuleTable, calendar: HolidayCalendar | None,
           now: datetime) -> list[Change]:
    """Open cases and cases decided in the last 12 months whose outcome or amount the proposal changes."""
    since = now - timedelta(days=365)
    query = select(Case).where(or_(Case.state.in_([s.value for s in OPEN_STATES - DECIDED_STATES]),
                                   Case.state.in_([s.value for s in DECIDED_STATES]) & (Case.updated_at >= since)))
    changes = []
    for batch in case_batches(session, query):
        for case in batch:
            facts = case.contract_case()
            old, new = assess(facts, current, calendar), assess(facts, proposed, calendar)
            if (old["outcome"], old["amount"]) != (new["outcome"], new["amount"]):
                changes.append(Change(case.number, case.state, old["outcome"], amount_of(old), new["outcome"],
                                      amount_of(new)))
    return changes
