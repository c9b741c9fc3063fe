"""The explaining engine: boundary → merits → time limits → reduction → quantum, as the contract orders."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from casework.domain.calendar import HolidayCalendar
from casework.domain.contract import CATEGORIES, date_or_none, format_date
from casework.domain.money import format_money
from casework.domain.rules import catalog, words
from casework.domain.rules.context import MISSING, NO, YES, ZERO, Ctx, Verdict
from casework.domain.rules.model import Rule
from casework.domain.rules.preds_boundary import redirect
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
    numbered,
    numbered_en,
)
from casework.domain.rules.table import RuleTable
from casework.domain.rules.words import EMPTY, Say

_PREDICATES = catalog.PREDICATES
_NOT_APPLICABLE = {"boundary": Say("属于供电企业的业务范围", "the matter is the utility's business"),
                   "bar": Say("未超过期限", "the time limit has not run out")}
_DOES_NOT_APPLY = Say("不适用", "does not apply")
_NEGATIVE_ROLES = ("exemption", "zero")
_CONSEQUENCE: dict[str, Say] = {
    "boundary": Say("不属于供电企业的业务范围", "the matter is not the utility's business"),
    "exemption": Say("供电企业不承担赔偿责任", "the utility is not liable"),
    "zero": Say("依该规定不予赔偿", "under this provision nothing is owed"),
    "basis": Say("供电企业应当承担赔偿责任", "the utility is liable"),
    "agreement": Say("供电企业应按协议履行", "the utility must perform the agreement"),
    "bar": Say("已超过期限", "the time limit has run out"),
    "time_exempt": Say("不适用诉讼时效", "no limitation period applies"),
    "reduce": Say("法院可酌情减轻供电企业的责任，减轻幅度无法定比例",
                  "a court may reduce the utility's liability at its discretion, by no fixed proportion"),
}
#: How a liability basis ends when the claim does not end in liability: the basis holds, the outcome is elsewhere
#: (a reader must not hear "应当承担赔偿责任" in a claim that is out of time or undecided).
_BASIS_TAIL: dict[str, Say] = {
    TIME_BARRED: Say("依此规定供电企业本应承担赔偿责任，但请求已超过期限（见时限部分）",
                     "under this provision the utility would be liable, but the claim is out of time (see the time "
                     "limits)"),
    INSUFFICIENT: Say("如其余事实成立，供电企业应当承担赔偿责任",
                      "the utility is liable if the remaining facts are established"),
    NOT_LIABLE: Say("依此规定供电企业本应承担赔偿责任，但另有规定排除其责任",
                    "under this provision the utility would be liable, but another provision excludes it"),
    OUTSIDE: Say("但本案不属于供电企业的业务范围", "but the matter is not the utility's business"),
}
_ZERO_TAIL = Say("依该规定供电企业不承担赔偿责任", "under this provision the utility is not liable")
_NO_BASIS = Say("责任依据：未发现使供电企业对本项请求承担赔偿责任的规定，请求缺乏法律依据——不予赔偿",
                "Basis of liability: no provision makes the utility liable for this claim, so the claim has no legal "
                "basis — nothing is owed")
_CONCLUSION: dict[str, Say] = {
    NOT_LIABLE: Say("结论：供电企业不承担赔偿责任", "Conclusion: the utility is not liable"),
    REDUCED: Say("结论：供电企业应承担责任，但法院可酌情减轻，金额待定",
                 "Conclusion: the utility is liable, but a court may reduce its liability; the amount is open"),
    TIME_BARRED: Say("结论：请求已超过期限", "Conclusion: the claim is out of time"),
    OUTSIDE: Say("结论：不属于供电企业的业务范围，请求人应向上述主体主张",
                 "Conclusion: the matter is not the utility's business; the claimant should turn to the party named above"),
}
_CHECK = Say("请核对官方文本后再据此作出决定", "check the official text before deciding on this basis")


def assess(case: Mapping[str, Any], table: RuleTable, calendar: HolidayCalendar | None = None) -> AssessmentResult:
    """Assess one contract case object against `table`; pure, deterministic, never raises on dicts.

    A missing fact is asked for only when it can change the outcome (issue 15, D5): see `_Settle`."""
    return _Settle(table, calendar).answer(case).result


def missing_facts(case: Mapping[str, Any], table: RuleTable, calendar: HolidayCalendar | None = None) -> list[str]:
    """Every fact the check still needs, across all stages it can reach (for live intake forms); a fact the
    assessment found cannot change its outcome is not asked for."""
    needed = _Run(case, table, calendar).execute(collect_all=True)["missing_facts"]
    if not needed:
        return needed
    dropped = _Settle(table, calendar).answer(case).dropped
    return [path for path in needed if path not in dropped]


class _Run:
    """The mutable record of one assessment; discarded after the result dict is built."""

    def __init__(self, case: Mapping[str, Any], table: RuleTable, calendar: HolidayCalendar | None) -> None:
        self.case: Mapping[str, Any] = case if type(case) is dict or isinstance(case, Mapping) else {}
        self.table = table
        self.calendar = calendar if calendar is not None else table.calendar
        self.steps: list[Say] = []
        #: One sentence per decided rule (by result key), applying it to this claim's facts.
        self.findings: dict[str, Say] = {}
        #: Citations by (instrument, article, version), in the order first cited; copied into the result.
        self.citations: dict[tuple[str, str, str], Citation] = {}
        self.flags: list[str] = []
        #: rule_results as it is built: a rule evaluated twice keeps its first position and last result.
        self.results: dict[str, RuleState] = {}
        #: Deadlines by (kind, due): the same deadline from two rules is listed once.
        self.deadlines: dict[tuple[str, date], Deadline] = {}
        self.missing: list[str] = []
        self.unverified: list[Say] = []
        #: What the officer must check by hand before relying on the result (unverified texts and values).
        self.to_verify: list[Say] = []
        self.items: list[Item] = []
        #: The 须人工核对 step, kept apart so a settled answer can merge those of its branches (`_Settle`).
        self.verify_step: Say | None = None
        #: Each liability basis said (step index, result key, detail, tail), reworded if the claim ends otherwise.
        self.basis_said: list[tuple[int, str, Say, Say]] = []

    # -- driver -----------------------------------------------------------------------
    def execute(self, collect_all: bool) -> AssessmentResult:
        category = self.case.get("category")
        event: date | None = date_or_none(self.case.get("event_date"))
        if category not in CATEGORIES or event is None:
            gaps = [k for k, ok in (("category", category in CATEGORIES), ("event_date", event is not None)) if not ok]
            self.missing.extend(gaps)
            said = words.facts_list("", gaps)
            self.steps.append(Say(f"缺少确定适用规则所需的基本事实：{said.zh}",
                                  f"The basic facts needed to choose the rules are missing: {said.en}"))
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
            if rule.role == "agreement":  # a signed agreement on this damage governs it (民法典 第四百六十五条)
                if verdict.status == ZERO:
                    return NOT_LIABLE
                if verdict.status == YES:
                    ctx.basis = rule
                    return None
                gaps.extend(verdict.missing)
                continue
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
            self.steps.append(_NO_BASIS)
            return NOT_LIABLE
        ctx.basis = basis
        return None

    def _time(self, ctx: Ctx) -> Outcome | None:
        exempt, barred = False, False
        gaps: list[str] = []
        # A claim on a signed agreement is not timed by the original damage's windows (rows marked for_agreement).
        agreed = ctx.basis is not None and ctx.basis.role == "agreement"
        for rule in ctx.rules.time:
            if exempt or agreed != bool(rule.args.get("for_agreement")):
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
            lines = quantum.notes.get(str(measure.args.get("method", measure.id))) or quantum.lines
            if lines:
                self.findings[measure.result_key] = _sentence(words.join(lines), EMPTY)
        self.steps.extend(Say(f"金额：{line.zh}", f"Amount: {line.en}") for line in quantum.lines)
        if quantum.missing or quantum.amount is None:
            return self._gaps(list(quantum.missing))
        ctx.amount = quantum.amount
        self.items = quantum.items
        for rule in ctx.rules.adjust:  # an agreed sum, then the deductions from the actual loss
            assert rule.formula is not None
            adjusted = catalog.FORMULAS[rule.formula](ctx, rule)
            self.steps.extend(Say(f"金额：{line.zh}", f"Amount: {line.en}") for line in adjusted.lines)
            if adjusted.amount is None:
                continue
            self._applied(ctx, rule)
            self._record(rule, "applies")
            self._flag(*adjusted.flags)
            self.findings[rule.result_key] = _sentence(words.join(adjusted.lines), EMPTY)
            ctx.amount = adjusted.amount
        return None

    # -- one rule -----------------------------------------------------------------------
    def _eval(self, ctx: Ctx, rule: Rule, notes: bool = False) -> Verdict:
        verdict = _PREDICATES[rule.predicate](ctx, rule)
        status = verdict.status
        detail = verdict.detail
        if status is NO:
            self.results[rule.result_key] = "not_applicable"
            if detail.zh and not notes:
                tail = _NOT_APPLICABLE.get(rule.role, _DOES_NOT_APPLY)
                head = rule.head
                self.steps.append(Say(f"{head.zh}：{detail.zh}——{tail.zh}", f"{head.en}: {detail.en} — {tail.en}"))
                self.findings[rule.result_key] = _sentence(detail, tail)
            return verdict
        if status is MISSING:
            if not notes:
                self.results[rule.result_key] = "undetermined"
                head, gaps = rule.head, words.facts_list(ctx.category, verdict.missing)
                self.steps.append(Say(f"{head.zh}：尚缺{gaps.zh}——无法判断",
                                      f"{head.en}: still missing {gaps.en} — cannot be decided"))
            return verdict
        self.results[rule.result_key] = "applies"
        self._applied(ctx, rule)
        if verdict.flags:
            self._flag(*verdict.flags)
        quote = EMPTY if notes else rule.quote_suffix
        tail = _ZERO_TAIL if status is ZERO else _CONSEQUENCE.get(rule.role, EMPTY)
        head = rule.head
        zh = f"{head.zh}：{detail.zh}{quote.zh}" if detail.zh else f"{head.zh}{quote.zh}"
        en = f"{head.en}: {detail.en}" if detail.en else head.en
        if tail.zh:
            zh, en = f"{zh}——{tail.zh}", f"{en} — {tail.en}"
        if rule.role == "boundary":
            redirect = _redirect(rule, ctx)
            zh, en = f"{zh}。{redirect.zh}", f"{en}. {redirect.en}"
        elif rule.role == "basis" and tail.zh and not notes:
            self.basis_said.append((len(self.steps), rule.result_key, detail, tail))
        self.steps.append(Say(zh, en))
        self.findings[rule.result_key] = _sentence(detail, tail) if detail.zh or tail.zh else _applies(rule)
        return verdict

    def _applied(self, ctx: Ctx, rule: Rule) -> None:
        if rule.flags:
            self._flag(*rule.flags)
        if rule.confidence == "U":
            self.unverified.append(rule.unverified_say)
        if ctx.event_date < rule.effective_from:
            self.unverified.append(rule.stands_in_say)
        for name in rule.params:
            ctx.param(name)
        if rule.cite:
            self.citations.update(rule.citations_by_key)

    # -- bookkeeping --------------------------------------------------------------------
    def _intro(self, ctx: Ctx) -> None:
        cat, when, versions = words.word(words.CATEGORY, ctx.category), words.day(ctx.event_date), ctx.rules.versions_say
        self.steps.append(Say(
            f"适用规则表第{self.table.version}版；案件类别为{cat.zh}；损害发生于{when.zh}{versions.zh}",
            f"Rule table version {self.table.version} applies; the claim is for {cat.en}; the damage occurred on "
            f"{when.en}{versions.en}"))

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
            if not row.verified or out_of_range:
                what, value = words.param_name(name), words.param_value(row.value, row.unit)
                where = row.source.label() if row.source else ""
                cited = f"（{where}）" if where else ""
                if not row.verified:
                    self.unverified.append(Say(f"{what.zh}{cited}暂按{value.zh}计算，该取值尚未核实",
                                               f"the {what.en} is taken as {value.en}, a value not yet verified"))
                else:
                    self.unverified.append(Say(f"{what.zh}在损害发生日没有有效取值，暂用最接近的取值{value.zh}",
                                               f"the {what.en} has no value in force on the date of the damage; the "
                                               f"nearest value, {value.en}, is used"))
        self.unverified.extend(ctx.cache.get("unverified_notes", ()))
        if self.unverified:
            self._flag("unverified_parameter")
            notes = list(dict.fromkeys(self.unverified))
            self.to_verify = notes
            self.verify_step = _verify_step(notes)
            self.steps.append(self.verify_step)

    def _basis_as_concluded(self, tail: Say) -> None:
        """The basis steps end as the claim ends: "本应承担……但已超过期限", never a bare "应当承担赔偿责任"."""
        for index, key, detail, said in self.basis_said:
            step = self.steps[index]
            self.steps[index] = Say(step.zh[: len(step.zh) - len(said.zh)] + tail.zh,
                                    step.en[: len(step.en) - len(said.en)] + tail.en)
            if detail.zh or tail.zh:
                self.findings[key] = _sentence(detail, tail)

    def _result(self, outcome: Outcome, ctx: Ctx | None) -> AssessmentResult:
        if outcome == LIABLE and ctx is not None and ctx.amount is not None:
            amount: str | None = format_money(ctx.amount)
        elif outcome in (REDUCED, INSUFFICIENT):
            amount = None
        else:
            amount = "0.00"
        if outcome in _BASIS_TAIL:
            self._basis_as_concluded(_BASIS_TAIL[outcome])
        self.steps.append(_conclusion(outcome, amount, self.missing, ctx.category if ctx else ""))
        steps = self.steps
        result: AssessmentResult = {
            "outcome": outcome,
            "amount": amount,
            "items": self.items if outcome == LIABLE else [],
            "citations": [citation.copy() for citation in self.citations.values()],
            "flags": self.flags,
            "missing_facts": self.missing,
            "deadlines": list(self.deadlines.values()),
            "rule_table_version": self.table.version,
            "explanation": numbered([s.zh for s in steps]),
            "rule_results": self.results,
            "explanation_en": numbered_en([s.en for s in steps]),
            "findings": {key: {"zh": s.zh, "en": s.en} for key, s in self.findings.items()},
        }
        if self.to_verify:
            result["to_verify"] = [{"zh": s.zh, "en": s.en} for s in self.to_verify]
        return result


#: The stages, in the contract's order of analysis.
_STAGES: tuple[tuple[str, Callable[[_Run, Ctx], Outcome | None]], ...] = (
    ("boundary", _Run._boundary),
    ("merits", _Run._merits),
    ("time", _Run._time),
    ("reduction", _Run._reduction),
    ("quantum", _Run._quantum),
)


def _verify_step(notes: list[Say]) -> Say:
    said = words.join(notes)
    return Say(f"须人工核对：{said.zh}。{_CHECK.zh}",
               f"To be checked by hand: {said.en}. {_CHECK.en[:1].upper()}{_CHECK.en[1:]}")


class _Answer:
    """One assessment with the sentences it was built from (a settled answer merges its branches' sentences)."""

    __slots__ = ("dropped", "result", "steps", "verify_step")

    def __init__(self, result: AssessmentResult, steps: list[Say], verify_step: Say | None,
                 dropped: frozenset[str] = frozenset()) -> None:
        self.result, self.steps, self.verify_step, self.dropped = result, steps, verify_step, dropped

    @property
    def key(self) -> tuple[object, ...]:
        """What must agree for a missing fact not to matter: the outcome, the amount and the provisions it rests on
        (a decision names one legal basis, not "one of these")."""
        r = self.result
        cited = frozenset((c["instrument"], c["article"], c.get("version", "")) for c in r["citations"])
        return r["outcome"], r["amount"], cited

    def reasoning(self, known: set[Say]) -> list[Say]:
        """This answer's own steps: neither the conclusion, nor the 须人工核对 list, nor a step of `known`."""
        return [s for s in self.steps[:-1] if s != self.verify_step and s not in known]


#: The most engine runs one assessment may spend trying the values of missing facts; past it, the facts
#: still undecided are asked for (the safe side: asking too much, never deciding on a guess).
SETTLE_BUDGET = 64


class _Settle:
    """Decide without a missing fact that cannot change the outcome (issue 15, D5; the contract: "a fact that a
    rule needs but that is missing is not guessed").

    When the check stops for lack of a boolean or enumerated fact, it is run again with each value the contract
    allows for it (each run settled the same way, so facts are judged together). If every value decides the case
    with the same outcome and amount on the same provisions, the fact is not needed: the result is that common
    outcome, and the explanation says what each value would lead to — it asserts no value. Facts of other kinds (dates, amounts) are asked for as before.
    """

    def __init__(self, table: RuleTable, calendar: HolidayCalendar | None) -> None:
        self.table, self.calendar, self.runs = table, calendar, 0

    def answer(self, case: Mapping[str, Any]) -> _Answer:
        run = _Run(case, self.table, self.calendar)
        self.runs += 1
        answer = _Answer(run.execute(collect_all=False), run.steps, run.verify_step)
        case = run.case
        category = case.get("category")
        if (answer.result["outcome"] != INSUFFICIENT or category not in CATEGORIES
                or not isinstance(case.get("facts"), Mapping)):
            return answer  # no rule was reached without a category and facts: nothing to settle
        for path in answer.result["missing_facts"]:
            values = words.fact_values(str(category), path)
            if path == "category" or not values or self.runs + len(values) > SETTLE_BUDGET:
                continue
            branches = [self.answer(_with_fact(case, path, value)) for value in values]
            # Only a decided common result settles: branches that all still lack facts may depend on this one
            # jointly with those (a clause and the power factor, each needed once the other is known).
            if len({branch.key for branch in branches}) == 1 and branches[0].result["outcome"] != INSUFFICIENT:
                return _merged(answer, path, str(category), list(zip(values, branches, strict=True)))
        return answer


def _with_fact(case: Mapping[str, Any], path: str, value: object) -> dict[str, Any]:
    """A copy of `case` with the fact at `path` (`cause`, `facts.x`, `facts.appliances[0].x`) set to `value`."""
    out: dict[str, Any] = dict(case)
    head, _, rest = path.partition(".")
    if not rest:
        out[head] = value
        return out
    facts = dict(out.get("facts") or {})
    out["facts"] = facts
    name, _, field = rest.partition(".")
    if not field:
        facts[name] = value
        return out
    key, _, index = name.rstrip("]").partition("[")
    rows = [dict(row) if isinstance(row, Mapping) else row for row in facts.get(key) or []]
    rows[int(index)][field] = value
    facts[key] = rows
    return out


def _merged(base: _Answer, path: str, category: str, branches: list[tuple[object, _Answer]]) -> _Answer:
    """The common outcome of every value of `path`, explained branch by branch."""
    first = branches[0][1].result
    result: AssessmentResult = dict(first)  # type: ignore[assignment]
    citations: dict[tuple[str, str, str], Citation] = {}
    flags: list[str] = []
    deadlines: dict[tuple[str, str], Deadline] = {}
    verify: list[Say] = []
    for _, branch in branches:
        r = branch.result
        for citation in r["citations"]:
            citations.setdefault((citation["instrument"], citation["article"], citation.get("version", "")), citation)
        flags.extend(flag for flag in r["flags"] if flag not in flags)
        for deadline in r["deadlines"]:
            deadlines.setdefault((deadline["kind"], deadline["due"]), deadline)
        verify.extend(Say(note["zh"], note["en"]) for note in r.get("to_verify", ()))
    # What the input itself decided stands; a rule left undetermined for want of the fact (or not reached) takes
    # the state every branch agrees on.
    results = dict(base.result["rule_results"])
    findings = dict(base.result["findings"])
    for key, state in first["rule_results"].items():
        if results.get(key, "undetermined") == "undetermined" and all(
                b.result["rule_results"].get(key) == state for _, b in branches):
            results[key] = state
    for key, finding in first["findings"].items():
        if all(b.result["findings"].get(key) == finding for _, b in branches):
            findings.setdefault(key, finding)
    label = words.fact_label(category, path)
    known = set(base.steps)
    steps = [s for s in base.steps[:-1] if s != base.verify_step]
    values = [words.fact_value(category, path, value) for value, _ in branches]
    own = [branch.reasoning(known) for _, branch in branches]
    common = [step for step in own[0] if all(step in other for other in own[1:])]  # said once, after the branches
    for what, reasoning in zip(values, own, strict=True):
        said = words.join(step for step in reasoning if step not in common)
        steps.append(Say(f"若“{label.zh}”为“{what.zh}”：{said.zh}", f"If \"{label.en}\" were \"{what.en}\": {said.en}"))
    either = (Say(f"无论为“{values[0].zh}”还是“{values[1].zh}”", f"whether \"{values[0].en}\" or \"{values[1].en}\"")
              if len(values) == 2 else Say("无论为其中哪一种", "whichever it is"))
    outcome = words.word(words.OUTCOME, first["outcome"])
    steps.append(Say(f"“{label.zh}”不影响结论：{either.zh}，结论均为{outcome.zh}，故无需补充该事实",
                     f"\"{label.en}\" does not change the result: {either.en}, {outcome.en}, so it is not needed"))
    steps.extend(common)
    notes = list(dict.fromkeys(verify))
    verify_step = _verify_step(notes) if notes else None
    if verify_step is not None:
        steps.append(verify_step)
    steps.append(_conclusion(first["outcome"], first["amount"], list(first["missing_facts"]), category))
    result.update({
        "citations": list(citations.values()), "flags": flags, "deadlines": list(deadlines.values()),
        "rule_results": results, "findings": findings,
        "explanation": numbered([s.zh for s in steps]), "explanation_en": numbered_en([s.en for s in steps]),
    })
    result.pop("to_verify", None)
    if notes:
        result["to_verify"] = [{"zh": s.zh, "en": s.en} for s in notes]
    dropped = frozenset({path}).union(*(b.dropped for _, b in branches))
    return _Answer(result, steps, verify_step, dropped)


def _redirect(rule: Rule, ctx: Ctx) -> Say:
    return redirect(rule, ctx)  # by facility owner, claimant and category: preds_boundary


@lru_cache(maxsize=8192)  # most findings recur word for word across a batch (the notes, the fixed sentences)
def _sentence(detail: Say, tail: Say) -> Say:
    """A finding: "本案……，供电企业不承担赔偿责任。" — a lawyer's sentence about this claim, no number, no citation.

    A rule's general note (the same for every claim) is said as what the provision requires, not as a fact.
    """
    if words.is_general(detail):
        zh, en = f"依此规定，{detail.zh}", f"Under this provision, {detail.en}"
    else:
        zh, en = f"本案{detail.zh}" if detail.zh else "本案", f"In this claim, {detail.en}" if detail.en else "In this claim"
    if tail.zh:
        zh, en = f"{zh}，{tail.zh}", (f"{en}; accordingly, {tail.en}" if detail.en else f"{en}, {tail.en}")
    return Say(f"{zh}。", f"{en}.")


def _applies(rule: Rule) -> Say:
    return Say(f"本案适用“{rule.title_zh}”的规定。", f"In this claim, the rule \"{rule.title_en}\" applies.")


def _conclusion(outcome: Outcome, amount: str | None, gaps: list[str], category: str) -> Say:
    """The explanation's last step."""
    if outcome == LIABLE:
        owed = words.money(Decimal(amount or "0"))
        return Say(f"结论：供电企业应赔偿{owed.zh}", f"Conclusion: the utility owes {owed.en}")
    if outcome == INSUFFICIENT:
        said = words.facts_list(category, gaps)
        return Say(f"结论：事实不足，尚需补充{said.zh}", f"Conclusion: the facts are not sufficient; still needed: {said.en}")
    return _CONCLUSION[outcome]


def _dates(values: object) -> list[date]:
    if not isinstance(values, list):
        return []
    return [d for d in (date_or_none(v) for v in values) if d is not None]

