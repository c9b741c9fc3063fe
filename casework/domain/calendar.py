"""Statutory holiday calendar and Civil Code period counting (民法典 第二百零一条–第二百零三条).

The calendar knows which years it holds a published State Council arrangement for (`covered`): outside
them a period end is counted with weekends only, and the rules say so (a date the officer must check).
"""

from __future__ import annotations

import calendar as _stdcal
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import Any, NamedTuple

_ONE_DAY = timedelta(days=1)
#: A year counts as covered by a calendar kept day by day (the administrators' table) once it holds this many
#: rest days: every published arrangement has about thirty (the Spring Festival alone seven), while a year's
#: New Year break reaching into the previous year, or a day or two added by hand, has fewer.
COVERED_YEAR_MIN_REST_DAYS = 20


@dataclass(frozen=True)
class HolidayCalendar:
    """Rest days (法定节假日) and adjusted working days (调休上班日) as data.

    `years` keeps the State Council arrangement as published (for export and editing);
    `holidays` and `workdays` are the expanded sets the period counting reads.
    """

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    years: tuple[Mapping[str, Any], ...] = field(default=(), compare=False)
    #: The years for which a published arrangement is held: only there are holidays and adjusted working days
    #: known. A period ending in another year is counted with weekends only (and flagged by the rules).
    covered: frozenset[int] = frozenset()
    #: The name of the holiday (or of the holiday a working day was adjusted for), by day, for explanations.
    names: Mapping[date, str] = field(default_factory=dict, compare=False)
    #: Memo of results that depend only on dates, numbers and this calendar: period ends, keyed
    #: (start, unit, length), and the rules' limitation periods, keyed ("limitation", ...). Batch
    #: assessments ask for the same few thousand dates again and again; a calendar made for one case
    #: (`with_holidays`) takes its memo with it.
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def is_rest_day(self, day: date) -> bool:
        """A public holiday, or a weekend day that is not an adjusted working day."""
        if day in self.holidays:
            return True
        return day.weekday() >= 5 and day not in self.workdays

    def covers(self, day: date) -> bool:
        """A published arrangement is held for the day's year."""
        return day.year in self.covered

    def name(self, day: date) -> str:
        """The holiday the day belongs to (or was adjusted for), '' when none is known."""
        return self.names.get(day, "")

    def is_adjusted_workday(self, day: date) -> bool:
        """A Saturday or Sunday that is a working day by the State Council arrangement (调休上班日)."""
        return day.weekday() >= 5 and day in self.workdays

    def next_working_day(self, day: date) -> date:
        """The day itself when it is a working day, else the first working day after it."""
        while self.is_rest_day(day):
            day += _ONE_DAY
        return day

    def with_holidays(self, extra: Iterable[date]) -> HolidayCalendar:
        """A calendar with the case's extra statutory holidays added (contract key `holidays`)."""
        added = frozenset(extra)
        if not added or added <= self.holidays:
            return self
        return HolidayCalendar(self.holidays | added, self.workdays, self.years, self.covered, self.names)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HolidayCalendar:
        """Build from the `holidays.json` shape: years → periods with rest ranges and work days."""
        holidays: set[date] = set()
        workdays: set[date] = set()
        names: dict[date, str] = {}
        years = tuple(data.get("years", ()))
        covered: set[int] = set()
        for year in years:
            covered.add(int(year["year"]))
            for period in year.get("periods", ()):
                day = date.fromisoformat(period["rest_from"])
                last = date.fromisoformat(period["rest_to"])
                if last < day:
                    raise ValueError(f"holiday period ends before it starts: {period!r}")
                name = str(period.get("name") or "")
                while day <= last:
                    holidays.add(day)
                    names[day] = name
                    day += _ONE_DAY
                for work in period.get("work", ()):
                    workdays.add(date.fromisoformat(work))
                    names.setdefault(date.fromisoformat(work), name)
        holidays.update(date.fromisoformat(d) for d in data.get("extra_holidays", ()))
        return cls(frozenset(holidays), frozenset(workdays - holidays), years, frozenset(covered), names)

    @classmethod
    def from_days(cls, days: Iterable[tuple[date, str, str]]) -> HolidayCalendar:
        """Build from single days (day, "holiday" | "workday", name), as the administrators keep them.

        A year is covered when it holds at least COVERED_YEAR_MIN_REST_DAYS rest days (a whole arrangement,
        imported or entered), never because of a stray day."""
        holidays: set[date] = set()
        workdays: set[date] = set()
        names: dict[date, str] = {}
        per_year: dict[int, int] = {}
        for day, kind, name in days:
            (holidays if kind == "holiday" else workdays).add(day)
            names[day] = name.removesuffix("调休") if kind == "workday" else name
            if kind == "holiday":
                per_year[day.year] = per_year.get(day.year, 0) + 1
        covered = frozenset(y for y, n in per_year.items() if n >= COVERED_YEAR_MIN_REST_DAYS)
        return cls(frozenset(holidays), frozenset(workdays - holidays), (), covered, names)

    def coverage_years(self) -> tuple[int, int] | None:
        """The first and last covered year (None when no arrangement is held)."""
        return (min(self.covered), max(self.covered)) if self.covered else None

    def to_dict(self) -> dict[str, Any]:
        """Export in the shape `from_dict` reads; extra holidays outside `years` are kept apart."""
        base = HolidayCalendar.from_dict({"years": self.years})
        extra = sorted(d.isoformat() for d in self.holidays - base.holidays)
        return {"years": [dict(y) for y in self.years], "extra_holidays": extra}


