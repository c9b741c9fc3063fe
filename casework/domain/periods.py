"""Periods the analytics count over: whole months of registration, in China's calendar (pure, no database).

A period is a run of whole months, first and last included; a quarter and a year are named shorthands. The
instants that bound it are midnights in Asia/Shanghai, as the claims summary counts a case in the month of
its registration there (domain.summary.month_of)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from casework.domain.summary import CHINA

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")


def month_after(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def months_before(first: date, count: int) -> date:
    index = first.year * 12 + first.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """From the first day of `first` to the last day of `last` (both first-of-month dates)."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.first.day != 1 or self.last.day != 1:
            raise ValueError("a period runs over whole months")
        if self.last < self.first:
            raise ValueError("a period cannot end before it begins")

    @classmethod
    def parse(cls, text: str) -> Period:
        """"2025-07" (a month), "2025-Q3" (a quarter) or "2025" (a year); ValueError otherwise."""
        text = text.strip()
        if m := _MONTH.match(text):
            month = date(int(m[1]), int(m[2]), 1) if 1 <= int(m[2]) <= 12 else None
            if month is None:
                raise ValueError(text)
            return cls(month, month)
        if m := _QUARTER.match(text):
            start = date(int(m[1]), 3 * int(m[2]) - 2, 1)
            return cls(start, date(start.year, start.month + 2, 1))
        if m := _YEAR.match(text):
            return cls(date(int(m[1]), 1, 1), date(int(m[1]), 12, 1))
        raise ValueError(text)

    @classmethod
    def between(cls, first: str, last: str) -> Period:
        """From the month `first` to the month `last` ("2025-01", "2025-12"); ValueError when not months."""
        return cls(cls.parse(first).first, cls.parse(last).last)

    @classmethod
    def last_months(cls, count: int, today: date) -> Period:
        """The `count` months ending with today's."""
        this = date(today.year, today.month, 1)
        return cls(months_before(this, count - 1), this)

    @property
    def months(self) -> list[date]:
        out, month = [], self.first
        while month <= self.last:
            out.append(month)
            month = month_after(month)
        return out

    @property
    def end(self) -> date:
        """The day after the period (exclusive bound)."""
        return month_after(self.last)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def instants(self) -> tuple[datetime, datetime]:
        """The period's bounds as UTC instants: [start, end) — how registered_at is compared."""
        start = datetime(self.first.year, self.first.month, 1, tzinfo=CHINA)
        end = datetime(self.end.year, self.end.month, 1, tzinfo=CHINA)
        return start.astimezone(UTC), end.astimezone(UTC)

    def code(self) -> tuple[str, str]:
        """The period as the analytics form's two fields (from, to)."""
        return self.first.strftime("%Y-%m"), self.last.strftime("%Y-%m")

    def list_args(self) -> dict[str, str]:
        """The case list's registration filter for this period (local days, both inclusive)."""
        return {"reg_from": self.first.isoformat(), "reg_to": self.last_day.isoformat()}
