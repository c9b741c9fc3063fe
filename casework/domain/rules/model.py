"""Rows of the rule table: a rule (identity, citation, quote, dates, predicate) and a parameter."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from casework.domain.rules.result import Citation
from casework.domain.rules.words import Say, citation, day, rule_title_en

#: The order of analysis of the contract, then notes (informative rules that decide nothing).
STAGES = ("boundary", "merits", "time", "reduction", "quantum", "note")
#: What a rule that holds does, per stage.
ROLES = {
    "boundary": ("boundary",),
    "merits": ("exemption", "zero", "basis", "agreement"),
    "time": ("bar", "time_exempt", "deadline", "note"),
    "reduction": ("reduce",),
    "quantum": ("measure", "adjust"),
    "note": ("note",),
}
CONFIDENCE = ("V", "PV", "U")
_STAGE = {"boundary": Say("服务边界", "Service boundary"), "merits": Say("责任依据", "Basis of liability"),
          "time": Say("时限", "Time limits"), "reduction": Say("减责", "Reduction"), "quantum": Say("金额", "Amount")}
_NOTE = Say("说明", "Note")


@dataclass(frozen=True)
class Source:
    """One provision a rule rests on, cited exactly as REFERENCE.md writes it."""

    instrument: str
    article: str | None
    version: str | None = None

    def citation(self) -> Citation:
        """The contract's citation object; `version` only where the instrument has versions."""
        out: Citation = {"instrument": self.instrument, "article": self.article or ""}
        if self.version:
            out["version"] = self.version
        return out

    def label(self) -> str:
        """《供电营业规则》（2024年版）第九十七条 — for explanations."""
        ver = f"（{self.version}年版）" if self.version else ""
        return f"《{self.instrument}》{ver}{self.article or ''}"

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {"instrument": self.instrument, "article": self.article, "version": self.version}


def _source(data: Mapping[str, Any]) -> Source:
    return Source(str(data["instrument"]), data.get("article"), data.get("version"))


def _date(value: Any) -> date | None:
    return None if value in (None, "") else date.fromisoformat(str(value))


