"""Residential appliance predicates (居民用户家用电器损坏处理办法): scope, exemptions, 7-day window."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from casework.domain.calendar import period_end_days
from casework.domain.rules.context import NOT_APPLICABLE, Ctx, Verdict, missing, no, yes
from casework.domain.rules.model import Rule
from casework.domain.rules.preds_common import CAUSE_ZH, gate, ha_scope, zh_date
from casework.domain.rules.registry import predicate

_FAULT_ZH = {
    "phase_neutral_swapped": "相线与零线接错或三相相序接反", "neutral_broken": "零线断线",
    "phase_neutral_contact": "相线与零线互碰", "hv_onto_lv": "高压线路导线掉落或放电到220/380伏线路",
}


@predicate("ha_scope")
def p_ha_scope(ctx: Ctx, rule: Rule) -> Verdict:
    """居民用户家用电器损坏处理办法 第二条、第三条: which appliance claims the Measures govern."""
    state, gaps = ha_scope(ctx)
    if state is None:
        return missing(*gaps)
    if state:
        fault = _FAULT_ZH.get(str(ctx.fact("fault_type")), "")
        volts = ctx.fact("supply_voltage_v")
        return yes(f"居民用户，{volts}伏供电，在供电企业运行维护的线路上发生{fault}，适用家电办法")
    reasons = []
    if ctx.fact("customer_type") not in rule.args["customer_types"]:
        reasons.append("非居民用户")
    if ctx.fact("supply_voltage_v") not in rule.args["voltages"]:
        reasons.append("供电电压不是220/380伏")
    if ctx.fact("fault_type") not in rule.args["fault_types"]:
        reasons.append("故障不属于家电办法第三条所列事件")
    if not reasons:
        reasons.append("故障不在供电企业运行维护的线路上")
    return no("、".join(reasons) + "，不适用家电办法，按民法典一般规定处理")


@predicate("ha_exemption")
def p_ha_exemption(ctx: Ctx, rule: Rule) -> Verdict:
    """居民用户家用电器损坏处理办法 第六条: the utility proves the ground and a county authority confirms it."""
    cause = ctx.top("cause")
    if cause is None or cause not in rule.args["causes"]:
        return NOT_APPLICABLE
    state, gaps = ha_scope(ctx)
    if state is False:
        return NOT_APPLICABLE
    if state is None:
        return missing(*gaps)
    confirmed = ctx.top("cause_confirmed_by_authority", "bool")
    cause_zh = CAUSE_ZH.get(str(cause), str(cause))
    if confirmed is None:
        return missing("cause_confirmed_by_authority")
    if confirmed:
        return yes(f"损坏由{cause_zh}引起，并经县级以上电力管理部门核实")
    return no(f"供电企业主张{cause_zh}，但未经县级以上电力管理部门核实，不能免责")


def _ha_possible(ctx: Ctx) -> bool | None:
    state, _ = gate(ctx, "ha_in_scope")
    return state


@predicate("ha_report_late")
def p_ha_report_late(ctx: Ctx, rule: Rule) -> Verdict:
    """居民用户家用电器损坏处理办法 第七条: 七日内……未向供电企业投诉并提出索赔要求的……自动放弃索赔权.

    Counted under 民法典 第二百零一条、第二百零三条. A court may still hear the claim within the
    3-year limitation, hence the litigation_risk flag carried by the rule row.
    """
    state = _ha_possible(ctx)
    if state is False:
        return NOT_APPLICABLE
    days = int(ctx.param("ha_report_days"))
    due = period_end_days(ctx.event_date, days, ctx.cal)
    ctx.cache["periods_counted"] = True
    report = ctx.report_date
    if report is None:
        return Verdict("missing", "", ("report_date",), due)
    if state is None:
        _, gaps = ha_scope(ctx)
        return Verdict("missing", "", gaps, due)
    if report > due:
        return yes(f"损坏之日{zh_date(ctx.event_date)}起{days}日的最后一日为{zh_date(due)}，{zh_date(report)}才投诉索赔", due)
    return no(f"{zh_date(report)}投诉索赔，在{days}日期限（至{zh_date(due)}）内", due)


@predicate("ha_investigation_due")
def p_ha_investigation_due(ctx: Ctx, rule: Rule) -> Verdict:
    """居民用户家用电器损坏处理办法 第四条: 应在24小时内派员赴现场进行调查、核实."""
    if _ha_possible(ctx) is False:
        return NOT_APPLICABLE
    report = ctx.report_date
    if report is None:
        return NOT_APPLICABLE
    hours = int(ctx.param("ha_investigation_hours"))
    # The contract gives dates only; 24 hours after a report on day D end on day D+1.
    due = report + timedelta(days=-(-hours // 24))
    return yes(f"供电企业应在接到投诉后{hours}小时内（至迟{zh_date(due)}）派员赴现场调查、核实", due)


def _appliances(ctx: Ctx) -> list[Mapping[str, object]]:
    items = ctx.fact("appliances")
    if not isinstance(items, list):
        return []
    return [a for a in items if isinstance(a, Mapping)]


@predicate("ha_covered")
def p_ha_covered(ctx: Ctx, rule: Rule) -> Verdict:
    """居民用户家用电器损坏处理办法 第五条: joint registration of the damaged appliances."""
    if ha_scope(ctx)[0] is True and ctx.outcome != "outside_service_boundary":
        return yes("供电企业应会同居委会（村委会）登记取证，登记笔录由受害居民用户签字确认")
    return NOT_APPLICABLE


@predicate("ha_no_invoice")
def p_ha_no_invoice(ctx: Ctx, rule: Rule) -> Verdict:
    """居民用户家用电器损坏处理办法 第十条: without an invoice, the proven state price at the proven date."""
    if ha_scope(ctx)[0] is not True or ctx.basis is None:
        return NOT_APPLICABLE
    names = [str(a.get("name") or "") for a in _appliances(ctx) if a.get("invoice") is False]
    if not names:
        return NOT_APPLICABLE
    return yes(f"{'、'.join(names)}无购货发票，价格以受害居民用户举证并经核查的购置日价格为准")


@predicate("ha_paid_irreparable")
def p_ha_paid_irreparable(ctx: Ctx, rule: Rule) -> Verdict:
    """居民用户家用电器损坏处理办法 第十条: 清偿后，损坏的家用电器归属供电企业所有."""
    if ctx.outcome != "liable" or ctx.basis is None or ctx.basis.formula != "appliance_ha":
        return NOT_APPLICABLE
    if any(a.get("repairable") is False for a in _appliances(ctx)):
        return yes("清偿后，不可修复的损坏电器归供电企业所有")
    return NOT_APPLICABLE


@predicate("ha_third_party")
def p_ha_third_party(ctx: Ctx, rule: Rule) -> Verdict:
    """居民用户家用电器损坏处理办法 (third-party article, number unverified): the utility assists."""
    confirmed = ctx.top("cause_confirmed_by_authority", "bool") is True
    if ctx.top("cause") == "third_party" and confirmed and ha_scope(ctx)[0] is True:
        return yes("损坏由第三人责任引起，供电企业应协助受害居民用户向第三人索赔")
    return NOT_APPLICABLE


@predicate("claim_differs")
def p_claim_differs(ctx: Ctx, rule: Rule) -> Verdict:
    """居民用户家用电器损坏处理办法 (dispute article, number unverified): mediation, then court."""
    if ctx.outcome != "liable" or ctx.amount is None:
        return NOT_APPLICABLE  # decided before parsing the claimed amount, which only matters when liable
    claimed = ctx.top("claimed_amount", "money")
    if claimed is None or claimed == ctx.amount:
        return NOT_APPLICABLE
    return yes(f"请求金额{claimed}元与核定金额{ctx.amount}元不一致；协商不成的，可请县级以上电力管理部门调解，或向法院起诉")
