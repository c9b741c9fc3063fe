"""The periods a PDF report covers (issue 16: "a month or a quarter"), how the report names them, and which ones
the analytics pages offer. Pure: `today` is given, never read."""

from __future__ import annotations

import re
from datetime import date

from casework.domain.periods import Period, months_before

_MONTH = re.compile(r"^\d{4}-\d{2}$")
_QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
_QUARTER_WORDS = ("一", "二", "三", "四")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")


def report_period(text: str) -> Period:
    """"2025-07" (a month) or "2025-Q3" (a calendar quarter); ValueError for anything else (a year, a range)."""
    text = text.strip().upper()
    if not (_MONTH.match(text) or _QUARTER.match(text)):
        raise ValueError(text)
    return Period.parse(text)


def is_quarter(period: Period) -> bool:
    return len(period.months) == 3 and period.first.month % 3 == 1


def report_code(period: Period) -> str:
    """The period as the report's query value: 2025-07, 2025-Q3."""
    if is_quarter(period):
        return f"{period.first.year}-Q{period.first.month // 3 + 1}"
    return period.first.strftime("%Y-%m")


def report_name(period: Period, lang: str = "zh") -> str:
    """2025年7月 / 2025年第三季度 (July 2025 / Q3 2025)."""
    quarter = period.first.month // 3 + 1
    if lang == "zh":
        return (f"{period.first.year}年第{_QUARTER_WORDS[quarter - 1]}季度" if is_quarter(period)
                else f"{period.first.year}年{period.first.month}月")
    return (f"Q{quarter} {period.first.year}" if is_quarter(period)
            else f"{_MONTHS_EN[period.first.month - 1]} {period.first.year}")


def recent_report_periods(today: date, months: int = 12, quarters: int = 4) -> list[Period]:
    """What the analytics pages offer, newest first: this quarter and the `quarters - 1` before it, then this
    month and the `months - 1` before it (the current ones so far, for a meeting held before the period ends)."""
    this_month = date(today.year, today.month, 1)
    this_quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    out = []
    for n in range(quarters):
        first = months_before(this_quarter, 3 * n)
        out.append(Period(first, months_before(first, -2)))
    for n in range(months):
        month = months_before(this_month, n)
        out.append(Period(month, month))
    return out


def default_report_period(today: date) -> Period:
    """The last whole quarter: what the head of legal's quarterly meeting reviews."""
    this_quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    first = months_before(this_quarter, 3)
    return Period(first, months_before(first, -2))