@dataclass(frozen=True)
class Rule:
    """One row of the rule table. Its logic is a named predicate (and formula) from the registry."""

    id: str
    title_zh: str
    categories: tuple[str, ...]
    stage: str
    role: str
    order: int
    predicate: str
    sources: tuple[Source, ...]
    quote: str
    effective_from: date
    confidence: str
    effective_to: date | None = None
    variant: str | None = None
    formula: str | None = None
    args: Mapping[str, Any] = field(default_factory=dict)
    params: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    cite: bool = True
    redirect_zh: Any = None
    deadline_kind: str | None = None
    before_effective: str | None = None
    note: str = ""

    def in_force_or_fallback(self, on: date) -> bool:
        """In force on `on`, or an earlier date it may stand in for (flagged by the engine)."""
        if self.effective_to is not None and on > self.effective_to:
            return False
        return on >= self.effective_from or self.before_effective == "flag"

    @cached_property
    def citations(self) -> tuple[Citation, ...]:
        """The contract citation objects of the sources that name an article (computed once)."""
        return tuple(s.citation() for s in self.sources if s.article)

    @cached_property
    def citations_by_key(self) -> Mapping[tuple[str, str, str], Citation]:
        """The citations by dedup key (instrument, article, version), so the engine merges them in one step.

        A key determines its citation, so merging a key already cited changes nothing.
        """
        return {(c["instrument"], c["article"], c.get("version", "")): c for c in self.citations}

    @cached_property
    def title_en(self) -> str:
        """The rule's title in English."""
        return rule_title_en(self.id, self.variant, self.title_zh)

    @cached_property
    def title(self) -> Say:
        """The rule's title in both languages."""
        return Say(self.title_zh, self.title_en)

    @cached_property
    def head(self) -> Say:
        """"时限：七日内投诉索赔（《居民用户家用电器损坏处理办法》第七条）" — an explanation line's start."""
        stage = _STAGE.get(self.stage, _NOTE)
        cited = self.cited
        return Say(f"{stage.zh}：{self.title_zh}" + (f"（{cited.zh}）" if cited.zh else ""),
                   f"{stage.en}: {self.title_en}" + (f" ({cited.en})" if cited.en else ""))

    @cached_property
    def quote_suffix(self) -> Say:
        """The quoted original text, appended to the explanation of a rule that applies (Chinese only: the
        official text has no English version, and the English line names the provision instead)."""
        return Say(f"。原文：「{self.quote}」", "") if self.quote else Say("", "")

    @cached_property
    def unverified_say(self) -> Say:
        """The note for the officer when this rule applies with its article unverified (confidence U)."""
        cited = self.cited
        where = Say(f"“{self.title_zh}”所依据的{cited.zh}" if cited.zh else f"“{self.title_zh}”",
                    f"{cited.en}, on which \"{self.title_en}\" rests" if cited.en else f"\"{self.title_en}\"")
        return Say(f"{where.zh}的条文或条号尚未核实", f"the text or article number of {where.en} is not yet verified")

    @cached_property
    def stands_in_say(self) -> Say:
        """The note for the officer when this rule applies to an event before it took effect."""
        since = day(self.effective_from)
        return Say(f"“{self.title_zh}”自{since.zh}起施行，本案事件发生在此之前，暂以其替代当时的法律",
                   f"\"{self.title_en}\" took effect on {since.en}, after this event; it stands in for the law of the "
                   "time")

    @cached_property
    def result_key(self) -> str:
        """This row's key in a result's `rule_results`: the id, or `id#variant`."""
        return f"{self.id}#{self.variant}" if self.variant else self.id

    @cached_property
    def label(self) -> str:
        """The rule's sources for an explanation line, articles grouped under their instrument."""
        return self.cited.zh

    @cached_property
    def label_en(self) -> str:
        """The rule's sources in English: Civil Code of the PRC, Art. 1240."""
        return self.cited.en

    @cached_property
    def cited(self) -> Say:
        """The rule's sources in both languages, articles grouped under their instrument."""
        groups: dict[tuple[str, str | None], list[str]] = {}
        for source in self.sources:
            if source.article:
                groups.setdefault((source.instrument, source.version), []).append(source.article)
        parts = [citation(instrument, version, articles) for (instrument, version), articles in groups.items()]
        return Say("；".join(p.zh for p in parts), "; ".join(p.en for p in parts))

    def to_dict(self) -> dict[str, Any]:
        """Plain data in the shape `parse_rule` reads."""
        return {
            "id": self.id,
            "variant": self.variant,
            "title_zh": self.title_zh,
            "categories": list(self.categories),
            "stage": self.stage,
            "role": self.role,
            "order": self.order,
            "predicate": self.predicate,
            "formula": self.formula,
            "args": dict(self.args),
            "params": list(self.params),
            "flags": list(self.flags),
            "sources": [s.to_dict() for s in self.sources],
            "quote": self.quote,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "confidence": self.confidence,
            "cite": self.cite,
            "redirect_zh": self.redirect_zh,
            "deadline_kind": self.deadline_kind,
            "before_effective": self.before_effective,
            "note": self.note,
        }


def parse_rule(data: Mapping[str, Any]) -> Rule:
    """Build a Rule from plain data, rejecting unknown stages, roles and confidence marks."""
    stage, role = str(data["stage"]), str(data["role"])
    if stage not in ROLES or role not in ROLES[stage]:
        raise ValueError(f"rule {data.get('id')!r}: role {role!r} is not allowed in stage {stage!r}")
    confidence = str(data.get("confidence", "V"))
    if confidence not in CONFIDENCE:
        raise ValueError(f"rule {data.get('id')!r}: confidence must be one of {CONFIDENCE}")
    start = _date(data["effective_from"])
    if start is None:
        raise ValueError(f"rule {data.get('id')!r}: effective_from is required")
    return Rule(
        id=str(data["id"]),
        variant=data.get("variant"),
        title_zh=str(data["title_zh"]),
        categories=tuple(data["categories"]),
        stage=stage,
        role=role,
        order=int(data.get("order", 0)),
        predicate=str(data["predicate"]),
        formula=data.get("formula"),
        args=dict(data.get("args") or {}),
        params=tuple(data.get("params") or ()),
        flags=tuple(data.get("flags") or ()),
        sources=tuple(_source(s) for s in data["sources"]),
        quote=str(data["quote"]),
        effective_from=start,
        effective_to=_date(data.get("effective_to")),
        confidence=confidence,
        cite=bool(data.get("cite", True)),
        redirect_zh=data.get("redirect_zh"),
        deadline_kind=data.get("deadline_kind"),
        before_effective=data.get("before_effective"),
        note=str(data.get("note") or ""),
    )


