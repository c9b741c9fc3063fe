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
    windows,
)


def group(count: int, *, line: str | None = "河西线", district: str | None = "河西村台区", tower: str | None = None,
          category: str = "appliance", later: bool = False, paid: str = "0", unit: str = "单位S1",
          first: date = date(2025, 3, 1), last: date = date(2025, 3, 1)) -> PlaceGroup:
    return PlaceGroup(line, district, tower, category, unit, later, count, Decimal(paid), first, last)


def test_a_place_is_a_hotspot_from_the_threshold_on() -> None:
    below = hotspots([group(2, line=None)], minimum=3)
    at = hotspots([group(2, line=None), group(1, line=None, later=True)], minimum=3)
    assert below == []
    assert [(s.place, s.count) for s in at] == [(PlaceKey("district", "河西村台区"), 3)]


def test_a_case_counts_under_its_line_its_district_and_its_tower() -> None:
    spots = hotspots([group(3, tower="12")], minimum=3)
    assert [s.place for s in spots] == [PlaceKey("tower", "12", "河西线"), PlaceKey("district", "河西村台区"),
                                        PlaceKey("line", "河西线")]


def test_towers_with_one_number_on_two_lines_are_two_places() -> None:
    spots = hotspots([group(2, tower="12", district=None), group(2, line="东山线", tower="12", district=None)],
                     minimum=3)
    assert spots == []


def test_categories_are_separate_fault_types() -> None:
    spots = hotspots([group(2, line=None), group(2, line=None, category="crop")], minimum=3)
    assert spots == []


def test_money_dates_units_and_trend_are_summed_to_the_fen() -> None:
    spots = hotspots([
        group(1, line=None, paid="100.10", first=date(2025, 2, 3), last=date(2025, 2, 3)),
        group(2, line=None, paid="0.01", later=True, unit="单位S2", first=date(2025, 8, 1), last=date(2025, 9, 30)),
        group(1, line=None, paid="199.99", later=True, first=date(2025, 7, 2), last=date(2025, 7, 2)),
    ], minimum=3)
    (spot,) = spots
    assert spot.count == 4 and spot.paid_amount == Decimal("300.10")
    assert (spot.first_on, spot.last_on) == (date(2025, 2, 3), date(2025, 9, 30))
    assert spot.units == ["单位S1", "单位S2"]
    assert (spot.earlier, spot.later, spot.trend) == (1, 3, "rising")


def test_places_rank_by_count_then_money_paid() -> None:
    spots = hotspots([group(3, line=None, district="甲台区", paid="10"), group(3, line=None, district="乙台区", paid="20"),
                      group(4, line=None, district="丙台区")], minimum=3)
    assert [s.place.name for s in spots] == ["丙台区", "乙台区", "甲台区"]
    assert hotspots([group(1, line=None), group(1, line=None, later=True)], minimum=2)[0].trend == "flat"


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
