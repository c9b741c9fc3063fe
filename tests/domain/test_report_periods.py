"""A PDF report covers one month or one calendar quarter, named as the meeting says it."""

from __future__ import annotations

from datetime import date

import pytest

from casework.domain.periods import Period
from casework.domain.report_periods import (
    default_report_period,
    recent_report_periods,
    report_code,
    report_name,
    report_period,
)


def test_a_month_and_a_quarter_are_report_periods() -> None:
    assert report_period("2025-07") == Period(date(2025, 7, 1), date(2025, 7, 1))
    assert report_period("2025-q3") == Period(date(2025, 7, 1), date(2025, 9, 1))
    assert report_period(" 2025-Q4 ") == Period(date(2025, 10, 1), date(2025, 12, 1))


@pytest.mark.parametrize("text", ["2025", "2025-13", "2025-Q5", "2025-7", "2025-07-01", "2025-01:2025-03", "", "Q3"])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        report_period(text)


def test_names_and_codes() -> None:
    quarter, month = report_period("2025-Q3"), report_period("2025-07")
    assert report_name(quarter) == "2025年第三季度" and report_name(month) == "2025年7月"
    assert report_name(quarter, "en") == "Q3 2025" and report_name(month, "en") == "July 2025"
    assert report_code(quarter) == "2025-Q3" and report_code(month) == "2025-07"
    # Three months that are not a calendar quarter are not named as one.
    assert report_code(Period(date(2025, 2, 1), date(2025, 4, 1))) == "2025-02"


def test_the_pages_offer_recent_quarters_then_months_newest_first() -> None:
    offered = [report_code(p) for p in recent_report_periods(date(2025, 2, 14), months=3, quarters=3)]
    assert offered == ["2025-Q1", "2024-Q4", "2024-Q3", "2025-02", "2025-01", "2024-12"]
    assert report_code(default_report_period(date(2025, 2, 14))) == "2024-Q4"
    assert report_code(default_report_period(date(2025, 12, 31))) == "2025-Q3"
