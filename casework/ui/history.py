"""A case's audit entries as a person reads them: the action's name, each changed field by its label, before →
after in words. Table-driven: each action names the keys it records and how each value is worded; the key
`kind`, say, is the evidence kind in evidence entries, the decision kind in decision entries and the letter kind
in document entries. A key no table names prints as 其他 and is logged, never raw.

Reads (page views, downloads, exports, refused attempts) are kept apart from changes: the case page and the
dossier list changes and decisions, and count the reads."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit.models import AuditEvent
from casework.auth.models import Unit, User
from casework.domain.contract import FACT_FIELDS, TOP_FIELDS, FieldSpec, date_or_none
from casework.domain.money import format_yuan
from casework.ui import labels
from casework.ui.facts import Table, item_table, say, word
from casework.ui.filters import day, fact_label, filesize, language, moment

log = logging.getLogger("casework")

# What a person reads, not what they changed: counted apart, never in the timeline.
READS = frozenset({
    "case.view_identifiers", "case.denied", "evidence.view", "evidence.download", "evidence.denied",
    "document.download", "document.denied", "dossier.download", "export.case", "export.batch.download",
})
DECISIONS = frozenset({"decision.propose", "decision.approve", "decision.return", "decision.payment",
                       "decision.litigation"})


@dataclass(frozen=True)
class Names:
    """Who and which unit an entry names, by display name: people by user id and by username, units by code."""

    people: Mapping[int, str] = field(default_factory=dict)
    logins: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)

    def person(self, user_id: int | None, username: str | None, lang: str) -> str:
        if user_id is not None and user_id in self.people:
            return self.people[user_id]
        if username and username in self.logins:
            return self.logins[username]
        return say(labels.SYSTEM_ACTOR, lang)  # the command line, the scheduler, a login that does not exist


@dataclass(frozen=True)
class Change:
    label: str
    before: str | Table | None  # None: nothing to strike through (a first entry)
    after: str | Table


@dataclass(frozen=True)
class Line:
    at: datetime
    when: str
    who: str
    action: str
    changes: tuple[Change, ...]
    read: bool
    decision: bool
    code: str  # the action's code, for counting; never shown


Wording = Callable[[Any, "Context"], "str | Table"]


@dataclass(frozen=True)
class Context:
    category: str
    names: Names
    lang: str


def _none(ctx: Context) -> str:
    return "—"


def _text(value: Any, ctx: Context) -> str | Table:
    if value is None or value == "":
        return _none(ctx)
    if isinstance(value, bool):
        return say(labels.YES if value else labels.NO, ctx.lang)
    if isinstance(value, list | tuple):
        return "、".join(str(_text(v, ctx)) for v in value)
    if isinstance(value, dict):  # never a repr: the values, in order
        return "；".join(str(_text(v, ctx)) for v in value.values())
    return str(value)


def _money(value: Any, ctx: Context) -> str | Table:
    try:
        return format_yuan(Decimal(str(value))) if value not in (None, "") else _none(ctx)
    except (InvalidOperation, ValueError):
        return str(value)


def _date(value: Any, ctx: Context) -> str | Table:
    found = date_or_none(value) if isinstance(value, str) else value if isinstance(value, date) else None
    return day(found, ctx.lang) if found else _text(value, ctx)


def _instant(value: Any, ctx: Context) -> str | Table:
    """A recorded instant (ISO text in the audit entry) in Beijing time: 2025年7月22日 15:00."""
    try:
        found = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return _text(value, ctx)
    return moment(found if found.tzinfo else found.replace(tzinfo=UTC), ctx.lang)


def _position(value: Any, ctx: Context) -> str | Table:
    """GPS as [lat, lng, accuracy] → 30.2701, 120.1584（精度 15 米）."""
    lat, lng, accuracy = (list(value) + [None, None, None])[:3] if isinstance(value, list | tuple) else (value, None, None)
    text = f"{lat}, {lng}" if lng is not None else str(lat)
    if accuracy is not None:
        text += str(_l("（精度 %(m)s 米）", m=accuracy))
    return text


def _enum(table: str) -> Wording:
    def wording(value: Any, ctx: Context) -> str | Table:
        if value is None or value == "":
            return _none(ctx)
        found = getattr(labels, table).get(value)
        if found is None:
            log.warning("no %s label for %r", table, value)
            return say(labels.OTHER, ctx.lang)
        return say(found, ctx.lang)
    return wording


def _person(value: Any, ctx: Context) -> str | Table:
    return ctx.names.logins.get(value, say(labels.OTHER, ctx.lang)) if value else say(labels.UNASSIGNED, ctx.lang)


def _unit(value: Any, ctx: Context) -> str | Table:
    return ctx.names.units.get(value, str(value)) if value else _none(ctx)


def _short_hash(value: Any, ctx: Context) -> str | Table:
    return f"{str(value)[:12]}…" if value else _none(ctx)


def _size(value: Any, ctx: Context) -> str | Table:
    return filesize(value) if isinstance(value, int) else _text(value, ctx)


def _field_names(value: Any, ctx: Context) -> str | Table:
    names = value if isinstance(value, list) else [value]
    return "、".join(_key_words(str(n), ctx)[0] for n in names)


TEXT, MONEY, DATE = _text, _money, _date
Keys = Mapping[str, tuple[Any, Wording] | None]  # None: recorded but not shown (a version counter)

_EVIDENCE_FILE: Keys = {"name": (_l("文件名"), TEXT), "sha256": (_l("SHA-256 校验值"), _short_hash)}
_LETTER: Keys = {"kind": (_l("文书"), _enum("LETTER_KIND")), "version": (_l("版本"), TEXT),
                 "sha256": (_l("SHA-256 校验值"), _short_hash)}
_DECISION: Keys = {"kind": (_l("处理方式"), _enum("DECISION_KIND")), "comment": (_l("审批意见"), TEXT)}
_RETENTION: Keys = {
    "fields": (_l("清除的内容"), _field_names), "payees": (_l("匿名化的收款人"), TEXT),
    "accounts": (_l("清除的账号"), TEXT), "files": (_l("删除的文件"), TEXT),
    "kept_shared": (_l("保留的共用文件"), TEXT), "evidence": (_l("证据"), TEXT),
    "letters": (_l("文书"), TEXT), "dossiers": (_l("案卷"), TEXT),
    "ended_at": (_l("保存期届满日"), DATE), "period_days": (_l("保存期限（天）"), TEXT),
}
_FILE: Keys = {"problem": (_l("问题"), _enum("FILE_PROBLEM")), "found_sha256": None, "found_size": None,
               "owner": None, "name": (_l("文件名"), TEXT)}

# Every action recorded with a case, and the keys it records (grep "record(" casework). Keys of case.edit are
# the case's columns and the contract's paths, worded by _key_words.
ACTIONS: dict[str, Keys] = {
    "case.open": {"number": (labels.FIELD["number"], TEXT), "category": (labels.FIELD["category"], _enum("CATEGORY")),
                  "state": (labels.FIELD["state"], _enum("STATE")), "unit": (labels.FIELD["unit"], _unit)},
    "case.edit": {"version": None},
    "case.transition": {"state": (labels.FIELD["state"], _enum("STATE")), "event": (_l("操作"), _enum("EVENT")),
                        "reason": (labels.FIELD["reason"], TEXT)},
    "case.assign": {"assignee": (labels.FIELD["assignee"], _person)},
    "case.site_visit": {"visited_at": (labels.FIELD["visited_at"], _instant), "visitors": (labels.FIELD["visitors"], TEXT),
                        "place": (labels.FIELD["place"], TEXT), "attendees": (labels.FIELD["attendees"], TEXT),
                        "notes": (labels.FIELD["notes"], TEXT), "gps": (labels.FIELD["gps"], _position),
                        "duty_due_on": (labels.FIELD["duty_due_on"], _date)},
    "case.rule_check": {"outcome": (labels.FIELD["outcome"], _enum("OUTCOME")), "amount": (_l("应赔金额"), MONEY),
                        "version": (labels.FIELD["version"], TEXT)},
    "case.view_identifiers": {},
    "decision.propose": {"kind": (_l("处理方式"), _enum("DECISION_KIND")), "amount": (_l("赔偿金额"), MONEY),
                         "goodwill": (_l("善意补偿"), TEXT), "precedent_risk": (_l("先例风险"), TEXT),
                         "approver": (_l("审批角色"), _enum("ROLE"))},
    "decision.approve": _DECISION,
    "decision.return": _DECISION,
    "decision.payment": {"amount": (_l("支付金额"), MONEY), "paid_on": (_l("付款日期"), DATE),
                         "voucher": (_l("付款凭证号"), TEXT)},
    "decision.litigation": {"kind": (_l("诉讼环节"), _enum("LITIGATION_STEP")), "on": (_l("日期"), DATE),
                            "text": (_l("内容"), TEXT), "amount": (_l("金额"), MONEY),
                            "result": (_l("判决结果"), _enum("JUDGMENT_RESULT"))},
    "document.generate": _LETTER,
    "document.download": _LETTER,
    "document.denied": {**_LETTER, "case": (labels.FIELD["number"], TEXT)},
    "evidence.upload": {"kind": (_l("证据类别"), _enum("EVIDENCE_KIND")), "name": (_l("文件名"), TEXT),
                        "size": (_l("大小"), _size), "sha256": (_l("SHA-256 校验值"), _short_hash),
                        "media_type": None},
    "evidence.view": _EVIDENCE_FILE,
    "evidence.download": _EVIDENCE_FILE,
    "evidence.withdraw": {"withdrawn": (_l("已撤回"), TEXT), "reason": (labels.FIELD["reason"], TEXT),
                          "name": (_l("文件名"), TEXT)},
    "evidence.waive": {"kind": (_l("证据项"), _enum("EVIDENCE_KIND")), "reason": (labels.FIELD["reason"], TEXT)},
    "evidence.unwaive": {"kind": (_l("证据项"), _enum("EVIDENCE_KIND")), "reason": (_l("原免除理由"), TEXT)},
    "dossier.seal": {"version": (_l("版本"), TEXT), "sha256": (_l("SHA-256 校验值"), _short_hash),
                     "chain_head": (_l("审计链头"), _short_hash)},
    "dossier.download": {"version": (_l("版本"), TEXT), "sha256": (_l("SHA-256 校验值"), _short_hash)},
    "export.case": {"bundle": (_l("导出文件"), TEXT), "manifest_sha256": (_l("清单校验值"), _short_hash),
                    "files": (_l("文件数"), TEXT)},
    "retention.hold": {"reason": (labels.FIELD["reason"], TEXT), "set_by": (_l("设置人"), _person)},
    "retention.release": {"reason": (labels.FIELD["reason"], TEXT), "set_by": (_l("设置人"), _person)},
    "retention.identifiers": _RETENTION,
    "retention.bank_accounts": _RETENTION,
    "retention.evidence": _RETENTION,
    "file.damaged": _FILE,
    "file.restored": _FILE,
}

_COLUMN_WORDING: dict[str, Wording] = {"event_on": DATE, "reported_on": DATE, "claimed_amount": MONEY}


def _spec(category: str, path: str) -> tuple[str, FieldSpec | None]:
    part, _, name = path.partition(".")
    specs = TOP_FIELDS if part == "circumstances" else FACT_FIELDS.get(category, {})
    return name, specs.get(name)


def _fact_value(category: str, path: str, lang: str) -> Wording:
    name, spec = _spec(category, path)

    def wording(value: Any, ctx: Context) -> str | Table:
        if spec is not None and spec.kind == "object_list":
            return item_table(category, name, value or [], lang)
        return _none(ctx) if value in (None, "", []) else word(name, spec, value, lang)
    return wording


def _key_words(key: str, ctx: Context) -> tuple[str, Wording]:
    """A case.edit key: a case column by the catalogue, a contract path by its field's label."""
    if key.startswith(("circumstances.", "facts.")):
        name, spec = _spec(ctx.category, key)
        if spec is not None:
            path = key if key.startswith("facts.") else name
            return fact_label(ctx.category, path, english=ctx.lang == "en"), _fact_value(ctx.category, key, ctx.lang)
    elif key == "unit":
        return say(labels.FIELD["unit"], ctx.lang), _unit
    elif key in labels.FIELD and key not in ("version", "kind", "name", "size", "amount"):
        return say(labels.FIELD[key], ctx.lang), _COLUMN_WORDING.get(key, TEXT)
    elif key in ("gps_lat", "gps_lng"):
        return say(labels.GPS, ctx.lang), TEXT
    log.warning("no label for case field %r", key)
    return say(labels.OTHER, ctx.lang), TEXT


