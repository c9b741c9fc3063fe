"""A case's share of the claims summary (unit × month × category): pure arithmetic, no database.

The summary table holds, for every unit, month of registration and category, the sum of the contributions of
its cases. Every change that moves a figure replaces a case's old contribution by its new one (the difference is
applied in the same transaction), and a rebuild sums the contributions afresh: both use `contribution` below, so
they cannot disagree about what a case counts for.

What counts (choices where the issue is silent):
- a draft counts for nothing: it is not a claim until it is registered;
- the month is the month of registration in China (Asia/Shanghai), from the submission, else the opening;
- a withdrawn claim counts as a case and as withdrawn, and for nothing else (it claims nothing any more);
- "paid above assessed" is what was paid beyond the check's amount (all of it when the check gave none).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

#: The department's calendar: months begin at midnight in China, not in UTC.
CHINA = ZoneInfo("Asia/Shanghai")

#: The check's outcomes counted one by one; any other outcome counts as check_other, no check as check_none.
OUTCOMES = ("liable", "reduced", "not_liable", "time_barred", "outside_service_boundary", "insufficient_facts")
#: The decision kinds kept on the case (decision_kind), from the kind of the approved proposal.
DECISION_OF_PROPOSAL = {"settle": "settled", "reject": "rejected", "escalate": "court"}
DECISIONS = tuple(DECISION_OF_PROPOSAL.values())

COUNTS = ("cases", "withdrawn", *(f"check_{o}" for o in OUTCOMES), "check_other", "check_none",
          *(f"decided_{d}" for d in DECISIONS), "goodwill")
MONEY = ("claimed_amount", "assessed_amount", "settled_amount", "paid_amount", "paid_above_assessed_amount")
FIGURES = COUNTS + MONEY
ZERO = Decimal("0.00")

Key = tuple[str, date, str]  # unit_path, first day of the month, category


@dataclass(frozen=True)
class CaseFigures:
    """The plain values of one case that the summary reads."""

    unit_path: str
    category: str
    state: str
    registered_at: datetime  # aware: submitted_at, else created_at
    claimed_amount: Decimal | None = None
    assessment_outcome: str | None = None
    assessment_amount: Decimal | None = None
    decision_kind: str | None = None
    settled_amount: Decimal | None = None
    paid_amount: Decimal | None = None
    goodwill_payment: bool = False


@dataclass(frozen=True)
class Contribution:
    key: Key
    figures: Mapping[str, int | Decimal]  # only the figures that are not zero


def month_of(at: datetime) -> date:
    """The first day of the month `at` falls in, in China."""
    local = at.astimezone(CHINA)
    return date(local.year, local.month, 1)


def contribution(case: CaseFigures) -> Contribution | None:
    """What one case adds to its row of the summary; None for a draft."""
    if case.state == "draft":
        return None
    key = (case.unit_path, month_of(case.registered_at), case.category)
    if case.state == "withdrawn":
        return Contribution(key, {"cases": 1, "withdrawn": 1})
    figures: dict[str, int | Decimal] = {"cases": 1}
    outcome = case.assessment_outcome
    figures["check_none" if outcome is None else f"check_{outcome}" if outcome in OUTCOMES else "check_other"] = 1
    if case.decision_kind in DECISIONS:
        figures[f"decided_{case.decision_kind}"] = 1
    if case.goodwill_payment:
        figures["goodwill"] = 1
    paid = case.paid_amount or ZERO
    money = {"claimed_amount": case.claimed_amount or ZERO, "assessed_amount": case.assessment_amount or ZERO,
             "settled_amount": case.settled_amount or ZERO, "paid_amount": paid,
             "paid_above_assessed_amount": max(ZERO, paid - (case.assessment_amount or ZERO)) if paid else ZERO}
    figures.update({name: value for name, value in money.items() if value})
    return Contribution(key, figures)


Totals = dict[Key, dict[str, int | Decimal]]


def add_into(totals: Totals, item: Contribution | None, sign: int = 1) -> None:
    """Add (sign 1) or take away (sign -1) one contribution."""
    if item is None:
        return
    row = totals.setdefault(item.key, {})
    for name, value in item.figures.items():
        row[name] = row.get(name, 0) + sign * value


def difference(old: Iterable[Contribution | None], new: Iterable[Contribution | None]) -> Totals:
    """What the summary must change by when cases' contributions go from `old` to `new`; rows and figures
    that do not move are left out."""
    totals: Totals = {}
    for item in old:
        add_into(totals, item, -1)
    for item in new:
        add_into(totals, item)
    return {key: moved for key, row in totals.items() if (moved := {n: v for n, v in row.items() if v})}


def summed(items: Iterable[Contribution | None]) -> Totals:
    """The summary as a fresh sum of contributions."""
    return difference((), items)