def load_bundled_calendar() -> HolidayCalendar:
    """Read the calendar shipped in `casework/rules_data/holidays.json` (package data)."""
    text = resources.files("casework.rules_data").joinpath("holidays.json").read_text("utf-8")
    return HolidayCalendar.from_dict(json.loads(text))


def add_months(start: date, months: int) -> date:
    """The corresponding day `months` later; the month's last day when there is none.

    民法典 第二百零二条: 到期月的对应日为期间的最后一日；没有对应日的，月末日为期间的最后一日.
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    day = start.day
    if day > 28:  # only late days can lack a corresponding day
        day = min(day, _stdcal.monthrange(year, month0 + 1)[1])
    return date(year, month0 + 1, day)


def add_years(start: date, years: int) -> date:
    """The corresponding day `years` later (29 February → 28 February), 民法典 第二百零二条."""
    return add_months(start, 12 * years)


def _ends_on(last: date, cal: HolidayCalendar) -> date:
    """Move a last day off a rest day: 民法典 第二百零三条 (法定休假日结束的次日)."""
    return cal.next_working_day(last)


class Counted(NamedTuple):
    """One period counted: from `start` (not counted), `length` days or months; `last` is the day the counting
    reaches (民法典 第二百零一条、第二百零二条), `end` the period's last day once moved off rest days (第二百零三条)."""

    start: date
    length: int
    unit: str  # "d" days, "m" months
    last: date
    end: date

    @property
    def moved(self) -> bool:
        return self.end != self.last


def count_days(start: date, days: int, cal: HolidayCalendar) -> Counted:
    """The counting of a period in days, for explanations (period_end_days gives only its end)."""
    return Counted(start, days, "d", start + timedelta(days=days), period_end_days(start, days, cal))


def count_months(start: date, months: int, cal: HolidayCalendar) -> Counted:
    """The counting of a period in months (years are twelve months), for explanations."""
    return Counted(start, months, "m", add_months(start, months), period_end_months(start, months, cal))


def period_end_days(start: date, days: int, cal: HolidayCalendar) -> date:
    """Last day of a period of `days` days from `start`.

    民法典 第二百零一条: 开始的当日不计入，自下一日开始计算 — so day 1 is start + 1 and the
    last day is start + days; 第二百零三条 moves it to the next working day.
    """
    key = (start, "d", days)
    end: date | None = cal.memo.get(key)
    if end is None:
        end = cal.memo[key] = _ends_on(start + timedelta(days=days), cal)
    return end


def period_end_months(start: date, months: int, cal: HolidayCalendar) -> date:
    """Last day of a period in months (民法典 第二百零一条、第二百零二条、第二百零三条)."""
    key = (start, "m", months)
    end: date | None = cal.memo.get(key)
    if end is None:
        end = cal.memo[key] = _ends_on(add_months(start, months), cal)
    return end


def period_end_years(start: date, years: int, cal: HolidayCalendar) -> date:
    """Last day of a period in years (民法典 第二百零一条、第二百零二条、第二百零三条)."""
    return period_end_months(start, 12 * years, cal)


def completed_months(start: date, end: date) -> int:
    """Whole months from `start` to `end`, a month being complete on the corresponding day."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months
