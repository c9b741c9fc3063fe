"""Keeping the rule table: the version in force, drafts, parameter changes, approval and publication."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.domain.access import Actor, Role
from casework.domain.calendar import HolidayCalendar
from casework.domain.rules import RuleTable, bundled_table_dict, load_bundled_table
from casework.ruletable.models import CalendarDay, RuleTableVersion

DRAFT, SUBMITTED, PUBLISHED, SUPERSEDED = "draft", "submitted", "published", "superseded"
#: The bundled version's summary, in words a legal officer reads (the pages translate it), and the one
#: databases loaded before carry (it named a file).
BUNDLED_SUMMARY = "随系统发布的规则表（依据法规原文整理，未经核实之处逐条标明）"
BUNDLED_SUMMARY_BEFORE = "随软件发布的内置规则表（依据 legal/REFERENCE.md）"

# Published versions never change, so their parsed tables are kept per process, keyed by what
# identifies a publication (several databases may share a process, as in the tests).
_parsed: dict[tuple[str, str], RuleTable] = {}


class TableError(ValueError):
    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(key)
        self.key, self.detail = key, detail


def in_force(session: Session) -> RuleTableVersion | None:
    row: RuleTableVersion | None = session.scalar(
        select(RuleTableVersion).where(RuleTableVersion.status == PUBLISHED)
        .order_by(RuleTableVersion.published_at.desc(), RuleTableVersion.id.desc()).limit(1)
    )
    return row


def parse(row: RuleTableVersion) -> RuleTable:
    """The engine's table for a stored version; drafts are parsed afresh, they may still change."""
    if row.status != PUBLISHED and row.status != SUPERSEDED:
        return _on_this_instance(RuleTable.from_dict(row.data))
    key = (row.version, row.published_at.isoformat() if row.published_at else "")
    if key not in _parsed:
        _parsed[key] = RuleTable.from_dict(row.data)
    return _on_this_instance(_parsed[key])


def current_table(session: Session) -> RuleTable:
    """The table in force; the bundled one until the database holds a published version."""
    row = in_force(session)
    return parse(row) if row else _on_this_instance(load_bundled_table())


def _on_this_instance(table: RuleTable) -> RuleTable:
    """The table as this instance may use it: fictional rates only on a demo instance (config DEMO)."""
    from casework.infra.settings import demo_instance

    return table.on_instance(demo=demo_instance())


def calendar(session: Session) -> HolidayCalendar | None:
    """The calendar the administrators keep, or None to use the table's own bundled calendar."""
    rows = session.execute(select(CalendarDay.day, CalendarDay.kind, CalendarDay.name)).all()
    if not rows:
        return None
    return HolidayCalendar.from_days((day, kind, name or "") for day, kind, name in rows)


def load_bundled(session: Session, actor: Actor, now: datetime) -> RuleTableVersion | None:
    """Publish the package's table unless that version is already stored (run by `casework init`)."""
    data = bundled_table_dict()
    if session.scalar(select(RuleTableVersion.id).where(RuleTableVersion.version == data["version"])):
        return None
    previous = in_force(session)
    if previous is not None:
        previous.status = SUPERSEDED
    row = RuleTableVersion(version=data["version"], status=PUBLISHED, data=data, created_at=now, published_at=now,
                           summary=BUNDLED_SUMMARY)
    session.add(row)
    session.flush()
    record(session, actor, "rules.publish", now=now, object_type="rule_table", object_id=row.version,
           after={"version": row.version, "source": "bundled"})
    return row


def load_bundled_calendar(session: Session) -> int:
    """Seed the holiday calendar from the bundled data when the administrators have none yet."""
    if session.scalar(select(CalendarDay.day).limit(1)) is not None:
        return 0
    data = bundled_table_dict()["calendar"]
    days: dict[date, CalendarDay] = {}
    for year in data.get("years", ()):
        for period in year.get("periods", ()):
            day, last = date.fromisoformat(period["rest_from"]), date.fromisoformat(period["rest_to"])
            while day <= last:
                days[day] = CalendarDay(day=day, kind="holiday", name=period["name"])
                day = date.fromordinal(day.toordinal() + 1)
            for work in period.get("work", ()):
                w = date.fromisoformat(work)
                days.setdefault(w, CalendarDay(day=w, kind="workday", name=period["name"] + "调休"))
    session.add_all(days.values())
    return len(days)


def _check(data: dict[str, Any]) -> None:
    try:
        RuleTable.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise TableError("table_invalid", str(exc)) from exc


