"""Handling figures (issue 16): how long the steps of a claim took, and whether the utility's deadlines were
met — pure arithmetic over values the analytics read, no clock, no database.

Choices where the issue is silent:
- a duration to a step recorded as a day (the decision, the payment) is counted in calendar days in China from
  the day of registration (0 = the same day), as the deadlines themselves are days; the site visit, recorded to
  the minute, in hours from the moment of registration;
- the median of an even count is the mean of the two middle values; the 90th percentile is the nearest rank
  (the smallest value at or above which 10 % of the cases lie), so it is always a duration that happened;
- a duty is met when its action was done on or before its due day (China), missed when it was done later or is
  still undone after the due day, and not counted while it is undone and not yet due, or when the claim was
  withdrawn before the action (a withdrawn claim owes nothing: domain.deadlines.open_duties).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

#: The duties the utility owes, in the order the page lists them (domain.deadlines.DUTIES).
DUTY_KINDS = ("on_site_investigation", "internal_first_check", "internal_decision")

MET, MISSED = "met", "missed"


def median(values: Sequence[float]) -> float | None:
    """The middle value; the mean of the two middle ones for an even count; None for none."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    middle = n // 2
    return float(ordered[middle]) if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (share 0 < share ≤ 1): the ⌈share·n⌉-th smallest value; None for none."""
    if not 0 < share <= 1:
        raise ValueError(share)
    ordered = sorted(values)
    if not ordered:
        return None
    return float(ordered[max(1, math.ceil(share * len(ordered))) - 1])


def days_between(first: date, last: date) -> int:
    """Calendar days from one day to another (0 on the same day)."""
    return (last - first).days


def hours_between(first: datetime, last: datetime) -> float:
    return (last - first).total_seconds() / 3600


def duty_outcome(due: date, done_on: date | None, today: date, *, withdrawn: bool = False) -> str | None:
    """MET, MISSED, or None when the duty is not counted (undone and not yet due, or the claim withdrawn)."""
    if done_on is not None:
        return MET if done_on <= due else MISSED
    if withdrawn or today <= due:  # the due day itself is not late (domain.deadlines.duty_status)
        return None
    return MISSED


@dataclass(frozen=True)
class Spread:
    """How many durations, their median and 90th percentile."""

    count: int
    median: float | None
    p90: float | None


def spread(values: Sequence[float]) -> Spread:
    return Spread(len(values), median(values), percentile(values, 0.9))


@dataclass
class Tally:
    """Duties met and missed; the share met is None when none was counted."""

    met: int = 0
    missed: int = 0

    def add(self, outcome: str | None) -> None:
        if outcome == MET:
            self.met += 1
        elif outcome == MISSED:
            self.missed += 1

    @property
    def counted(self) -> int:
        return self.met + self.missed

    @property
    def share(self) -> float | None:
        return self.met / self.counted if self.counted else None
