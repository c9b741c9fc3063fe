"""Shared predicate helpers: tri-state conjunction, named gates, Chinese formatting, generic tests."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from casework.domain.money import format_money, format_number
from casework.domain.rules.context import NOT_APPLICABLE, Ctx, Verdict, missing, no, yes
from casework.domain.rules.model import Rule
from casework.domain.rules.registry import predicate
from casework.domain.rules.words import CAUSE, EMPTY, Say, en, word
from casework.domain.rules.words import zh_date as zh_date

Tri = tuple[bool | None, tuple[str, ...]]

def zh_money(amount: Decimal) -> str:
    """4800.00元."""
    return f"{format_money(amount)}元"


def zh_num(value: Decimal) -> str:
    """A quantity without needless zeros."""
    return format_number(value)


def conj(conds: Iterable[tuple[bool | None, str]]) -> Tri:
    """AND over (result, path) pairs: any False decides False; otherwise unknowns are missing."""
    gaps: list[str] = []
    for ok, path in conds:
        if ok is False:
            return False, ()
        if ok is None:
            gaps.append(path)
    return (None, tuple(gaps)) if gaps else (True, ())


def eq(value: object, expected: object) -> bool | None:
    """Tri-state equality: None when the value is unknown."""
    return None if value is None else value == expected


def ha_scope(ctx: Ctx) -> Tri:
    """居民用户家用电器损坏处理办法 第二条、第三条: residential, 220/380 V, a listed event, utility line."""
    cached = ctx.cache.get("ha_scope")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    row = next((r for r in ctx.rules.merits if r.id == "ha_scope"), None)
    if row is None:
        result: Tri = (False, ())
    else:
        args = row.args
        fault = ctx.fact("fault_type")
        voltage = ctx.fact("supply_voltage_v")
        ctype = ctx.fact("customer_type")
        result = conj(
            [
                (None if ctype is None else ctype in args["customer_types"], "facts.customer_type"),
                (None if voltage is None else voltage in args["voltages"], "facts.supply_voltage_v"),
                (None if fault is None else fault in args["fault_types"], "facts.fault_type"),
                *_utility_line(ctx),
            ]
        )
    ctx.cache["ha_scope"] = result
    return result


def _utility_line(ctx: Ctx) -> list[tuple[bool | None, str]]:
    """居民用户家用电器损坏处理办法 第三条: 在供电企业负责运行维护的220/380伏供电线路或设备上."""
    owner = ctx.top("facility_owner")
    maintains = ctx.top("utility_maintains", "bool")
    if owner == "utility" or maintains is True:
        return [(True, "facility_owner")]
    if owner is None:
        return [(None, "facility_owner")]
    return [(None if maintains is None else False, "utility_maintains")]


def voltage_level(ctx: Ctx) -> Tri:
    """High voltage (True) when voltage_kv reaches the threshold parameter (以上 includes the number)."""
    cached = ctx.cache.get("voltage_level")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    kv = ctx.fact("voltage_kv", "qty")
    result: Tri = (None, ("facts.voltage_kv",)) if kv is None else (kv >= ctx.param_dec("hv_threshold_kv"), ())
    ctx.cache["voltage_level"] = result
    return result


def gate(ctx: Ctx, name: str) -> Tri:
    """Named regimes a rule row can restrict itself to (a fixed list, not an expression language)."""
    if name == "always":
        return True, ()
    if name in ("ha_in_scope", "ha_out_of_scope"):
        state, gaps = ha_scope(ctx)
        if state is None:
            return None, gaps
        return (state if name == "ha_in_scope" else not state), ()
    if name in ("high_voltage", "low_voltage"):
        hv, gaps = voltage_level(ctx)
        if hv is None:
            return None, gaps
        return (hv if name == "high_voltage" else not hv), ()
    if name == "no_employee":
        involved = ctx.fact("employee_involved", "bool")
        return (None, ("facts.employee_involved",)) if involved is None else (not involved, ())
    raise ValueError(f"unknown gate {name!r}")


def arg_detail(rule: Rule) -> Say:
    """A rule row's own `detail` text (Chinese in the table) with its English twin."""
    return _arg_detail(str(rule.args.get("detail", "")))


@lru_cache(maxsize=512)
def _arg_detail(text: str) -> Say:
    if not text:
        return EMPTY
    english = en(text)
    return Say(text, english[:1].lower() + english[1:])


@predicate("always")
def p_always(ctx: Ctx, rule: Rule) -> Verdict:
    """Holds for every case of the rule's categories (used by measures and version notes)."""
    return yes(arg_detail(rule))


@predicate("enum_in")
def p_enum_in(ctx: Ctx, rule: Rule) -> Verdict:
    """A fact takes one of the listed values (args: fact, values)."""
    key = rule.args["fact"]
    value = ctx.fact(key)
    if value is None:
        return missing(f"facts.{key}")
    if value in rule.args["values"]:
        return yes(arg_detail(rule))
    return NOT_APPLICABLE


@predicate("fact_true")
def p_fact_true(ctx: Ctx, rule: Rule) -> Verdict:
    """An optional boolean fact is explicitly true; absent means the point was not raised."""
    return yes(arg_detail(rule)) if ctx.fact(rule.args["fact"], "bool") is True else no()


@predicate("cause_in")
def p_cause_in(ctx: Ctx, rule: Rule) -> Verdict:
    """The established cause is one of `causes`, within the regime `gate`.

    Exemptions are for the utility to prove, so an absent `cause` means none was established.
    """
    state, gaps = gate(ctx, str(rule.args.get("gate", "always")))
    if state is False:
        return NOT_APPLICABLE
    cause = ctx.top("cause")
    if cause is None or cause not in rule.args["causes"]:
        return NOT_APPLICABLE
    if state is None:
        return missing(*gaps)
    said = word(CAUSE, cause)
    return yes(Say(f"损害原因为{said.zh}", f"the damage was caused by {said.en}"))


@predicate("fault_basis")
def p_fault_basis(ctx: Ctx, rule: Rule) -> Verdict:
    """Fault liability (民法典 第一千一百六十五条): needs the cause to be the utility's fault."""
    state, gaps = gate(ctx, str(rule.args.get("gate", "always")))
    if state is False:
        return NOT_APPLICABLE
    if state is None:
        return missing(*gaps)
    cause = ctx.top("cause")
    if cause is None:
        return missing("cause")
    if cause == "utility_fault":
        return yes(Say("损害由供电企业过错造成，依过错责任承担赔偿责任",
                       "the damage was caused by the utility's fault, so it is liable under fault liability"))
    said = word(CAUSE, cause)
    return no(Say(f"损害原因为{said.zh}，不能认定供电企业有过错",
                  f"the damage was caused by {said.en}, so no fault of the utility can be found"))
