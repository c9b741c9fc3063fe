"""Hotspots and copycat signals, computed by hand on a few rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from casework.domain.hotspots import (
    Claim,
    PlaceGroup,
    PlaceKey,
    Settlement,
    add_months,
    bounded_minimum,
    copycat_signals,
    hotspots,
    middle_day,
    places_of,
    windows,
)

HEXI = PlaceKey("district", "河西村台区")


def group(count: int, later: int = 0, *, place: PlaceKey = HEXI, category: str = "appliance", paid: str = "0",
          first: date = date(2025, 3, 1), last: date = date(2025, 3, 1), numbers: tuple[str, ...] = (),
          units: tuple[str, ...] = ()) -> PlaceGroup:
    return PlaceGroup(place, category, count, later, Decimal(paid), first, last, numbers, units)


def test_a_place_is_a_hotspot_from_the_threshold_on() -> None:
    assert hotspots([group(2)], minimum=3) == []
    assert [(s.place, s.count) for s in hotspots([group(2), group(1, 1)], minimum=3)] == [(HEXI, 3)]


def test_categories_are_separate_fault_types() -> None:
    assert hotspots([group(2), group(2, category="crop")], minimum=3) == []


def test_money_dates_and_trend_are_summed_to_the_fen() -> None:
    (spot,) = hotspots([group(1, paid="100.10", first=date(2025, 2, 3), last=date(2025, 2, 3)),
                        group(3, 3, paid="200.00", first=date(2025, 7, 2), last=date(2025, 9, 30))], minimum=3)
    assert spot.count == 4 and spot.paid_amount == Decimal("300.10")
    assert (spot.first_on, spot.last_on) == (date(2025, 2, 3), date(2025, 9, 30))
    assert (spot.earlier, spot.later, spot.trend) == (1, 3, "rising")
    assert hotspots([group(2, 1)], minimum=2)[0].trend == "flat"
    assert hotspots([group(3, 1)], minimum=2)[0].trend == "falling"


def test_places_rank_by_count_then_money_then_the_most_specific() -> None:
    a, b, c = (PlaceKey("district", name) for name in ("甲台区", "乙台区", "丙台区"))
    spots = hotspots([group(3, place=a, paid="10"), group(3, place=b, paid="20"), group(4, place=c)], minimum=3)
    assert [s.place.name for s in spots] == ["丙台区", "乙台区", "甲台区"]
    line, tower = PlaceKey("line", "河西线"), PlaceKey("tower", "12", "河西线")
    assert [s.place for s in hotspots([group(3, place=line), group(3), group(3, place=tower)])] == [tower, HEXI, line]
    assert len(hotspots([group(3, place=a), group(3, place=b), group(4, place=c)], limit=2)) == 2


def test_numbers_and_units_are_gathered_in_order() -> None:
    (spot,) = hotspots([group(2, numbers=("GD-2025-0009", "GD-2025-0002"), units=("单位S2", "单位S1")),
                        group(1, category="appliance", numbers=("GD-2025-0005",), units=("单位S1",))], minimum=3)
    assert spot.numbers == ["GD-2025-0002", "GD-2025-0005", "GD-2025-0009"]
    assert spot.units == ["单位S1", "单位S2"]


def test_places_a_case_records() -> None:
    assert places_of(" ", "河西村台区", "12") == [HEXI, PlaceKey("tower", "12", "")]
    assert places_of("河西线", None, "12") == [PlaceKey("line", "河西线"), PlaceKey("tower", "12", "河西线")]


def test_the_threshold_is_bounded() -> None:
    assert bounded_minimum(None) == (3, True)
    assert bounded_minimum("5") == (5, True)
    assert bounded_minimum("1") == (2, False)
    assert bounded_minimum("99") == (50, False)
    assert bounded_minimum("x") == (3, False)
    assert bounded_minimum("-3") == (3, False)


def test_halves_and_months() -> None:
    assert middle_day(date(2025, 1, 1), date(2026, 1, 1)) == date(2025, 7, 2)
    assert add_months(date(2025, 8, 31), -6) == date(2025, 2, 28)
    assert add_months(date(2024, 8, 31), -6) == date(2024, 2, 29)
    assert add_months(date(2025, 9, 15), 6) == date(2026, 3, 15)
    before, after = windows(date(2025, 6, 15))
    assert (before.first, before.last) == (date(2024, 12, 15), date(2025, 6, 14))
    assert (after.first, after.last) == (date(2025, 6, 16), date(2025, 12, 15))


SETTLED = Settlement("GD-1", "河西村台区", "appliance", date(2025, 6, 15), True, Decimal("800.00"))


def claim(number: str, on: date, place: str = "河西村台区", category: str = "appliance") -> Claim:
    return Claim(number, place, category, on)


def test_copycat_window_edges() -> None:
    claims = [claim("b-edge", date(2024, 12, 15)), claim("b-out", date(2024, 12, 14)),
              claim("same-day", date(2025, 6, 15)), claim("a-first", date(2025, 6, 16)),
              claim("a-edge", date(2025, 12, 15)), claim("a-out", date(2025, 12, 16)),
              claim("GD-1", date(2025, 6, 1)),  # the settled case itself
              claim("other-place", date(2025, 7, 1), place="东山台区"), claim("other-kind", date(2025, 7, 1), category="crop")]
    (signal,) = copycat_signals([SETTLED], claims)
    assert (signal.claims_before, signal.claims_after) == (1, 2)
    assert not signal.jumped  # 2 after is below the minimum of 3


def test_copycat_flag_at_twice_before_and_three_after() -> None:
    after = [claim(f"a{i}", date(2025, 7, i + 1)) for i in range(4)]
    before = [claim(f"b{i}", date(2025, 3, i + 1)) for i in range(2)]
    assert copycat_signals([SETTLED], after + before)[0].jumped  # 4 ≥ 2 × 2
    assert not copycat_signals([SETTLED], after[:3] + before)[0].jumped  # 3 < 2 × 2
    assert copycat_signals([SETTLED], after[:3])[0].jumped  # 3 after, none before
    quiet = Settlement("GD-2", "东山台区", "appliance", date(2025, 6, 1), False, Decimal("1.00"))
    assert [s.settlement.number for s in copycat_signals([quiet, SETTLED], after)] == ["GD-1", "GD-2"]
