"""Boundary-of-service predicates: is the claim the utility's business at all?"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from casework.domain.rules.context import NOT_APPLICABLE, Ctx, Verdict, missing, no, yes
from casework.domain.rules.model import Rule
from casework.domain.rules.registry import predicate
from casework.domain.rules.words import EMPTY, OWNER, Say, en, word


@predicate("outside_supply_area")
def p_outside_supply_area(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国电力法 第二十五条: a utility supplies only inside its approved business area."""
    if ctx.top("in_supply_area", "bool") is False:
        return yes(Say("损害地点不在本供电企业批准的供电营业区内",
                       "the place of the damage is outside this utility's approved power supply business area"))
    return NOT_APPLICABLE


@predicate("facility_not_utility")
def p_facility_not_utility(ctx: Ctx, rule: Rule) -> Verdict:
    """供电营业规则 1996 第五十一条 / 2024 第五十四条: the owner of a facility answers for accidents on it.

    Courts look past ownership where the utility maintains the facility, so maintenance keeps
    the claim inside the boundary. Where `args.required_for` lists the category, the owner must
    be known; elsewhere (outage, quality) the outage cause already places the fault.
    """
    owner = ctx.top("facility_owner")
    maintains = ctx.top("utility_maintains", "bool")
    if owner == "utility":
        return no(Say("故障设施产权属于供电企业", "the faulty facility is owned by the utility"))
    if owner is None:
        if ctx.category in rule.args.get("required_for", ()):
            return missing("facility_owner")
        return NOT_APPLICABLE
    who = word(OWNER, owner)
    if maintains is True:
        return no(Say(f"故障设施产权属于{who.zh}，但由供电企业运行维护，仍属供电企业的业务",
                      f"the faulty facility is owned by {who.en} but run and maintained by the utility, so the "
                      "matter is still the utility's business"))
    if maintains is None:
        return missing("utility_maintains")
    return yes(Say(f"故障设施产权属于{who.zh}，且不由供电企业运行维护",
                   f"the faulty facility is owned by {who.en} and not run or maintained by the utility"))


@predicate("employee_off_duty")
def p_employee_off_duty(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法典 第一千一百九十一条: only harm done in performing a work task is the employer's."""
    involved = ctx.fact("employee_involved", "bool")
    if involved is None:
        return missing("facts.employee_involved")
    if not involved:
        return NOT_APPLICABLE
    on_duty = ctx.fact("employee_on_duty", "bool")
    if on_duty is None:
        return missing("facts.employee_on_duty")
    if on_duty:
        return no(Say("员工在执行工作任务时造成损害", "the employee caused the harm while performing a work task"))
    return yes(Say("损害由员工在执行工作任务以外的个人行为造成，不是用人单位的侵权",
                   "the harm was caused by the employee's private act outside any work task, not by the employer"))


@predicate("employee_on_duty")
def p_employee_on_duty(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法典 第一千一百九十一条: the employer answers for harm done in a work task."""
    involved = ctx.fact("employee_involved", "bool")
    if involved is None:
        return missing("facts.employee_involved")
    if not involved:
        return NOT_APPLICABLE
    on_duty = ctx.fact("employee_on_duty", "bool")
    if on_duty is None:
        return missing("facts.employee_on_duty")
    said = Say("员工因执行工作任务造成他人损害，由用人单位承担侵权责任",
               "the employee caused the harm in performing a work task, so the employer is liable in tort")
    return yes(said) if on_duty else no()


@predicate("land_expropriated")
def p_land_expropriated(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国土地管理法 第四十八条: expropriation compensation is paid through the expropriation."""
    if ctx.fact("land_expropriated", "bool") is True:
        return yes(Say("杆塔、线路用地已依法征收，补偿属征收补偿程序",
                       "the land of the tower or line was lawfully expropriated, so compensation belongs to the "
                       "expropriation procedure"))
    return NOT_APPLICABLE


#: Who is claimed against depends on whether the claimant owns the facility: by default an injured person does
#: not (a passer-by), and a supply customer claiming for appliances, an outage or quality owns the customer-side
#: facility; `claimant_is_facility_owner` says otherwise when it is given.
_OWNER_BY_DEFAULT = ("appliance", "outage", "power_quality")


def redirect(rule: Rule, ctx: Ctx) -> Say:
    """Where the claimant should turn instead, for a boundary rule that holds.

    `redirect_zh` is a text, or a mapping tried in this order: `{owner}:own` / `own` (the claimant owns the
    facility: his own responsibility, 电力供应与使用条例 第十七条), `{owner}:injury_hv` / `{owner}:injury_lv` (an
    injured person claims from the operator, 民法典 第一千二百四十条, or, below high voltage, from the owner or
    manager at fault, 第一千一百六十五条), `{owner}`, `default`.
    """
    text = rule.redirect_zh
    own = False
    if isinstance(text, Mapping):
        owner = str(ctx.top("facility_owner"))
        said = ctx.top("claimant_is_facility_owner", "bool")
        own = said if said is not None else (owner == "customer" and ctx.category in _OWNER_BY_DEFAULT)
        keys: list[str] = []
        if own:
            keys += [f"{owner}:own", "own"]
        elif ctx.category == "injury":
            kv = ctx.fact("voltage_kv", "qty")
            if kv is not None:
                level = "injury_hv" if kv >= Decimal(str(ctx.param("hv_threshold_kv"))) else "injury_lv"
                keys.append(f"{owner}:{level}")
        keys += [owner, "default"]
        text = next((text[k] for k in keys if text.get(k)), "")
    if not text:
        return EMPTY
    if own:
        return Say(f"故障设施属请求人自有：{text}", f"The faulty facility is the claimant's own: {en(str(text))}")
    return Say(f"请求人应转向：{text}", f"The claimant should turn to {en(str(text))}")
