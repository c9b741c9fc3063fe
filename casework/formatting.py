"""Template filters: money, dates and times in Chinese conventions (¥1,800.00; 2025年7月20日; Beijing time)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import get_locale

from casework import labels

SHANGHAI = ZoneInfo("Asia/Shanghai")


def money(value: Decimal | str | None) -> str:
    if value is None or value == "":
        return "—"
    amount = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


def _zh() -> bool:
    return str(get_locale() or "zh").startswith("zh")


def day(value: date | None) -> str:
    if value is None:
        return "—"
    return f"{value.year}年{value.month}月{value.day}日" if _zh() else value.isoformat()


def isoday(value: str | None) -> str:
    """A contract date string (YYYY-MM-DD) shown like any other date."""
    return day(date.fromisoformat(value)) if value else "—"


def moment(value: datetime | None) -> str:
    """A stored UTC instant shown in Asia/Shanghai."""
    if value is None:
        return "—"
    local = value.astimezone(SHANGHAI)
    return f"{day(local.date())} {local:%H:%M}"


def label(code: str | None, table: str) -> Any:
    if code is None:
        return "—"
    return getattr(labels, table.upper()).get(code, code)


def refusal(code: str) -> Any:
    """A lifecycle refusal in words; `missing:event_on` names the missing field."""
    kind, _, name = code.partition(":")
    if kind == "missing":
        return f"{labels.MISSING_PREFIX}{labels.FIELD.get(name, name)}"
    if kind == "evidence":
        return f"{labels.EVIDENCE_PREFIX}{name}"
    return labels.REFUSAL.get(code, code)


def audit_value(value: Any, key: str) -> Any:
    """A value from the audit trail as people read it: coded values by their names."""
    if value is None:
        return "—"
    if key in ("state", "category", "role", "outcome", "event"):
        return label(value, key)
    return value


def param_text(value: Any) -> str:
    """A rule-table parameter as a person edits it: JSON for structures and booleans, plain text otherwise."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list | bool) else str(value)


def register(app: Flask) -> None:
    app.jinja_env.filters.update(money=money, day=day, moment=moment, label=label, audit_value=audit_value, isoday=isoday, refusal=refusal,
                                 param_text=param_text)