@dataclass(frozen=True)
class Parameter:
    """A dated value the rules use (a life in years, a rate, a multiplier), with its verification mark."""

    name: str
    value: Any
    effective_from: date
    verified: bool
    effective_to: date | None = None
    source: Source | None = None
    unit: str | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain data in the shape `parse_parameter` reads."""
        return {
            "name": self.name,
            "value": self.value,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "verified": self.verified,
            "source": self.source.to_dict() if self.source else None,
            "unit": self.unit,
            "note": self.note,
        }


def parse_parameter(data: Mapping[str, Any]) -> Parameter:
    """Build a Parameter from plain data; `verified` must be stated, never assumed."""
    if not isinstance(data.get("verified"), bool):
        raise ValueError(f"parameter {data.get('name')!r}: verified must be true or false")
    start = _date(data["effective_from"])
    if start is None:
        raise ValueError(f"parameter {data.get('name')!r}: effective_from is required")
    src = data.get("source")
    return Parameter(
        name=str(data["name"]),
        value=data["value"],
        effective_from=start,
        verified=data["verified"],
        effective_to=_date(data.get("effective_to")),
        source=_source(src) if src else None,
        unit=data.get("unit"),
        note=str(data.get("note") or ""),
    )


@dataclass(frozen=True)
class StagedRules:
    """The rules of one category in force on one date, grouped by stage and sorted by `order`."""

    boundary: tuple[Rule, ...] = ()
    merits: tuple[Rule, ...] = ()
    time: tuple[Rule, ...] = ()
    reduction: tuple[Rule, ...] = ()
    note: tuple[Rule, ...] = ()
    measures: Mapping[str, Rule] = field(default_factory=dict)
    #: Quantum rules that change the computed amount (an agreed sum, a deduction), in order.
    adjust: tuple[Rule, ...] = ()
    #: instrument → (version in force, the date that version's rows start): for the explanation.
    versions: Mapping[str, tuple[str, date]] = field(default_factory=dict)
    #: Parameter rows in force for the whole segment, with their out-of-range mark (filled by the table).
    params: dict[str, tuple[Parameter, bool]] = field(default_factory=dict)

    @cached_property
    def versions_say(self) -> Say:
        """The explanation's note on the instrument versions applied (built once per segment, not per case)."""
        zh, en = "", ""
        for instrument, (version, since) in self.versions.items():
            when, name = day(since), citation(instrument, None, []).en
            zh += f"；按损害发生日适用《{instrument}》{version}年版（{when.zh}起施行的版本）"
            en += f"; by the date of the damage, the {version} version of the {name} applies (in force from {when.en})"
        return Say(zh, en)

    @classmethod
    def build(cls, rules: Iterable[Rule]) -> StagedRules:
        """Group and sort; a quantum-stage rule is a measure looked up by its `method` arg."""
        ordered = sorted(rules, key=lambda r: (r.order, r.id, r.variant or ""))
        groups: dict[str, list[Rule]] = {s: [] for s in STAGES}
        measures: dict[str, Rule] = {}
        adjust: list[Rule] = []
        for rule in ordered:
            if rule.stage == "quantum" and rule.role == "adjust":
                adjust.append(rule)
            elif rule.stage == "quantum":
                measures[str(rule.args.get("method", rule.id))] = rule
            else:
                groups[rule.stage].append(rule)
        return cls(
            boundary=tuple(groups["boundary"]),
            merits=tuple(groups["merits"]),
            time=tuple(groups["time"]),
            reduction=tuple(groups["reduction"]),
            note=tuple(groups["note"]),
            measures=measures,
            adjust=tuple(adjust),
            versions=_versions(ordered),
        )


def _versions(rules: Iterable[Rule]) -> dict[str, tuple[str, date]]:
    found: dict[str, tuple[str, date]] = {}
    for rule in rules:
        for source in rule.sources:
            if source.version:
                known = found.get(source.instrument)
                if known is None or rule.effective_from < known[1]:
                    found[source.instrument] = (source.version, rule.effective_from)
    return found
