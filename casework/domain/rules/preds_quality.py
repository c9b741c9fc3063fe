"""Power quality measured against the permitted deviations, and another user's interference without a clause.

供电营业规则 2024 第五十六条 (frequency) and 第五十七条 (voltage), 1996 第五十四条 (voltage; the 1996 frequency
article is unverified): a measurement inside the band means the supply met the standard, whatever
`noncompliant_kwh` says; a measurement outside it is said in the basis step. Without measurements the rules
read the case as before.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from casework.domain.rules.context import NOT_APPLICABLE, Ctx, Verdict, missing, no, yes, zero
from casework.domain.rules.model import Rule
from casework.domain.rules.preds_common import zh_num
from casework.domain.rules.registry import predicate
from casework.domain.rules.words import EMPTY, Say

_HUNDRED = Decimal(100)


class Band(NamedTuple):
    """The permitted range, how it is worded, and whether the measurement lies in it."""

    within: bool
    said: Say


def _pct(ratio: Decimal) -> str:
    return zh_num(ratio * _HUNDRED)


def _measured(ctx: Ctx, low_key: str, high_key: str) -> tuple[Decimal | None, Decimal | None]:
    return ctx.fact(low_key, "qty"), ctx.fact(high_key, "qty")


def _readings(low: Decimal | None, high: Decimal | None, unit_zh: str, unit_en: str) -> Say:
    parts = []
    if high is not None:
        parts.append(Say(f"实测最高{zh_num(high)}{unit_zh}", f"highest reading {zh_num(high)} {unit_en}"))
    if low is not None:
        parts.append(Say(f"实测最低{zh_num(low)}{unit_zh}", f"lowest reading {zh_num(low)} {unit_en}"))
    return Say("、".join(p.zh for p in parts), " and ".join(p.en for p in parts))


def voltage_band(ctx: Ctx) -> Band | Verdict | None:
    """None without a measurement; a missing Verdict when the band cannot be chosen; else the Band.

    2024 第五十七条 / 1996 第五十四条: 35 kV and above, the sum of the absolute positive and negative deviations
    at most 10 %; three-phase up to 10 (6, 20) kV ±7 %; 220 V single-phase +7 % / −10 %; abnormal system ±10 %.
    "以上""以下""不超过" include the number (2024 第一百零九条).
    """
    low, high = _measured(ctx, "measured_voltage_min_v", "measured_voltage_max_v")
    if low is None and high is None:
        return None
    nominal: Decimal | None = ctx.fact("nominal_voltage_v", "qty")
    abnormal = ctx.fact("system_abnormal", "bool")
    gaps = [p for p, v in (("facts.nominal_voltage_v", nominal), ("facts.system_abnormal", abnormal)) if v is None]
    if gaps:
        return missing(*gaps)
    assert nominal is not None and nominal > 0
    readings = _readings(low, high, "伏", "V")
    rated = Say(f"额定电压{zh_num(nominal)}伏", f"rated voltage {zh_num(nominal)} V")
    if abnormal:
        tol = ctx.param_dec("voltage_tol_abnormal")
        return _range(nominal * (1 - tol), nominal * (1 + tol), low, high, readings,
                      Say(f"电力系统非正常状况下，{rated.zh}的最大允许偏差为±{_pct(tol)}%",
                          f"in an abnormal system state the largest permitted deviation from the {rated.en} is "
                          f"±{_pct(tol)}%"), "伏", "V")
    kv = nominal / 1000
    if kv >= ctx.param_dec("voltage_sum_min_kv"):
        tol = ctx.param_dec("voltage_tol_35kv_sum")
        plus = max(Decimal(0), (high if high is not None else nominal) - nominal)
        minus = max(Decimal(0), nominal - (low if low is not None else nominal))
        total = (plus + minus) / nominal
        within = total <= tol
        verdict = Say("在允许偏差内", "within the permitted deviation") if within else Say(
            "超出允许偏差", "outside the permitted deviation")
        return Band(within, Say(
            f"{readings.zh}，{rated.zh}：正、负偏差的绝对值之和为{zh_num(plus)}伏＋{zh_num(minus)}伏，"
            f"占额定值的{zh_num((total * _HUNDRED).quantize(Decimal('0.01')))}%，允许不超过{_pct(tol)}%，{verdict.zh}",
            f"{readings.en}, {rated.en}: the absolute positive and negative deviations add up to {zh_num(plus)} V + "
            f"{zh_num(minus)} V, {zh_num((total * _HUNDRED).quantize(Decimal('0.01')))}% of the rated value, against "
            f"at most {_pct(tol)}% permitted: {verdict.en}"))
    if nominal == ctx.param_dec("voltage_single_phase_v"):
        plus, minus = ctx.param_dec("voltage_tol_220v_plus"), ctx.param_dec("voltage_tol_220v_minus")
        rule = Say(f"{zh_num(nominal)}伏单相供电的允许偏差为+{_pct(plus)}%、-{_pct(minus)}%",
                   f"the permitted deviation for {zh_num(nominal)} V single-phase supply is +{_pct(plus)}% / "
                   f"-{_pct(minus)}%")
    elif kv <= ctx.param_dec("voltage_three_phase_max_kv"):
        plus = minus = ctx.param_dec("voltage_tol_three_phase")
        rule = Say(f"{zh_num(nominal)}伏三相供电的允许偏差为±{_pct(plus)}%",
                   f"the permitted deviation for {zh_num(nominal)} V three-phase supply is ±{_pct(plus)}%")
    else:
        return Band(False, EMPTY)  # a rated voltage the article lists no band for: the measurement decides nothing
    return _range(nominal * (1 - minus), nominal * (1 + plus), low, high, readings, rule, "伏", "V")


def frequency_band(ctx: Ctx) -> Band | Verdict | None:
    """2024 第五十六条: ±0.2 Hz for grids of 3,000 MW and more, ±0.5 Hz below; ±1.0 Hz in an abnormal state."""
    low, high = _measured(ctx, "measured_frequency_min_hz", "measured_frequency_max_hz")
    if low is None and high is None:
        return None
    grid = ctx.fact("grid_capacity")
    abnormal = ctx.fact("system_abnormal", "bool")
    if abnormal is None or (grid is None and not abnormal):
        gaps = [p for p, v in (("facts.system_abnormal", abnormal), ("facts.grid_capacity", grid)) if v is None]
        return missing(*gaps)
    nominal = ctx.param_dec("frequency_nominal_hz")
    if abnormal:
        tol = ctx.param_dec("frequency_tol_abnormal")
        rule = Say(f"电力系统非正常状况下，供电频率允许偏差不超过±{zh_num(tol)}赫兹",
                   f"in an abnormal system state the supply frequency may deviate by at most ±{zh_num(tol)} Hz")
    elif grid == "large_grid":
        tol = ctx.param_dec("frequency_tol_large_grid")
        rule = Say(f"电网装机容量在300万千瓦以上的，供电频率允许偏差为±{zh_num(tol)}赫兹",
                   f"on a grid of 3,000 MW or more installed capacity the permitted frequency deviation is "
                   f"±{zh_num(tol)} Hz")
    else:
        tol = ctx.param_dec("frequency_tol_small_grid")
        rule = Say(f"电网装机容量不足300万千瓦的，供电频率允许偏差为±{zh_num(tol)}赫兹",
                   f"on a grid under 3,000 MW installed capacity the permitted frequency deviation is ±{zh_num(tol)} Hz")
    readings = _readings(low, high, "赫兹", "Hz")
    rated = Say(f"额定频率{zh_num(nominal)}赫兹，", f"rated frequency {zh_num(nominal)} Hz; ")
    return _range(nominal - tol, nominal + tol, low, high, readings,
                  Say(rated.zh + rule.zh, rated.en + rule.en), "赫兹", "Hz")


def _range(lower: Decimal, upper: Decimal, low: Decimal | None, high: Decimal | None, readings: Say, rule: Say,
           unit_zh: str, unit_en: str) -> Band:
    within = (low is None or low >= lower) and (high is None or high <= upper)
    lo, hi = f"{lower.quantize(Decimal('0.1'))}", f"{upper.quantize(Decimal('0.1'))}"  # 198.0 as the bands read
    verdict = Say("在允许偏差内", "within the permitted deviation") if within else Say(
        "超出允许偏差", "outside the permitted deviation")
    return Band(within, Say(f"{readings.zh}；{rule.zh}，即{lo}{unit_zh}至{hi}{unit_zh}，实测值{verdict.zh}",
                            f"{readings.en}; {rule.en}, that is {lo} to {hi} {unit_en}; the readings are {verdict.en}"))


def measured_within(ctx: Ctx) -> bool:
    """A measurement was given and lies inside the band: no basis row may then say the quality was poor."""
    kind = ctx.fact("quality_kind")
    if kind == "voltage" and ctx.fact("power_factor_meets_standard", "bool") is False:
        return False
    band = voltage_band(ctx) if kind == "voltage" else frequency_band(ctx) if kind == "frequency" else None
    return isinstance(band, Band) and band.within


@predicate("quality_within_band")
def p_quality_within_band(ctx: Ctx, rule: Rule) -> Verdict:
    """A measurement inside the permitted deviation: no breach of supply quality (args: kind)."""
    kind = ctx.fact("quality_kind")
    if kind != rule.args["kind"]:
        return NOT_APPLICABLE
    if kind == "voltage" and ctx.fact("power_factor_meets_standard", "bool") is False:
        return NOT_APPLICABLE  # the deviation is not bound by the limits at all (the power-factor row says so)
    band = voltage_band(ctx) if kind == "voltage" else frequency_band(ctx)
    if band is None:
        return NOT_APPLICABLE
    if isinstance(band, Verdict):
        return band
    if band.within:
        return zero(Say(f"{band.said.zh}，供电质量符合规定，不构成供电质量违约",
                        f"{band.said.en}, so the supply met the standard and there is no breach of supply quality"))
    return no(band.said)  # outside: said here, under the article of the band, and the basis rows decide


# -- another user's interference without a quality clause (issue 15, defect 2) ------------------------------
def _other_user_no_clause(ctx: Ctx) -> bool | None:
    """Voltage, no quality clause, another user's cause, the power factor not below the standard."""
    if ctx.fact("quality_kind") != "voltage" or ctx.fact("contract_quality_clause", "bool") is not False:
        return False
    if ctx.fact("power_factor_meets_standard", "bool") is False:
        return False
    other: bool | None = ctx.fact("caused_by_other_user", "bool")
    return other


