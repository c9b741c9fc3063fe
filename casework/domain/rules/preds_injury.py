"""Personal-injury predicates: 民法典 第一千二百四十条、第一千二百四十三条 (high voltage), fault rules below it."""

from __future__ import annotations

from decimal import Decimal

from casework.domain.rules.context import NOT_APPLICABLE, Ctx, Verdict, missing, no, yes
from casework.domain.rules.model import Rule
from casework.domain.rules.preds_common import voltage_level, zh_num
from casework.domain.rules.registry import predicate

_CONDUCT_ZH = {
    "none": "无过错", "gross_negligence": "重大过失", "intent": "故意",
    "unauthorised_entry": "未经许可进入高度危险区域",
}


def _hv(ctx: Ctx) -> tuple[bool | None, tuple[str, ...], str]:
    """(high voltage?, missing paths, wording) — computed once per case, read by every injury rule."""
    cached = ctx.cache.get("hv")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    high, gaps = voltage_level(ctx)
    kv: Decimal | None = ctx.fact("voltage_kv", "qty")
    if high is None or kv is None:
        result: tuple[bool | None, tuple[str, ...], str] = (None, gaps, "")
    else:
        threshold = ctx.param_dec("hv_threshold_kv")
        word = "不低于" if high else "低于"
        result = (high, (), f"设施电压{zh_num(kv)}千伏，{word}{zh_num(threshold)}千伏")
    ctx.cache["hv"] = result
    return result


@predicate("hv_exempt")
def p_hv_exempt(ctx: Ctx, rule: Rule) -> Verdict:
    """民法典 第一千二百四十条: 能够证明损害是因受害人故意或者不可抗力造成的，不承担责任."""
    high, gaps, volts = _hv(ctx)
    if high is False:
        return NOT_APPLICABLE
    cause = ctx.top("cause")
    conduct = ctx.fact("victim_conduct")
    hit = cause in ("force_majeure", "victim_intent") or conduct == "intent"
    if hit and high is None:
        return missing(*gaps)
    if hit:
        why = "不可抗力" if cause == "force_majeure" else "受害人故意"
        return yes(f"{volts}，属高压；损害由{why}造成")
    if conduct is None:
        return missing(*gaps, "facts.victim_conduct")
    return NOT_APPLICABLE


@predicate("victim_intent_lv")
def p_victim_intent_lv(ctx: Ctx, rule: Rule) -> Verdict:
    """民法典 第一千一百七十四条: 损害是因受害人故意造成的，行为人不承担责任 (below high voltage)."""
    high, gaps, _ = _hv(ctx)
    if high is True:
        return NOT_APPLICABLE
    if ctx.top("cause") != "victim_intent" and ctx.fact("victim_conduct") != "intent":
        return NOT_APPLICABLE
    if high is None:
        return missing(*gaps)
    return yes("损害由受害人故意造成")


@predicate("high_voltage")
def p_high_voltage(ctx: Ctx, rule: Rule) -> Verdict:
    """民法典 第一千二百四十条: 从事高空、高压……活动……造成他人损害的，经营者应当承担侵权责任."""
    high, gaps, volts = _hv(ctx)
    if high is None:
        return missing(*gaps)
    if high:
        return yes(f"{volts}，属高压作业，经营者承担无过错责任")
    return no(f"{volts}，不适用高度危险责任，按过错责任处理")


@predicate("hv_conduct")
def p_hv_conduct(ctx: Ctx, rule: Rule) -> Verdict:
    """民法典 第一千二百四十条: 被侵权人对损害的发生有重大过失的，可以减轻经营者的责任."""
    high, gaps, _ = _hv(ctx)
    if high is False:
        return NOT_APPLICABLE
    conduct = ctx.fact("victim_conduct")
    if conduct is None:
        return missing(*gaps, "facts.victim_conduct")
    if conduct != rule.args["conduct"]:
        return NOT_APPLICABLE
    if high is None:
        return missing(*gaps)
    return yes("受害人有重大过失（如擅自攀登杆塔、在线路附近放风筝）")


@predicate("hv_unauthorised_entry")
def p_hv_unauthorised_entry(ctx: Ctx, rule: Rule) -> Verdict:
    """民法典 第一千二百四十三条: 未经许可进入……已经采取足够安全措施并尽到充分警示义务的，可以减轻或者不承担责任."""
    high, gaps, _ = _hv(ctx)
    if high is False or ctx.fact("victim_conduct") != "unauthorised_entry":
        return NOT_APPLICABLE
    if high is None:
        return missing(*gaps)
    warned = ctx.fact("warnings_adequate", "bool")
    if warned is None:
        return missing("facts.warnings_adequate")
    if warned:
        return yes("受害人未经许可进入高度危险区域，管理人已采取足够安全措施并尽到充分警示义务")
    return no("受害人未经许可进入，但管理人未尽到充分警示义务，不能据此减免责任")


@predicate("lv_contributory")
def p_lv_contributory(ctx: Ctx, rule: Rule) -> Verdict:
    """民法典 第一千一百七十三条: 被侵权人对同一损害的发生或者扩大有过错的，可以减轻侵权人的责任."""
    high, gaps, _ = _hv(ctx)
    if high is True:
        return NOT_APPLICABLE
    conduct = ctx.fact("victim_conduct")
    if conduct is None:
        return missing(*gaps, "facts.victim_conduct")
    if conduct not in ("gross_negligence", "unauthorised_entry"):
        return NOT_APPLICABLE
    if high is None:
        return missing(*gaps)
    return yes(f"受害人有过错（{_CONDUCT_ZH[conduct]}）")
