"""The explaining engine: boundary → merits → time limits → reduction → quantum, as the contract orders."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from casework.domain.calendar import HolidayCalendar
from casework.domain.contract import CATEGORIES, date_or_none, format_date
from casework.domain.money import format_money
from casework.domain.rules import catalog
from casework.domain.rules.context import MISSING, NO, YES, ZERO, Ctx, Verdict
from casework.domain.rules.model import Rule
from casework.domain.rules.result import (
    INSUFFICIENT,
    LIABLE,
    NOT_LIABLE,
    OUTSIDE,
    REDUCED,
    TIME_BARRED,
    AssessmentResult,
    Citation,
    Deadline,
    Item,
    Outcome,
    RuleState,
    conclusion,
    numbered,
)
from casework.domain.rules.table import RuleTable

_PREDICATES = catalog.PREDICATES
_NOT_APPLICABLE_ZH = {"boundary": "属于供电企业的业务范围", "bar": "未超过期限"}
_NEGATIVE_ROLES = ("exemption", "zero")
_CONSEQUENCE_ZH: dict[str, str] = {
    "boundary": "不属于供电企业的业务范围",
    "exemption": "供电企业不承担赔偿责任",
    "zero": "依该规定不予赔偿",
    "basis": "供电企业应当承担赔偿责任",
    "bar": "已超过期限",
    "time_exempt": "不适用诉讼时效",
    "reduce": "法院可酌情减轻供电企业的责任，减轻幅度无法定比例",
}


def assess(case: Mapping[str, Any], table: RuleTable, calendar: HolidayCalendar | None = None) -> AssessmentResult:
    """Assess one contract case object against `table`; pure, deterministic, never raises on dicts."""
    return _Run(case, table, calendar).execute(collect_all=False)


def missing_facts(case: Mapping[str, Any], table: RuleTable, calendar: HolidayCalendar | None = None) -> list[str]:
    """Every fact the check still needs, across all stages it can reach (for live intake forms)."""
    return _Run(case, table, calendar).execute(collect_all=True)["missing_facts"]


class _Run:
    """The mutable record of one assessment; discarded after the result dict is built."""

    def __init__(self, case: Mapping[str, Any], table: RuleTable, calendar: HolidayCalendar | None) -> None:
        self.case: Mapping[str, Any] = case if type(case) is dict or isinstance(case, Mapping) else {}
        self.table = table
        self.calendar = calendar if calendar is not None else table.calendar
        self.steps: list[str] = []
        #: Citations by (instrument, article, version), in the order first cited; copied into the result.
        self.citations: dict[tuple[str, str, str], Citation] = {}
        self.flags: list[str] = []
        #: rule_results as it is built: a rule evaluated twice keeps its first position and last result.
        self.results: dict[str, RuleState] = {}
        #: Deadlines by (kind, due): the same deadline from two rules is listed once.
        self.deadlines: dict[tuple[str, date], Deadline] = {}
        self.missing: list[str] = []
        self.unverified: list[str] = []
        self.items: list[Item] = []

    # -- driver -----------------------------------------------------------------------
    def execute(self, collect_all: bool) -> AssessmentResult:
        category = self.case.get("category")
        event: date | None = date_or_none(self.case.get("event_date"))
        if category not in CATEGORIES or event is None:
            gaps = [k for k, ok in (("category", category in CATEGORIES), ("event_date", event is not None)) if not ok]
            self.missing.extend(gaps)
            self.steps.append(f"缺少确定适用规则所需的基本事实：{'、'.join(gaps)}")
            return self._result(INSUFFICIENT, None)
        assert isinstance(category, str)
        cal = self.calendar
        if "holidays" in self.case:
            cal = cal.with_holidays(_dates(self.case.get("holidays")))
        ctx = Ctx(self.case, self.table, cal, category, event, self.table.staged(category, event))
        self._intro(ctx)
        outcome: Outcome | None = None
        time_done = False
        for name, stage in _STAGES:
            if outcome is not None and not (collect_all and outcome == INSUFFICIENT):
                break
            if name == "quantum" and ctx.basis is None:
                break
            decided = stage(self, ctx)
            time_done = time_done or name == "time"
            if outcome is None:
                outcome = decided
            elif decided not in (None, INSUFFICIENT):
                break
        if outcome is None:
            outcome = LIABLE
        ctx.outcome = outcome
        if outcome != OUTSIDE and not time_done:
            self._deadlines_only(ctx)
        for rule in ctx.rules.note:
            self._eval(ctx, rule, notes=True)
        self._flag_unverified(ctx)
        return self._result(outcome, ctx)

    # -- stages -------------------------------------------------------------------------
    def _boundary(self, ctx: Ctx) -> Outcome | None:
        fired = False
        gaps: list[str] = []  # not list[str](): calling the generic alias costs ~0.3 µs
        for rule in ctx.rules.boundary:
            verdict = self._eval(ctx, rule)
            fired = fired or verdict.status == YES
            gaps.extend(verdict.missing)
        if fired:
            return OUTSIDE
        return self._gaps(gaps) if gaps else None

    def _merits(self, ctx: Ctx) -> Outcome | None:
        negative, basis = False, None
        gaps: list[str] = []
        for rule in ctx.rules.merits:
            if basis is not None and rule.role == "basis":
                continue  # a higher-priority basis already holds
            verdict = self._eval(ctx, rule)
            if verdict.status == ZERO or (verdict.status == YES and rule.role in _NEGATIVE_ROLES):
                negative = True
            elif verdict.status == YES and rule.role == "basis":
                basis = rule
            gaps.extend(verdict.missing)
        if negative:
            return NOT_LIABLE
        if gaps:
            return self._gaps(gaps)
        if basis is None:
            self.steps.append("责任依据：未发现使供电企业对本项请求承担赔偿责任的规定，请求缺乏法律依据——不予赔偿")
            return NOT_LIABLE
        ctx.basis = basis
        return None

    def _time(self, ctx: Ctx) -> Outcome | None:
        exempt, barred = False, False
        gaps: list[str] = []
        for rule in ctx.rules.time:
            if exempt:
                self._record(rule, "not_applicable")
                continue
            verdict = self._eval(ctx, rule)
            if verdict.due is not None and rule.deadline_kind:
                self._deadline(rule, verdict.due)
            if verdict.status == YES and rule.role == "time_exempt":
                exempt = True
            elif verdict.status == YES and rule.role == "bar":
                barred = True
            elif rule.role == "bar":
                gaps.extend(verdict.missing)
        if barred:
            return TIME_BARRED
        return self._gaps(gaps) if gaps else None

    def _deadlines_only(self, ctx: Ctx) -> None:
        """The time rules' deadlines, for a case decided before the time stage; their verdicts are not recorded."""
        for rule in ctx.rules.time:
            verdict = _PREDICATES[rule.predicate](ctx, rule)
            if verdict.due is not None and rule.deadline_kind:
                self._deadline(rule, verdict.due)

    def _reduction(self, ctx: Ctx) -> Outcome | None:
        reduced = False
        gaps: list[str] = []
        for rule in ctx.rules.reduction:
            verdict = self._eval(ctx, rule)
            reduced = reduced or verdict.status == YES
            gaps.extend(verdict.missing)
        if reduced:
            return REDUCED
        return self._gaps(gaps) if gaps else None

    def _quantum(self, ctx: Ctx) -> Outcome | None:
        basis = ctx.basis
        assert basis is not None and basis.formula is not None
        quantum = catalog.FORMULAS[basis.formula](ctx, basis)
        for measure in quantum.measures:
            self._applied(ctx, measure)
            self._record(measure, "applies")
        self.steps.extend(f"金额：{line}" for line in quantum.lines)
        if quantum.missing or quantum.amount is None:
            return self._gaps(list(quantum.missing))
        ctx.amount = quantum.amount
        self.items = quantum.items
        return None

    # -- one rule -----------------------------------------------------------------------
    def _eval(self, ctx: Ctx, rule: Rule, notes: bool = False) -> Verdict:
        verdict = _PREDICATES[rule.predicate](ctx, rule)
        status = verdict.status
        if status is NO:
            self.results[rule.result_key] = "not_applicable"
            if verdict.detail and not notes:
                tail = _NOT_APPLICABLE_ZH.get(rule.role, "不适用")
                self.steps.append(f"{rule.head}：{verdict.detail}——{tail}")
            return verdict
        if status is MISSING:
            if not notes:
                self.results[rule.result_key] = "undetermined"
                self.steps.append(f"{rule.head}：尚缺事实 {'、'.join(verdict.missing)}——无法判断")
            return verdict
        self.results[rule.result_key] = "applies"
        self._applied(ctx, rule)
        if verdict.flags:
            self._flag(*verdict.flags)
        detail = f"：{verdict.detail}" if verdict.detail else ""
        quote = "" if notes else rule.quote_suffix
        tail = "依该规定供电企业不承担赔偿责任" if status is ZERO else _CONSEQUENCE_ZH.get(rule.role, "")
        text = f"{rule.head}{detail}{quote}——{tail}" if tail else f"{rule.head}{detail}{quote}"
        if rule.role == "boundary":
            text += f"。{_redirect(rule, ctx)}"
        self.steps.append(text)
        return verdict

    def _applied(self, ctx: Ctx, rule: Rule) -> None:
        if rule.flags:
            self._flag(*rule.flags)
        if rule.confidence == "U":
            self.unverified.append(rule.unverified_zh)
        if ctx.event_date < rule.effective_from:
            self.unverified.append(rule.stands_in_zh)
        for name in rule.params:
            ctx.param(name)
        if rule.cite:
            self.citations.update(rule.citations_by_key)

    # -- bookkeeping --------------------------------------------------------------------
    def _intro(self, ctx: Ctx) -> None:
        text = f"适用规则表版本 {self.table.version}；案件类别 {ctx.category}；损害发生日 {format_date(ctx.event_date)}"
        self.steps.append(text + ctx.rules.versions_zh)

    def _record(self, rule: Rule, result: RuleState) -> None:
        self.results[rule.result_key] = result

    def _flag(self, *flags: str) -> None:
        for flag in flags:
            if flag not in self.flags:
                self.flags.append(flag)

    def _gaps(self, gaps: list[str]) -> Outcome:
        for path in gaps:
            if path not in self.missing:
                self.missing.append(path)
        return INSUFFICIENT

    def _deadline(self, rule: Rule, due: date) -> None:
        kind = rule.deadline_kind or ""  # only rules that name a deadline kind get here
        key = (kind, due)
        if key not in self.deadlines:
            citation = rule.citations[0].copy() if rule.citations else None
            self.deadlines[key] = {"kind": kind, "due": format_date(due), "citation": citation}

    def _flag_unverified(self, ctx: Ctx) -> None:
        for name, (row, out_of_range) in ctx.used_params.items():
            if not row.verified:
                self.unverified.append(f"参数 {name}（取值 {row.value}）未经核实，暂用默认值")
            elif out_of_range:
                self.unverified.append(f"参数 {name} 在损害发生日无有效取值，暂用最接近的取值 {row.value}")
        self.unverified.extend(ctx.cache.get("unverified_notes", ()))
        if self.unverified:
            self._flag("unverified_parameter")
            self.steps.append("须人工核对：" + "；".join(dict.fromkeys(self.unverified)))

    def _result(self, outcome: Outcome, ctx: Ctx | None) -> AssessmentResult:
        if outcome == LIABLE and ctx is not None and ctx.amount is not None:
            amount: str | None = format_money(ctx.amount)
        elif outcome in (REDUCED, INSUFFICIENT):
            amount = None
        else:
            amount = "0.00"
        self.steps.append(conclusion(outcome, amount, self.missing))
        return {
            "outcome": outcome,
            "amount": amount,
            "items": self.items if outcome == LIABLE else [],
            "citations": [citation.copy() for citation in self.citations.values()],
            "flags": self.flags,
            "missing_facts": self.missing,
            "deadlines": list(self.deadlines.values()),
            "rule_table_version": self.table.version,
            "explanation": numbered(self.steps),
            "rule_results": self.results,
        }


#: The stages, in the contract's order of analysis.
_STAGES: tuple[tuple[str, Callable[[_Run, Ctx], Outcome | None]], ...] = (
    ("boundary", _Run._boundary),
    ("merits", _Run._merits),
    ("time", _Run._time),
    ("reduction", _Run._reduction),
    ("quantum", _Run._quantum),
)


def _redirect(rule: Rule, ctx: Ctx) -> str:
    text = rule.redirect_zh
    if isinstance(text, Mapping):  # keyed by the facility owner, with a default
        text = text.get(str(ctx.top("facility_owner")), text.get("default", ""))
    return f"请求人应转向：{text}" if text else ""


def _dates(values: object) -> list[date]:
    if not isinstance(values, list):
        return []
    return [d for d in (date_or_none(v) for v in values) if d is not None]

