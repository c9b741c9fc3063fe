"""Predicates of informative rules: they decide nothing, they tell the officer what else follows."""

from __future__ import annotations

from decimal import Decimal

from casework.domain.rules.context import NOT_APPLICABLE, Ctx, Verdict, no, yes
from casework.domain.rules.model import Rule
from casework.domain.rules.preds_common import arg_detail, zh_num
from casework.domain.rules.registry import predicate
from casework.domain.rules.words import Say


@predicate("facility_owner_known")
def p_facility_owner_known(ctx: Ctx, rule: Rule) -> Verdict:
    """民法典 第六百五十条; 条例 第二十六条; 供电营业规则 1996 第四十七条: where the boundary lies."""
    if ctx.top("facility_owner") is None:
        return NOT_APPLICABLE
    return yes(arg_detail(rule))


@predicate("basis_formula")
def p_basis_formula(ctx: Ctx, rule: Rule) -> Verdict:
    """The liability basis is measured by the named formula (e.g. actual loss, 民法典 第五百八十四条)."""
    basis = ctx.basis
    if basis is None or basis.formula != rule.args["formula"] or ctx.outcome == "not_liable":
        return NOT_APPLICABLE
    return yes(arg_detail(rule))


@predicate("basis_established")
def p_basis_established(ctx: Ctx, rule: Rule) -> Verdict:
    """A liability basis holds and the case did not end as exempt or barred."""
    if ctx.basis is None or ctx.outcome in ("not_liable", "time_barred", "outside_service_boundary"):
        return NOT_APPLICABLE
    return yes(arg_detail(rule))


@predicate("outcome_liable")
def p_outcome_liable(ctx: Ctx, rule: Rule) -> Verdict:
    """The utility owes an amount."""
    return yes(arg_detail(rule)) if ctx.outcome == "liable" else no()


@predicate("zone_width")
def p_zone_width(ctx: Ctx, rule: Rule) -> Verdict:
    """电力设施保护条例 第十条: the protection zone's half-width by line voltage."""
    kv: Decimal | None = ctx.fact("line_voltage_kv", "qty")
    if kv is None:
        return NOT_APPLICABLE
    for band in ctx.param("zone_half_width_m"):
        if Decimal(str(band["min_kv"])) <= kv <= Decimal(str(band["max_kv"])):
            return yes(Say(f"{zh_num(kv)}千伏架空线路保护区为导线边线向外侧延伸{band['metres']}米（一般地区）",
                           f"the protection zone of a {zh_num(kv)} kV overhead line extends {band['metres']} m "
                           "outward from the outer conductors (ordinary areas)"))
    return no(Say(f"{zh_num(kv)}千伏不在第十条所列电压等级内",
                  f"{zh_num(kv)} kV is not one of the voltage levels listed in Article 10"))


@predicate("boundary_in_question")
def p_boundary_in_question(ctx: Ctx, rule: Rule) -> Verdict:
    """供电营业规则 1996 第四十七条: where the boundary point lies when the contract fixes none. It bears on a claim
    only when the failed facility is said to be someone else's; when it is the utility's, nothing turns on it."""
    owner = ctx.top("facility_owner")
    if owner is None or owner == "utility":
        return NOT_APPLICABLE
    return yes(arg_detail(rule))


@predicate("outage_outlasts")
def p_outage_outlasts(ctx: Ctx, rule: Rule) -> Verdict:
    """供电营业规则 1996 第六十九条 (三日), 2024 第七十二条 (二十四小时): supply restored within that time after the cause
    is removed. It bears on a claim only when the outage lasted longer (args: hours); a shorter one was restored
    in time whenever its cause was removed."""
    hours: Decimal | None = ctx.fact("outage_hours", "qty")
    if hours is None or hours <= Decimal(str(rule.args["hours"])):
        return NOT_APPLICABLE
    return yes(arg_detail(rule))


@predicate("fact_in")
def p_fact_in(ctx: Ctx, rule: Rule) -> Verdict:
    """A note on a fact that takes one of the listed values (args: fact, values); an absent fact is no gap, the
    note simply does not bear on the claim (电力设施保护条例 第十四条: only a victim who did the act)."""
    return yes(arg_detail(rule)) if ctx.fact(rule.args["fact"]) in rule.args["values"] else NOT_APPLICABLE
