"""Turning a stored assessment into what a person reads: labels, the rules applied with their quotes."""

from __future__ import annotations

from dataclasses import dataclass, field

from casework.domain.rules import AssessmentResult, RuleTable
from casework.domain.rules.provisions import Provision, provisions_of


@dataclass(frozen=True)
class AppliedRule:
    rule_id: str
    title: str
    citation: str
    quote: str
    #: every provision the rule rests on, in full (the whole article or paragraph relied on)
    provisions: list[Provision] = field(default_factory=list)
    #: one sentence applying the rule to this claim's facts, {"zh": …, "en": …}; empty for assessments
    #: stored before the engine wrote findings
    finding: dict[str, str] = field(default_factory=dict)


def applied_rules(table: RuleTable, result: AssessmentResult) -> list[AppliedRule]:
    """The rules whose result was 'applies', with their full provisions and finding, in the engine's order."""
    findings = result.get("findings") or {}  # absent from results stored before findings were written
    out = []
    for key, verdict in result["rule_results"].items():
        if verdict != "applies":
            continue
        rule_id, _, variant = key.partition("#")
        rows = [r for r in table.rules_by_id(rule_id) if (r.variant or "") == variant]
        if rows:
            rule = rows[-1]
            out.append(AppliedRule(rule_id, rule.title_zh, rule.label, rule.quote, provisions_of(rule),
                                   dict(findings.get(key) or {})))
    return out