def create_draft(session: Session, actor: Actor, *, base: RuleTableVersion, version: str, summary: str,
                 now: datetime, data: dict[str, Any] | None = None) -> RuleTableVersion:
    """A new version to edit, copied from `base` (or given whole, e.g. imported from a file)."""
    if session.scalar(select(RuleTableVersion.id).where(RuleTableVersion.version == version)):
        raise TableError("version_taken")
    content = copy.deepcopy(data if data is not None else base.data)
    content["version"] = version
    _check(content)
    row = RuleTableVersion(version=version, status=DRAFT, data=content, summary=summary, based_on_id=base.id,
                           created_by_id=actor.user_id, created_at=now)
    session.add(row)
    session.flush()
    record(session, actor, "rules.draft", now=now, object_type="rule_table", object_id=version,
           after={"version": version, "based_on": base.version, "summary": summary})
    return row


def set_parameter(session: Session, actor: Actor, draft: RuleTableVersion, *, name: str, effective_from: str,
                  value: str, verified: bool, now: datetime) -> None:
    """Change one dated parameter row of a draft; published versions are never edited."""
    if draft.status != DRAFT:
        raise TableError("not_a_draft")
    data = copy.deepcopy(draft.data)
    rows = [p for p in data["parameters"] if p["name"] == name and p["effective_from"] == effective_from]
    if not rows:
        raise TableError("no_such_parameter")
    before = {"value": rows[0]["value"], "verified": rows[0].get("verified")}
    rows[0]["value"] = _like(before["value"], value)
    rows[0]["verified"] = verified
    _check(data)
    draft.data = data
    record(session, actor, "rules.parameter", now=now, object_type="rule_table", object_id=draft.version,
           before={name: before}, after={name: {"value": value, "verified": verified}})


def _like(old: Any, text: str) -> Any:
    """The new value in the old one's type: a number stays a number, a table stays a table."""
    text = text.strip()
    try:
        if isinstance(old, bool | dict | list):
            new = json.loads(text)
            if type(new) is not type(old):
                raise TableError("bad_value", text)
            return new
        if isinstance(old, int):
            return int(text)
        if isinstance(old, str) and old.replace(".", "", 1).isdigit():
            Decimal(text)
        return text
    except (ValueError, InvalidOperation) as exc:
        raise TableError("bad_value", text) from exc


def replace_data(session: Session, actor: Actor, draft: RuleTableVersion, data: Any, *, now: datetime) -> None:
    """Replace a draft's whole content (a reviewed file); the version label stays the draft's."""
    if draft.status != DRAFT:
        raise TableError("not_a_draft")
    if not isinstance(data, dict):
        raise TableError("table_invalid", "the file must hold one JSON object")
    content = copy.deepcopy(data)
    content["version"] = draft.version
    _check(content)
    draft.data = content
    record(session, actor, "rules.replace", now=now, object_type="rule_table", object_id=draft.version,
           after={"rules": len(content.get("rules", ())), "parameters": len(content.get("parameters", ()))})


def submit(session: Session, actor: Actor, draft: RuleTableVersion, *, now: datetime) -> None:
    if draft.status != DRAFT:
        raise TableError("not_a_draft")
    draft.status, draft.submitted_at = SUBMITTED, now
    record(session, actor, "rules.submit", now=now, object_type="rule_table", object_id=draft.version)


def decide(session: Session, actor: Actor, draft: RuleTableVersion, *, approve: bool, comment: str,
           now: datetime) -> None:
    """The head of legal publishes a submitted version or returns it; nobody approves their own draft."""
    if actor.role is not Role.LEGAL_HEAD:
        raise TableError("not_legal_head")
    if draft.status != SUBMITTED:
        raise TableError("not_submitted")
    if draft.created_by_id == actor.user_id:
        raise TableError("own_draft")
    draft.review_comment = comment or None
    if not approve:
        draft.status = DRAFT
        record(session, actor, "rules.return", now=now, object_type="rule_table", object_id=draft.version,
               after={"comment": comment})
        return
    previous = in_force(session)
    if previous is not None:
        previous.status = SUPERSEDED
    draft.status, draft.approved_by_id, draft.published_at = PUBLISHED, actor.user_id, now
    record(session, actor, "rules.publish", now=now, object_type="rule_table", object_id=draft.version,
           before={"in_force": previous.version if previous else None}, after={"in_force": draft.version})