def _words(action: str, key: str, ctx: Context) -> tuple[str, Wording] | None:
    keys = ACTIONS.get(action, {})
    if key in keys:
        found = keys[key]
        return None if found is None else (say(found[0], ctx.lang), found[1])
    if action == "case.edit":
        return _key_words(key, ctx)
    log.warning("no label for %s key %r", action, key)
    return say(labels.OTHER, ctx.lang), TEXT


def changes(entry: AuditEvent, ctx: Context) -> tuple[Change, ...]:
    before, after = entry.before or {}, entry.after or {}
    out = []
    for key in [*after, *(k for k in before if k not in after)]:
        found = _words(entry.action, key, ctx)
        if found is None:
            continue
        name, wording = found
        old = before.get(key)
        shown_before = wording(old, ctx) if key in before and old not in (None, "", []) else None
        out.append(Change(name, shown_before, wording(after.get(key), ctx) if key in after else _none(ctx)))
    return tuple(out)


def line(entry: AuditEvent, category: str, names: Names, lang: str) -> Line:
    ctx = Context(category, names, lang)
    action = labels.ACTION.get(entry.action)
    if action is None:
        log.warning("no label for action %r", entry.action)
    return Line(entry.at, moment(entry.at, lang), names.person(entry.actor_id, entry.actor_name, lang),
                say(action if action is not None else labels.OTHER, lang), changes(entry, ctx),
                entry.action in READS, entry.action in DECISIONS, entry.action)


