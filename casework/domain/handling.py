"""Handling figures (issue 16): how long the steps of a claim took, and whether the utility's deadlines were
met — pure arithmetic over values the analytics read, no clock, no database.

Choices where the issue is silent:
- a duration to a step recorded as a day (the decision, the payment) is counted in calendar days in China from
  the day of registration (0 = the same day), as the deadlines themselves are days; the site visit, recorded to
  the minute, in hours from the moment of registration;
- the median of an even count is the mean of the two middle values; the 90th percentile is the nearest rank
  (the smallest value at or above which 10 % of the cases lie), so it is always a duration that happened;
  both are read from a histogram (value → how many cases), which the database counts: days are small whole
  numbers, and the site visit is counted in whole minutes (rounded; the page shows hours to one decimal);
- a duty is met when its action was done on or before its due day (China), missed when it was done later or is
  still undone after the due day, and not counted while it is undone and not yet due, or when the claim was
  withdrawn before the action (a withdrawn claim owes nothing: domain.deadlines.open_duties).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from casework.domain.deadlines import DUTIES
from casework.domain.lifecycle import State

#: The duties the utility owes, in the order the page lists them (domain.deadlines.DUTIES).
DUTY_KINDS = ("on_site_investigation", "internal_first_check", "internal_decision")

MET, MISSED = "met", "missed"
OPEN = "open"  # undone and owed: missed once its due day has passed, not counted before

#: China has kept UTC+8 without summer time since 1991: cheaper than a zone lookup per moment.
CHINA_OFFSET = timedelta(hours=8)


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


Histogram = Mapping[float, int]  # a duration → how many cases took it


def kth(histogram: Histogram, rank: int) -> float:
    """The rank-th smallest value (1-based) of the values a histogram counts."""
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return float(value)
    raise ValueError(rank)


def histogram_median(histogram: Histogram) -> float | None:
    """median() of the values a histogram counts."""
    n = sum(histogram.values())
    if n == 0:
        return None
    return kth(histogram, n // 2 + 1) if n % 2 else (kth(histogram, n // 2) + kth(histogram, n // 2 + 1)) / 2


def histogram_percentile(histogram: Histogram, share: float) -> float | None:
    """percentile() of the values a histogram counts."""
    if not 0 < share <= 1:
        raise ValueError(share)
    n = sum(histogram.values())
    return kth(histogram, max(1, math.ceil(share * n))) if n else None


def merged(histograms: Iterable[Histogram]) -> dict[float, int]:
    out: dict[float, int] = {}
    for histogram in histograms:
        for value, count in histogram.items():
            out[value] = out.get(value, 0) + count
    return out


def local_day(moment: datetime) -> date:
    """The day in China of a moment."""
    return (moment + CHINA_OFFSET).date()


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


def histogram_spread(histogram: Histogram, scale: float = 1) -> Spread:
    """spread() of the values a histogram counts, each divided by scale (minutes counted, hours shown)."""
    middle, p90 = histogram_median(histogram), histogram_percentile(histogram, 0.9)
    return Spread(sum(histogram.values()), None if middle is None else middle / scale, None if p90 is None else p90 / scale)


@dataclass(frozen=True)
class Steps:
    """What one case's handling figures are computed from: its moments and its duties' due days."""

    state: str
    registered_at: datetime
    visited_at: datetime | None  # the first site visit
    checked_at: datetime | None  # the officer's first confirmation of the check
    proposed_at: datetime | None  # the standing proposal (awaiting approval or approved)
    decided_on: date | None
    paid_on: date | None
    due: Mapping[str, date | None]  # DUTY_KINDS → the earliest due day, None when the case has no such duty


@dataclass(frozen=True)
class Handled:
    """One case's durations (None when the step is not done) and duties (kind → MET, MISSED, OPEN, or None when
    not counted), none of which depends on today: an OPEN duty is missed or not yet due by its due day."""

    visit_minutes: int | None
    check_days: int | None
    decision_days: int | None
    payment_days: int | None
    duties: Mapping[str, str | None]


def handled(steps: Steps) -> Handled:
    registered = local_day(steps.registered_at)
    # A step recorded before the claim was filed counts as done at once: the duty was met by then.
    minutes = (max(0, round((steps.visited_at - steps.registered_at).total_seconds() / 60))
               if steps.visited_at is not None else None)
    checked = local_day(steps.checked_at) if steps.checked_at is not None else None
    check, decision, payment = (max(0, days_between(registered, end)) if end is not None else None
                                for end in (checked, steps.decided_on, steps.paid_on))
    done = {"on_site_investigation": local_day(steps.visited_at) if steps.visited_at is not None else None,
            "internal_first_check": checked,
            "internal_decision": local_day(steps.proposed_at) if steps.proposed_at is not None else None}
    duties: dict[str, str | None] = {}
    for kind in DUTY_KINDS:
        due, finished = steps.due.get(kind), done[kind]
        if due is None or (finished is None and steps.state in DUTIES[kind]):
            duties[kind] = None  # no such duty, or fulfilled (by its state) at a moment nobody recorded
        elif finished is not None:
            duties[kind] = MET if finished <= due else MISSED
        else:  # a withdrawn claim owes nothing it has not done (duty_outcome)
            duties[kind] = None if steps.state == State.WITHDRAWN.value else OPEN
    return Handled(minutes, check, decision, payment, duties)


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
