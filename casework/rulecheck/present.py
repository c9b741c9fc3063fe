"""Turning a stored assessment into what a person reads: labels, the rules applied with their quotes."""

from __future__ import annotations

from dataclasses import dataclass, field

from casework.domain.rules import AssessmentResult, RuleTable, words
from casework.domain.rules.provisions import Provision, provisions_of
from casework.domain.rules.result import Deadline


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
    title_en: str = ""
    citation_en: str = ""

    def title_in(self, english: bool) -> str:
        """The title in the reader's language."""
        return (self.title_en or self.title) if english else self.title

    def citation_in(self, english: bool) -> str:
        """The citation in the reader's language."""
        return (self.citation_en or self.citation) if english else self.citation

    def finding_in(self, english: bool) -> str:
        """The finding in the reader's language; "" for assessments stored before findings were written."""
        return self.finding.get("en" if english else "zh", "")


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
                                   dict(findings.get(key) or {}), rule.title_en, rule.label_en))
    return out


@dataclass(frozen=True)
class DeadlineLine:
    kind: str
    due: str
    citation: str


def deadline_lines(result: AssessmentResult, english: bool) -> list[DeadlineLine]:
    """The deadlines by date, earliest first, each with its provision in the reader's language."""
    out = []
    for d in sorted(result.get("deadlines") or [], key=lambda d: d["due"]):
        out.append(DeadlineLine(d["kind"], d["due"], _cite(d, english)))
    return out


def _cite(deadline: Deadline, english: bool) -> str:
    c = deadline.get("citation")
    if not c:
        return ""
    said = words.citation(c["instrument"], c.get("version"), [c["article"]] if c.get("article") else [])
    return said.en if english else said.zh


def to_verify(result: AssessmentResult, english: bool) -> list[str]:
    """What the officer must check before deciding, in words; [] for results stored before this was recorded."""
    return [note.get("en" if english else "zh", "") for note in result.get("to_verify") or []]


def explanation(result: AssessmentResult, english: bool) -> tuple[list[str], bool]:
    """(lines, in the reader's language?) — a result stored before English was recorded falls back to Chinese."""
    if english and result.get("explanation_en"):
        return list(result["explanation_en"]), True
    return list(result["explanation"]), not english
