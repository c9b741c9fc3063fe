"""Dates of a claim that cannot all be true: refused at intake, before the check reads them as facts.

A purchase after the damage is a typo in the year, and unrefused it pays the full purchase price (no
depreciation for an appliance "bought" after it burnt); a report or the claimant's knowledge of the damage
before the event itself is impossible. Pure: returns the field and a code; the form says it in words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

__all__ = ["Implausible", "implausible_dates"]


@dataclass(frozen=True)
class Implausible:
    field: str  # report_date | knew_date | purchase_date
    code: str  # report_before_event | knew_before_event | bought_after_event
    row: int | None = None  # the appliance's index, for a purchase date


def implausible_dates(event: date | None, *, report: date | None = None, knew: date | None = None,
                      purchases: Sequence[date | None] = ()) -> list[Implausible]:
    """Every date that contradicts the event date; nothing can be judged without one."""
    if event is None:
        return []
    found = []
    if report is not None and report < event:
        found.append(Implausible("report_date", "report_before_event"))
    if knew is not None and knew < event:
        found.append(Implausible("knew_date", "knew_before_event"))
    found.extend(Implausible("purchase_date", "bought_after_event", row)
                 for row, bought in enumerate(purchases) if bought is not None and bought > event)
    return found
