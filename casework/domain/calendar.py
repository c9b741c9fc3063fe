"""Statutory holiday calendar and Civil Code period counting (民法典 第二百零一条–第二百零三条)."""

from __future__ import annotations

import calendar as _stdcal
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import Any

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class HolidayCalendar:
    """Rest days (法定节假日) and adjusted working days (调休上班日) as data.

    `years` keeps the State Council arrangement as published (for export and editing);
    `holidays` and `workdays` are the expanded sets the period counting reads.
    """

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    years: tuple[Mapping[str, Any], ...] = field(default=(), compare=False)
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
        return HolidayCalendar(self.holidays | added, self.workdays, self.years)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HolidayCalendar:
        """Build from the `holidays.json` shape: years → periods with rest ranges and work days."""
        holidays: set[date] = set()
        workdays: set[date] = set()
        years = tuple(data.get("years", ()))
        for year in years:
            for period in year.get("periods", ()):
                day = date.fromisoformat(period["rest_from"])
                last = date.fromisoformat(period["rest_to"])
                if last < day:
                    raise ValueError(f"holiday period ends before it starts: {period!r}")
                while day <= last:
                    holidays.add(day)
                    day += _ONE_DAY
                workdays.update(date.fromisoformat(w) for w in period.get("work", ()))
        holidays.update(date.fromisoformat(d) for d in data.get("extra_holidays", ()))
        return cls(frozenset(holidays), frozenset(workdays - holidays), years)

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
