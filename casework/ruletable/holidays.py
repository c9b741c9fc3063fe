"""The holiday calendar the administrators keep: every change to a day, and every imported arrangement, is audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.domain.access import Actor
from casework.domain.contract import date_or_none
from casework.ruletable.models import CalendarDay


def set_day(session: Session, actor: Actor, *, day: date, kind: str, name: str, now: datetime) -> None:
    row = session.get(CalendarDay, day)
    before = {"kind": row.kind, "name": row.name} if row else None
    if row is None:
        session.add(CalendarDay(day=day, kind=kind, name=name))
    else:
        row.kind, row.name = kind, name
    record(session, actor, "calendar.set", now=now, object_type="calendar_day", object_id=day.isoformat(),
           before=before, after={"kind": kind, "name": name})


def remove_day(session: Session, actor: Actor, *, day: date, now: datetime) -> bool:
    row = session.get(CalendarDay, day)
    if row is None:
        return False
    record(session, actor, "calendar.remove", now=now, object_type="calendar_day", object_id=day.isoformat(),
           before={"kind": row.kind, "name": row.name})
    session.delete(row)
    return True


# -- importing a year's State Council arrangement (issue 15, D4) -----------------------------------------------
class CalendarFileError(ValueError):
    """A holiday file that cannot be imported; `errors` name each bad field by its JSON path."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


#: A statutory break never runs longer than this (the 2020 Spring Festival, extended, ran ten days).
_LONGEST_BREAK_DAYS = 14


def read_arrangements(data: object) -> list[tuple[date, str, str]]:
    """The days of a holidays file (the shape of `casework/rules_data/holidays.json`: `years` → `periods` with
    `rest_from`, `rest_to`, `work`), checked: every bad field is named, nothing is half-read."""
    errors: list[str] = []
    days: dict[date, tuple[str, str]] = {}
    if not isinstance(data, dict) or not isinstance(data.get("years"), list) or not data["years"]:
        raise CalendarFileError(["years: an array of yearly arrangements is required"])
    for i, year in enumerate(data["years"]):
        at = f"years[{i}]"
        if not isinstance(year, dict):
            errors.append(f"{at}: not an object")
            continue
        number = year.get("year")
        if not isinstance(number, int) or isinstance(number, bool) or not 1949 < number < 2200:
            errors.append(f"{at}.year: not a year")
            continue
        if not str(year.get("title") or "").strip():
            errors.append(f"{at}.title: required (the State Council notice the days come from)")
        periods = year.get("periods")
        if not isinstance(periods, list) or not periods:
            errors.append(f"{at}.periods: an array of holiday periods is required")
            continue
        for j, period in enumerate(periods):
            _read_period(period, f"{at}.periods[{j}]", number, days, errors)
    if errors:
        raise CalendarFileError(errors)
    return [(d, kind, name) for d, (kind, name) in sorted(days.items())]


def _read_period(period: object, at: str, year: int, days: dict[date, tuple[str, str]], errors: list[str]) -> None:
    if not isinstance(period, dict):
        errors.append(f"{at}: not an object")
        return
    name = str(period.get("name") or "").strip()
    if not name:
        errors.append(f"{at}.name: required")
    bounds = []
    for key in ("rest_from", "rest_to"):
        value = date_or_none(period.get(key))
        if value is None:
            errors.append(f"{at}.{key}: not a date (YYYY-MM-DD)")
        bounds.append(value)
    first, last = bounds
    if first is None or last is None:
        return
    if last < first:
        errors.append(f"{at}.rest_to: before {at}.rest_from")
        return
    if (last - first).days >= _LONGEST_BREAK_DAYS:
        errors.append(f"{at}.rest_to: a break of {(last - first).days + 1} days is not a holiday period")
        return
    if not {first.year, last.year} <= {year - 1, year}:
        errors.append(f"{at}.rest_from: not in the arrangement's year {year} (or the New Year break before it)")
        return
    day = first
    while day <= last:
        days[day] = ("holiday", name)
        day += timedelta(days=1)
    work = period.get("work", [])
    if not isinstance(work, list):
        errors.append(f"{at}.work: not an array")
        return
    for k, value in enumerate(work):
        w = date_or_none(value)
        if w is None:
            errors.append(f"{at}.work[{k}]: not a date (YYYY-MM-DD)")
        elif w.weekday() < 5:
            errors.append(f"{at}.work[{k}]: {w.isoformat()} is a weekday, not an adjusted working day")
        elif first <= w <= last:
            errors.append(f"{at}.work[{k}]: {w.isoformat()} lies inside the rest days")
        else:
            days.setdefault(w, ("workday", name + "调休"))


def import_arrangements(session: Session, actor: Actor, data: object, *, source: str, now: datetime) -> dict[str, int]:
    """Store a file's holidays and adjusted working days in the calendar the administrators keep: each day is
    added or corrected, days the file does not name are kept; one audit entry names the years and the counts."""
    days = read_arrangements(data)
    added = changed = 0
    for day, kind, name in days:
        row = session.get(CalendarDay, day)
        if row is None:
            session.add(CalendarDay(day=day, kind=kind, name=name))
            added += 1
        elif (row.kind, row.name) != (kind, name):
            row.kind, row.name = kind, name
            changed += 1
    assert isinstance(data, dict)
    years = sorted({int(y["year"]) for y in data["years"]})
    record(session, actor, "calendar.import", now=now, object_type="calendar", object_id=source[:64],
           after={"years": years, "added": added, "changed": changed, "source": source})
    return {"years": len(years), "added": added, "changed": changed, "unchanged": len(days) - added - changed}
