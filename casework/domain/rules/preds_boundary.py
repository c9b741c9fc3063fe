"""Boundary-of-service predicates: is the claim the utility's business at all?"""

from __future__ import annotations

from casework.domain.rules.context import NOT_APPLICABLE, Ctx, Verdict, missing, no, yes
from casework.domain.rules.model import Rule
from casework.domain.rules.preds_common import OWNER_ZH
from casework.domain.rules.registry import predicate


@predicate("outside_supply_area")
def p_outside_supply_area(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国电力法 第二十五条: a utility supplies only inside its approved business area."""
    if ctx.top("in_supply_area", "bool") is False:
        return yes("损害地点不在本供电企业批准的供电营业区内")
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
        return no("故障设施产权属于供电企业")
    if owner is None:
        if ctx.category in rule.args.get("required_for", ()):
            return missing("facility_owner")
        return NOT_APPLICABLE
    owner_zh = OWNER_ZH.get(str(owner), str(owner))
    if maintains is True:
        return no(f"故障设施产权属于{owner_zh}，但由供电企业运行维护，仍属供电企业的业务")
    if maintains is None:
        return missing("utility_maintains")
    return yes(f"故障设施产权属于{owner_zh}，且不由供电企业运行维护")


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
        return no("员工在执行工作任务时造成损害")
    return yes("损害由员工在执行工作任务以外的个人行为造成，不是用人单位的侵权")


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
    return yes("员工因执行工作任务造成他人损害，由用人单位承担侵权责任") if on_duty else no()


@predicate("land_expropriated")
def p_land_expropriated(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国土地管理法 第四十八条: expropriation compensation is paid through the expropriation."""
    if ctx.fact("land_expropriated", "bool") is True:
        return yes("杆塔、线路用地已依法征收，补偿属征收补偿程序")
    return NOT_APPLICABLE
