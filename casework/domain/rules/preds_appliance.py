"""Residential appliance predicates (居民用户家用电器损坏处理办法): scope, exemptions, 7-day window."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from casework.domain.calendar import count_days
from casework.domain.rules.context import NOT_APPLICABLE, Ctx, Verdict, missing, no, yes
from casework.domain.rules.model import Rule
from casework.domain.rules.preds_common import gate, ha_scope
from casework.domain.rules.preds_time import counted
from casework.domain.rules.registry import predicate
from casework.domain.rules.words import CAUSE, EMPTY, FAULT, Say, day, join, money, word


@predicate("ha_scope")
def p_ha_scope(ctx: Ctx, rule: Rule) -> Verdict:
    """居民用户家用电器损坏处理办法 第二条、第三条: which appliance claims the Measures govern."""
    state, gaps = ha_scope(ctx)
    if state is None:
        return missing(*gaps)
    if state:
        fault = word(FAULT, ctx.fact("fault_type"))
        volts = ctx.fact("supply_voltage_v")
        return yes(Say(f"请求人为居民用户，{volts}伏供电，在供电企业运行维护的线路上发生{fault.zh}，适用家电办法",
                       f"the claimant is a residential customer supplied at {volts} V, and {fault.en} occurred on a line "
                       "the utility runs and maintains, so the Appliance Measures apply"))
    reasons = []
    if ctx.fact("customer_type") not in rule.args["customer_types"]:
        reasons.append(Say("请求人不是居民用户", "the claimant is not a residential customer"))
    if ctx.fact("supply_voltage_v") not in rule.args["voltages"]:
        reasons.append(Say("供电电压不是220/380伏", "the supply voltage is not 220/380 V"))
    if ctx.fact("fault_type") not in rule.args["fault_types"]:
        reasons.append(Say("故障不属于家电办法第三条所列事件", "the fault is not one of the events listed in Article 3"))
    if not reasons:
        reasons.append(Say("故障不在供电企业运行维护的线路上", "the fault was not on a line the utility runs and maintains"))
    said = join(reasons, "、", ", ")
    return no(Say(said.zh + "，不适用家电办法，按民法典一般规定处理",
                  said.en + ", so the Appliance Measures do not apply and the general rules of the Civil Code do"))


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
    said = word(CAUSE, cause)
    if confirmed is None:
        return missing("cause_confirmed_by_authority")
    if confirmed:
        return yes(Say(f"损坏由{said.zh}引起，并经县级以上电力管理部门核实",
                       f"the damage was caused by {said.en}, as confirmed by a power authority at county level or above"))
    return no(Say(f"供电企业主张损坏由{said.zh}引起，但未经县级以上电力管理部门核实，不能免责",
                  f"the utility says the damage was caused by {said.en}, but no power authority at county level or "
                  "above has confirmed it, so the utility is not exempt"))


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
    count = count_days(ctx.event_date, days, ctx.cal)
    due = count.end
    counted(ctx, Say(f"{days}日投诉索赔期限", f"the {days}-day period to complain and claim"), count, decisive=True)
    report = ctx.report_date
    if report is None:
        return Verdict("missing", EMPTY, ("report_date",), due)
    if state is None:
        _, gaps = ha_scope(ctx)
        return Verdict("missing", EMPTY, gaps, due)
    ev, dd, rp = day(ctx.event_date), day(due), day(report)
    if report > due:
        return yes(Say(f"损坏发生于{ev.zh}，{days}日期限的最后一日为{dd.zh}，请求人{rp.zh}才投诉索赔，"
                       "依本办法视为放弃索赔权；但这只是向供电企业索赔的期限，请求人仍可在三年诉讼时效期间内向人民法院"
                       "起诉（民法典第一百八十八条），法院是否支持须另行评估",
                       f"the damage occurred on {ev.en}; the {days}-day period ended on {dd.en}, and the claimant "
                       f"complained and claimed only on {rp.en}, which the Measures treat as giving up the claim; this "
                       "is only the period for claiming from the utility, and the claimant may still sue in a people's "
                       "court within the three-year limitation period (Civil Code, Art. 188), with what a court would "
                       "allow to be assessed separately"), due)
    return no(Say(f"请求人{rp.zh}投诉索赔，在{days}日期限（至{dd.zh}）内",
                  f"the claimant complained and claimed on {rp.en}, within the {days}-day period (ending {dd.en})"), due)


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
    dd = day(due)
    return yes(Say(f"供电企业应在接到投诉后{hours}小时内（至迟{dd.zh}）派员赴现场调查、核实",
                   f"the utility must send staff to investigate and verify on site within {hours} hours of the "
                   f"complaint (by {dd.en} at the latest)"), due)


def _appliances(ctx: Ctx) -> list[Mapping[str, object]]:
    items = ctx.fact("appliances")
    if not isinstance(items, list):
        return []
    return [a for a in items if isinstance(a, Mapping)]


@predicate("ha_covered")
def p_ha_covered(ctx: Ctx, rule: Rule) -> Verdict:
    """居民用户家用电器损坏处理办法 第五条: joint registration of the damaged appliances."""
    if ha_scope(ctx)[0] is True and ctx.outcome != "outside_service_boundary":
        return yes(Say("供电企业应会同居委会（村委会）登记取证，登记笔录由受害居民用户签字确认",
                       "the utility must register the evidence together with the residents' (villagers') committee, "
                       "and the injured customer signs the record"))
    return NOT_APPLICABLE


@predicate("ha_no_invoice")
def p_ha_no_invoice(ctx: Ctx, rule: Rule) -> Verdict:
    """居民用户家用电器损坏处理办法 第十条: without an invoice, the proven state price at the proven date."""
    if ha_scope(ctx)[0] is not True or ctx.basis is None:
        return NOT_APPLICABLE
    names = [str(a.get("name") or "") for a in _appliances(ctx) if a.get("invoice") is False]
    if not names:
        return NOT_APPLICABLE
    return yes(Say(f"{'、'.join(names)}无购货发票，价格以受害居民用户举证并经核查的购置日价格为准",
                   f"there is no purchase invoice for {', '.join(names)}; the price is the price on the purchase date "
                   "proven by the customer and checked"))


@predicate("ha_paid_irreparable")
def p_ha_paid_irreparable(ctx: Ctx, rule: Rule) -> Verdict:
    """居民用户家用电器损坏处理办法 第十条: 清偿后，损坏的家用电器归属供电企业所有."""
    if ctx.outcome != "liable" or ctx.basis is None or ctx.basis.formula != "appliance_ha":
        return NOT_APPLICABLE
    if any(a.get("repairable") is False for a in _appliances(ctx)):
        return yes(Say("清偿后，不可修复的损坏电器归供电企业所有",
                       "once paid, the damaged appliances that cannot be repaired belong to the utility"))
    return NOT_APPLICABLE


@predicate("ha_third_party")
def p_ha_third_party(ctx: Ctx, rule: Rule) -> Verdict:
    """居民用户家用电器损坏处理办法 (third-party article, number unverified): the utility assists."""
    confirmed = ctx.top("cause_confirmed_by_authority", "bool") is True
    if ctx.top("cause") == "third_party" and confirmed and ha_scope(ctx)[0] is True:
        return yes(Say("损坏由第三人责任引起，供电企业应协助受害居民用户向第三人索赔",
                       "the damage was caused by a third party, and the utility must help the customer claim against it"))
    return NOT_APPLICABLE


@predicate("claim_differs")
def p_claim_differs(ctx: Ctx, rule: Rule) -> Verdict:
    """居民用户家用电器损坏处理办法 (dispute article, number unverified): mediation, then court."""
    if ctx.outcome != "liable" or ctx.amount is None:
        return NOT_APPLICABLE  # decided before parsing the claimed amount, which only matters when liable
    claimed = ctx.top("claimed_amount", "money")
    if claimed is None or claimed == ctx.amount:
        return NOT_APPLICABLE
    asked, owed = money(claimed), money(ctx.amount)
    return yes(Say(f"请求金额{asked.zh}与核定金额{owed.zh}不一致；协商不成的，可请县级以上电力管理部门调解，或向法院起诉",
                   f"the amount claimed, {asked.en}, differs from the amount assessed, {owed.en}; if negotiation fails, "
                   "the parties may ask a power authority at county level or above to mediate, or sue"))
