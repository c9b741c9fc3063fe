"""Where claims keep happening, and where a payment was followed by a wave of claims (issue 16); pure: rows in,
ranked places and flags out (no database, no clock).

Decisions where the issue is silent:

- **Fault type** is the case's category alone. The cause is often unknown or still disputed while claims
  are coming in, and splitting a place's repeats by cause would hide exactly the repeat the operations
  department must fix; the category says what kind of harm the place keeps causing.
- **A place** is a line, a 台区 or a tower, as recorded on the case, by exact name; a tower is named with its
  line (a tower number such as "12" recurs on every line), so two towers numbered 12 on two lines are two
  places. A case counts under each place it records: its line, its 台区 and its tower are three rows of the
  list, because a fault may be the line's, the transformer's or the pole's.
- **Trend**: the claims in the later half of the period against those in the earlier half (halves split at
  the middle day, the middle day going to the later half): rising, flat or falling, with both counts.
- **Ranking**: by number of claims, then money paid, then the kind (tower, 台区, line: the most specific
  first) and the name, so equal places always come in the same order.
- **Copycat windows**: a settlement (goodwill or not) on day d looks at the claims of the same category at
  the same place registered in [d − 6 months, d) (before) and (d, d + 6 months] (after); claims registered on
  d itself are in neither (one cannot tell whether they came before the payment was known), nor is the
  settled case itself. Registration dates, not event dates: the payment can only cause claims filed after
  it, while the event date is the claimant's own account and a copycat may date an old event; and the case
  list filters by registration day, so a flag's link shows exactly the claims counted. The windows are of
  equal length, so "the rate jumps" compares counts: after ≥ JUMP_FACTOR × before and after ≥ JUMP_MINIMUM.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

ZERO = Decimal("0.00")
#: The fewest claims at one place and fault type that make it a hotspot, unless the reader chooses.
DEFAULT_MINIMUM = 3
MINIMUM_BOUNDS = (2, 50)
#: The copycat windows, before and after a settlement, in months.
WINDOW_MONTHS = 6
#: A settlement is flagged when the claims after it are at least this many times those before it …
JUMP_FACTOR = 2
#: … and at least this many.
JUMP_MINIMUM = 3
#: Kinds of place, the most specific first (the order of equal places).
PLACE_KINDS = ("tower", "district", "line")
TRENDS = ("rising", "flat", "falling")


def bounded_minimum(text: str | None) -> tuple[int, bool]:
    """The hotspot threshold asked for (`?min=`), within MINIMUM_BOUNDS; and whether the text was accepted
    (False: not a whole number, or out of bounds — the default or the nearest bound is used)."""
    low, high = MINIMUM_BOUNDS
    if text is None or not text.strip():
        return DEFAULT_MINIMUM, True
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) < 6):
        return DEFAULT_MINIMUM, False
    value = int(text)
    return min(high, max(low, value)), low <= value <= high


@dataclass(frozen=True)
class PlaceKey:
    kind: str  # line | district | tower
    name: str
    line: str = ""  # for a tower: the line it stands on ("" when not recorded)


def places_of(line: str | None, district: str | None, tower: str | None) -> list[PlaceKey]:
    """The places a case records (blank names are no place)."""
    line, district, tower = (line or "").strip(), (district or "").strip(), (tower or "").strip()
    out = []
    if line:
        out.append(PlaceKey("line", line))
    if district:
        out.append(PlaceKey("district", district))
    if tower:
        out.append(PlaceKey("tower", tower, line))
    return out


@dataclass(frozen=True)
class PlaceGroup:
    """The claims registered at one place in one category (a grouped read of the cases)."""

    place: PlaceKey
    category: str
    count: int
    later: int  # of which registered in the later half of the period
    paid_amount: Decimal
    first_on: date
    last_on: date
    numbers: tuple[str, ...] = ()  # the case numbers
    units: tuple[str, ...] = ()  # the names of the units that handled them


@dataclass
class Hotspot:
    place: PlaceKey
    category: str
    count: int = 0
    later: int = 0
    paid_amount: Decimal = ZERO
    first_on: date | None = None
    last_on: date | None = None
    numbers: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)

    @property
    def earlier(self) -> int:
        return self.count - self.later

    @property
    def trend(self) -> str:
        return "rising" if self.later > self.earlier else "falling" if self.later < self.earlier else "flat"


def middle_day(first: date, end: date) -> date:
    """The first day of a period's later half ([first, end) split at the middle; an odd day goes later)."""
    return first + timedelta(days=(end - first).days // 2)


def rank_key(spot: Hotspot) -> tuple[int, Decimal, int, str, str, str]:
    return (-spot.count, -spot.paid_amount, PLACE_KINDS.index(spot.place.kind), spot.place.name, spot.place.line,
            spot.category)


def hotspots(groups: Iterable[PlaceGroup], minimum: int = DEFAULT_MINIMUM, limit: int | None = None) -> list[Hotspot]:
    """The places and categories with at least `minimum` claims, ranked (see the module's docstring); the
    first `limit` of them when given."""
    found: dict[tuple[PlaceKey, str], Hotspot] = {}
    for group in groups:
        spot = found.setdefault((group.place, group.category), Hotspot(group.place, group.category))
        spot.count += group.count
        spot.later += group.later
        spot.paid_amount += group.paid_amount
        spot.first_on = group.first_on if spot.first_on is None else min(spot.first_on, group.first_on)
        spot.last_on = group.last_on if spot.last_on is None else max(spot.last_on, group.last_on)
        spot.numbers.extend(group.numbers)
        spot.units.extend(u for u in group.units if u not in spot.units)
    ranked = sorted((spot for spot in found.values() if spot.count >= minimum), key=rank_key)
    ranked = ranked if limit is None else ranked[:limit]
    for spot in ranked:  # numbers are issued in sequence: their order is the order the claims were opened
        spot.numbers.sort()
        spot.units.sort()
    return ranked


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier, when negative); the month's last day when it is shorter
    (31 August − 6 months = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Settlement:
    number: str  # the settled case
    place: str  # its 台区
    category: str
    decided_on: date
    goodwill: bool
    amount: Decimal


@dataclass(frozen=True)
class Claim:
    number: str
    place: str
    category: str
    registered_on: date  # the day of registration in China


@dataclass(frozen=True)
class Window:
    first: date
    last: date  # both included


@dataclass(frozen=True)
class Signal:
    settlement: Settlement
    before: Window
    after: Window
    claims_before: int
    claims_after: int

    @property
    def jumped(self) -> bool:
        return self.claims_after >= JUMP_MINIMUM and self.claims_after >= JUMP_FACTOR * self.claims_before


def windows(decided_on: date, months: int = WINDOW_MONTHS) -> tuple[Window, Window]:
    """[d − months, d) and (d, d + months], as inclusive days."""
    return (Window(add_months(decided_on, -months), decided_on - timedelta(days=1)),
            Window(decided_on + timedelta(days=1), add_months(decided_on, months)))


def copycat_signals(settlements: Iterable[Settlement], claims: Iterable[Claim],
                    months: int = WINDOW_MONTHS) -> list[Signal]:
    """Each settlement with the claims of its category at its place in the windows around it; flagged ones
    first, then by claims after (most first) and the decision day."""
    by_place: dict[tuple[str, str], list[Claim]] = {}
    for claim in claims:
        by_place.setdefault((claim.place, claim.category), []).append(claim)
    out = []
    for settlement in settlements:
        before, after = windows(settlement.decided_on, months)
        near = [c for c in by_place.get((settlement.place, settlement.category), [])
                if c.number != settlement.number]
        out.append(Signal(settlement, before, after,
                          sum(1 for c in near if before.first <= c.registered_on <= before.last),
                          sum(1 for c in near if after.first <= c.registered_on <= after.last)))
    out.sort(key=lambda s: (not s.jumped, -s.claims_after, s.settlement.decided_on, s.settlement.number))
    return out