@dataclass(frozen=True)
class History:
    """A case's history, worded: the changes and decisions, and the reads apart."""

    lines: tuple[Line, ...]
    reads: tuple[Line, ...]

    def reads_by_action(self) -> list[tuple[str, int]]:
        return Counter(r.action for r in self.reads).most_common()

    def reads_by_person(self) -> list[tuple[str, int]]:
        return Counter(r.who for r in self.reads).most_common()


def names_for(session: Session, entries: Iterable[AuditEvent]) -> Names:
    """The display names an entry list needs, in two queries: people (actors and assignees) and units."""
    entries = list(entries)
    ids = {e.actor_id for e in entries if e.actor_id is not None}
    logins: set[str] = {e.actor_name for e in entries if e.actor_name}
    codes: set[str] = set()
    for e in entries:
        for values in (e.before or {}, e.after or {}):
            if isinstance(values.get("assignee"), str):
                logins.add(values["assignee"])
            if isinstance(values.get("set_by"), str):
                logins.add(values["set_by"])
            if isinstance(values.get("unit"), str):
                codes.add(values["unit"])
    people: dict[int, str] = {}
    by_login: dict[str, str] = {}
    if ids or logins:
        for uid, login, shown in session.execute(select(User.id, User.username, User.display_name)
                                                 .where(User.id.in_(sorted(ids)) | User.username.in_(sorted(logins)))):
            people[uid], by_login[login] = shown, shown
    units = {code: name for code, name in session.execute(select(Unit.code, Unit.name)
                                                          .where(Unit.code.in_(sorted(codes))))} if codes else {}
    return Names(people, by_login, units)


def worded(session: Session, entries: list[AuditEvent], category: str, lang: str | None = None) -> History:
    lang = lang or language()
    names = names_for(session, entries)
    lines = [line(e, category, names, lang) for e in entries]
    return History(tuple(x for x in lines if not x.read), tuple(x for x in lines if x.read))
