"""Turning a stored assessment into what a person reads: labels, the rules applied with their quotes."""

from __future__ import annotations

from dataclasses import dataclass

from casework.domain.rules import AssessmentResult, RuleTable


@dataclass(frozen=True)
class AppliedRule:
    rule_id: str
    title: str
    citation: str
    quote: str


def applied_rules(table: RuleTable, result: AssessmentResult) -> list[AppliedRule]:
    """The rules whose result was 'applies', with their quoted original text, in the engine's order."""
    out = []
    for key, verdict in result["rule_results"].items():
        if verdict != "applies":
            continue
        rule_id, _, variant = key.partition("#")
        rows = [r for r in table.rules_by_id(rule_id) if (r.variant or "") == variant]
        if rows:
            rule = rows[-1]
            out.append(AppliedRule(rule_id, rule.title_zh, rule.label, rule.quote))
    return out
