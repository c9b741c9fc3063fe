"""Template filters: money, dates and times in Chinese conventions (¥1,800.00; 2025年7月20日; Beijing time)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, g, has_app_context
from flask_babel import force_locale, get_locale
from markupsafe import Markup, escape

from casework.cases.submissions import key_input
from casework.domain.money import format_yuan
from casework.domain.rules.words import fact_label as domain_fact_label
from casework.ui import labels

SHANGHAI = ZoneInfo("Asia/Shanghai")
_STEP = re.compile(r"^\[?(\w+)\]?(?:\[(\d+)\])?$")


def money(value: Decimal | str | None) -> str:
    """¥1,800.00 as a letter prints it (domain.money); an amount nobody stated as —."""
    if value is None or value == "":
        return "—"
    return format_yuan(value)


def language() -> str:
    """The page's language ("zh", "en"), found once per request: Flask-Babel's get_locale walks several
    context proxies and formats the locale on every call, and a list page asks a hundred times."""
    if not has_app_context():
        return "zh"
    found: str | None = g.get("_casework_language")
    if found is None:
        found = g._casework_language = str(get_locale() or "zh")
    return found


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def day(value: date | None, lang: str | None = None) -> str:
    """`lang` saves the lookup where a view formats many values (the list's rows)."""
    if value is None:
        return "—"
    if (lang or language()) == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"  # 20 July 2025, as English letters write it


def isoday(value: str | None) -> str:
    """A contract date string (YYYY-MM-DD) shown like any other date."""
    return day(date.fromisoformat(value)) if value else "—"


def moment(value: datetime | None, lang: str | None = None) -> str:
    """A stored UTC instant shown in Asia/Shanghai."""
    if value is None:
        return "—"
    local = value.astimezone(SHANGHAI)
    return f"{day(local.date(), lang)} {local:%H:%M}"


def label(code: str | None, table: str, lang: str | None = None) -> Any:
    if code is None:
        return "—"
    return _label(code, table, lang or language())


@lru_cache(maxsize=4096)
def _label(code: str, table: str, locale: str) -> str:
    """Labels are fixed per language: translate each once, not on every row of every page. Translated in
    `locale` whatever the page's language: a Chinese PDF printed from an English page stays Chinese."""
    with force_locale(locale):
        return str(getattr(labels, table.upper()).get(code, code))


def refusal(code: str) -> Any:
    """A lifecycle refusal in words; `missing:event_on` names the missing field."""
    if code in labels.REFUSAL:  # a whole code with words of its own: evidence:not_reported
        return labels.REFUSAL[code]
    kind, _, name = code.partition(":")
    if kind == "missing":
        return f"{labels.MISSING_PREFIX}{labels.FIELD.get(name, name)}"
    if kind == "evidence":
        return f"{labels.EVIDENCE_PREFIX}{labels.EVIDENCE_KIND.get(name, name)}"
    return labels.REFUSAL.get(code, code)


def audit_value(value: Any, key: str) -> Any:
    """A value from the audit trail as people read it: coded values by their names."""
    if value is None:
        return "—"
    if key in ("state", "category", "role", "outcome", "event"):
        return label(value, key)
    if key == "kind":
        return label(value, "evidence_kind")
    if isinstance(value, bool):
        return labels.YES if value else labels.NO
    return value


def options(choices: Iterable[tuple[Any, Any]], selected: str) -> Markup:
    """The <option>s of a menu, the chosen one selected, values and names escaped. One call where a Jinja
    loop would take four calls per option (a list page's filters have about eighty)."""
    return Markup("".join(  # noqa: S704 - every interpolated value is escaped
        f'<option value="{escape(code)}"{" selected" if str(code) == selected else ""}>{escape(name)}</option>'
        for code, name in choices))


def filesize(value: int | None) -> str:
    """Bytes as people read them: 812 B, 3.2 MB."""
    if value is None:
        return "—"
    amount = float(value)
    for unit in ("B", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{int(amount)} B" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} GB"


def param_text(value: Any) -> str:
    """A rule-table parameter as a person edits it: JSON for structures and booleans, plain text otherwise."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list | bool) else str(value)


def fact_label(category: str, path: str, english: bool = False) -> str:
    """'facts.appliances[0].purchase_date' → '损坏电器清单 第1项 购置日期' (or its English labels).

    The domain owns the wording (the engine's explanation names missing facts the same way)."""
    said = domain_fact_label(category, path)
    return said.en if english else said.zh


def month_of(value: date, lang: str | None = None) -> str:
    """2025年7月 / Jul 2025."""
    return f"{value.year}年{value.month}月" if (lang or language()) == "zh" else f"{_MONTHS[value.month - 1][:3]} {value.year}"


def cell(value: Any, column: Any, lang: str | None = None) -> str:
    """An analytics table's cell as a person reads it (analytics.tables.cell_text)."""
    from casework.analytics.tables import cell_text

    return cell_text(column, value, lang or language())


def register(app: Flask) -> None:
    app.jinja_env.filters.update(month_of=month_of, cell=cell, money=money, day=day, moment=moment, label=label, audit_value=audit_value, isoday=isoday, refusal=refusal,
                                 param_text=param_text, filesize=filesize)
    app.jinja_env.globals["options"] = options
    app.jinja_env.globals["form_key_input"] = key_input  # a create form's one-time key (cases.submissions)
