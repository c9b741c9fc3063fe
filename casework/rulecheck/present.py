"""Turning a stored assessment into what a person reads: labels, the rules applied with their quotes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from casework.domain.contract import FACT_FIELDS, TOP_FIELDS, FieldSpec
from casework.domain.rules import RuleTable

_STEP = re.compile(r"^\[?(\w+)\]?(?:\[(\d+)\])?$")


@dataclass(frozen=True)
class AppliedRule:
    rule_id: str
    title: str
    citation: str
    quote: str


def applied_rules(table: RuleTable, result: dict[str, Any]) -> list[AppliedRule]:
    """The rules whose result was 'applies', with their quoted original text, in the engine's order."""
    out = []
    for key, verdict in (result.get("rule_results") or {}).items():
        if verdict != "applies":
            continue
        rule_id, _, variant = key.partition("#")
        rows = [r for r in table.rules_by_id(rule_id) if (r.variant or "") == variant]
        if rows:
            rule = rows[-1]
            out.append(AppliedRule(rule_id, rule.title_zh, rule.label, rule.quote))
    return out


def fact_label(category: str, path: str, english: bool = False) -> str:
    """'facts.appliances[0].purchase_date' → '损坏电器清单 第1项 购置日期' (or its English labels)."""
    parts = path.split(".")
    specs: dict[str, FieldSpec] | None = TOP_FIELDS
    words = []
    for part in parts:
        match = _STEP.match(part)
        name, index = (match.group(1), match.group(2)) if match else (part, None)
        spec = (specs or {}).get(name)
        if name == "facts":
            specs = FACT_FIELDS.get(category, {})
            continue
        words.append((spec.label_en if english else spec.label_zh) if spec else name)
        if index is not None:
            words.append(f"#{int(index) + 1}" if english else f"第{int(index) + 1}项")
        specs = dict(spec.items) if spec and spec.items else None
    return " ".join(words)
