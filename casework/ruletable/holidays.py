"""The holiday calendar the administrators keep: every change to a day is audited."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.domain.access import Actor
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
