"""The facts of a claim in words: what the case page, the decision page and the dossier show of a case's stored
contract facts. Pure: stored dicts in, labelled rows out; every value through the label catalogue, never a code."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import has_app_context
from flask_babel import force_locale

from casework.domain.contract import FACT_FIELDS, TOP_FIELDS, FieldSpec, date_or_none
from casework.domain.money import format_yuan
from casework.ui import labels
from casework.ui.filters import day, language

log = logging.getLogger("casework")

# The circumstances a person reads beside the category's facts, in this order. The dates of the event and report
# and the claimed amount are the case's own fields (shown above the facts); extra holidays are the check's input.
CIRCUMSTANCES = ("cause", "facility_owner", "utility_maintains", "cause_confirmed_by_authority", "knew_date",
                 "in_supply_area", "limitation_interruptions")


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class Table:
    """A list of items (the damaged appliances): one row per item, one column per fact of an item."""

    label: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def text(self) -> str:
        """One line per item, for the dossier and the history: '电冰箱：电器类别 电机类（12年），购置价格 ¥3,600.00…'."""
        lines = []
        for row in self.rows:
            head, *rest = row
            lines.append(f"{head}：" + "，".join(f"{c} {v}" for c, v in zip(self.columns[1:], rest, strict=True)))
        return "；".join(lines)


@dataclass(frozen=True)
class Facts:
    rows: tuple[Row, ...]
    tables: tuple[Table, ...]


def say(text: Any, lang: str) -> str:
    """A catalogue label in `lang`, whatever the page's language (the dossier is Chinese from an English page)."""
    if not has_app_context() or lang == language():  # the page's own language: no switch (a history has hundreds)
        return str(text)
    with force_locale(lang):
        return str(text)


def spec_label(spec: FieldSpec, lang: str) -> str:
    return spec.label_en if lang == "en" else spec.label_zh


def choice(name: str, spec: FieldSpec | None, value: Any, lang: str) -> str:
    """An enum value by its catalogue name; the contract's Chinese name if the catalogue lacks it; never the code."""
    found = labels.FACT_CHOICE.get(name, {}).get(value)
    if found is not None:
        return say(found, lang)
    for code, words in spec.choices if spec else ():
        if code == value:
            return words
    log.warning("no label for %s=%r", name, value)
    return say(labels.OTHER, lang)


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def word(name: str, spec: FieldSpec | None, value: Any, lang: str) -> str:
    """One stored fact as a person reads it: 是/否, 2025年7月20日, ¥1,234.00, an enum's name; a missing fact 未填写."""
    if value is None or value == "" or value == []:
        return say(labels.NOT_FILLED, lang)
    kind = spec.kind if spec else ""
    if kind == "enum":
        return choice(name, spec, value, lang)
    if isinstance(value, bool) or kind == "bool":
        return say(labels.YES if value else labels.NO, lang)
    if kind == "date":
        found = date_or_none(value) if isinstance(value, str) else value if isinstance(value, date) else None
        return day(found, lang) if found else str(value)
    if kind == "date_list" and isinstance(value, list):
        return "、".join(word(name, FieldSpec("date", "", ""), v, lang) for v in value)
    if kind == "money":
        amount = _decimal(value)
        return format_yuan(amount) if amount is not None else str(value)
    if kind in ("quantity", "count"):
        amount = _decimal(value)
        return f"{amount.normalize():f}" if amount is not None else str(value)
    if isinstance(value, list | dict):  # a shape the contract does not describe here: its values, never a repr
        items = value.values() if isinstance(value, dict) else value
        return "、".join(word(name, None, v, lang) for v in items)
    return str(value)


def item_table(category: str, name: str, items: Any, lang: str) -> Table:
    """A list of items (the appliances) as a table: the contract's item fields are its columns, the extension
    columns (foreign currency) only when an item has them."""
    spec = FACT_FIELDS.get(category, {}).get(name)
    fields = dict(spec.items or {}) if spec else {}
    rows_in = [i for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []
    keys = [k for k, s in fields.items() if not s.extension or any(k in i for i in rows_in)]
    rows = []
    for item in rows_in:
        cells = []
        for key in keys:
            if key == "repair_cost" and item.get("repairable") is False and item.get(key) in (None, ""):
                cells.append(say(labels.NOT_APPLICABLE, lang))  # nothing to repair: not a gap in the file
            else:
                cells.append(word(key, fields[key], item.get(key), lang))
        rows.append(tuple(cells))
    label = spec_label(spec, lang) if spec else say(labels.OTHER, lang)
    return Table(label, tuple(spec_label(fields[k], lang) for k in keys), tuple(rows))


def claim_facts(category: str, circumstances: Mapping[str, Any] | None, facts: Mapping[str, Any] | None,
                lang: str | None = None) -> Facts:
    """The claim's facts in words: the circumstances that decide liability, then the category's own facts, every
    fact of the contract listed (未填写 when missing; optional extensions only when stated), lists as tables."""
    lang = lang or language()
    circumstances, facts = circumstances or {}, facts or {}
    rows: list[Row] = []
    tables: list[Table] = []
    for key in CIRCUMSTANCES:
        spec = TOP_FIELDS[key]
        optional = spec.extension or spec.kind == "date_list" or key == "knew_date"
        if optional and circumstances.get(key) in (None, "", []):
            continue  # its absence means the default (the event date, no interruption)
        rows.append(Row(spec_label(spec, lang), word(key, spec, circumstances.get(key), lang)))
    for key, spec in FACT_FIELDS.get(category, {}).items():
        value = facts.get(key)
        if spec.kind == "object_list":
            tables.append(item_table(category, key, value or [], lang))
        elif spec.extension and value in (None, ""):
            continue
        else:
            rows.append(Row(spec_label(spec, lang), word(key, spec, value, lang)))
    return Facts(tuple(rows), tuple(tables))