@predicate("other_user_no_clause")
def p_other_user_no_clause(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国电力法 第五十九条第二款; 民法典 第六百五十一条、第五百九十三条.

    电力法 第六十条第二款 exempts only 不可抗力 and 用户自身的过错; the other-user exclusion lives only inside a
    quality clause (1996 第九十六条（二）, 2024 第九十八条（二）). Without one the utility answers for the breach
    a third party caused, with recourse against it.
    """
    if _other_user_no_clause(ctx) is not True or measured_within(ctx):
        return NOT_APPLICABLE
    return yes(Say(
        "电压质量不合格由其他用户原因引起，但供用电合同未订电压质量责任条款，其他用户原因的免责只规定在"
        "质量责任条款之中；供电人未按照国家规定的供电质量标准供电，造成用电人损失的，应当承担赔偿责任，当事人一方因"
        "第三人的原因造成违约的，仍应当依法向对方承担违约责任，按经证明的实际损失赔偿",
        "the poor voltage was caused by another customer, but the supply contract has no voltage quality "
        "clause, and the exclusion for another customer's cause exists only within such a clause; a supplier that "
        "fails to supply at the state quality standard is liable for the user's loss, and a party whose breach was "
        "caused by a third party still answers to the other party for it, so the proven actual loss is owed"))


def _other_user_basis(ctx: Ctx) -> bool:
    return ctx.basis is not None and ctx.basis.result_key == "quality_breach#other_user"


@predicate("other_user_recourse")
def p_other_user_recourse(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国电力法 第六十条第三款; 电力供应与使用条例 第四十三条第二款: the other user answers for its fault."""
    if not _other_user_basis(ctx):
        return NOT_APPLICABLE
    return yes(Say(
        "引起电压质量不合格的其他用户应当依法承担赔偿责任，供电企业赔偿后可以向其追偿；该款规定的是其他用户的责任，"
        "并不免除供电企业的责任——电力运行事故只在不可抗力或者用户自身的过错时免责，其他用户的过错不在其列",
        "the customer who caused the poor voltage is liable under the law, and the utility may recover from it what it "
        "pays; this paragraph makes that customer liable but does not relieve the utility, which is exempt for a "
        "power accident only for force majeure or the user's own fault, and another customer's fault is neither"))


@predicate("other_user_tort_reading")
def p_other_user_tort_reading(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法典 第一千一百七十五条: the counter-argument a court may take (the claim framed in tort)."""
    if not _other_user_basis(ctx):
        return NOT_APPLICABLE
    return yes(Say(
        "如法院将本案作为侵权纠纷而非供用电合同纠纷审理，可能依“损害是因第三人造成的，第三人应当承担侵权"
        "责任”认定由该其他用户承担责任、供电企业只对自身过错负责，本案因此存在诉讼风险；对供电用户而言，"
        "合同请求更为直接",
        "if a court treats the claim as a tort rather than a supply-contract dispute, it may hold "
        "that harm caused by a third party is the third party's liability and that the utility answers only for its "
        "own fault, so there is a litigation risk; for a supply customer the contract claim is the more direct route"))
