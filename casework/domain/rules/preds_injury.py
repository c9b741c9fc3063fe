"""Personal-injury predicates: 民法典 第一千二百四十条、第一千二百四十三条 (high voltage), fault rules below it."""

from __future__ import annotations

from decimal import Decimal

from casework.domain.rules.context import NOT_APPLICABLE, Ctx, Verdict, missing, no, yes
from casework.domain.rules.model import Rule
from casework.domain.rules.preds_common import voltage_level, zh_num
from casework.domain.rules.registry import predicate
from casework.domain.rules.words import CONDUCT, EMPTY, Say, word


def _hv(ctx: Ctx) -> tuple[bool | None, tuple[str, ...], Say]:
    """(high voltage?, missing paths, wording) — computed once per case, read by every injury rule."""
    cached = ctx.cache.get("hv")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    high, gaps = voltage_level(ctx)
    kv: Decimal | None = ctx.fact("voltage_kv", "qty")
    if high is None or kv is None:
        result: tuple[bool | None, tuple[str, ...], Say] = (None, gaps, EMPTY)
    else:
        threshold = ctx.param_dec("hv_threshold_kv")
        cmp = Say("不低于", "not below") if high else Say("低于", "below")
        result = (high, (), Say(f"设施电压{zh_num(kv)}千伏，{cmp.zh}{zh_num(threshold)}千伏",
                                f"the facility's voltage of {zh_num(kv)} kV is {cmp.en} {zh_num(threshold)} kV"))
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
        why = Say("不可抗力", "force majeure") if cause == "force_majeure" else Say("受害人故意", "the victim's intent")
        return yes(Say(f"{volts.zh}，属高压；损害由{why.zh}造成",
                       f"{volts.en}, which is high voltage; the harm was caused by {why.en}"))
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
    return yes(Say("损害由受害人故意造成", "the harm was caused by the victim's intent"))


@predicate("high_voltage")
def p_high_voltage(ctx: Ctx, rule: Rule) -> Verdict:
    """民法典 第一千二百四十条: 从事高空、高压……活动……造成他人损害的，经营者应当承担侵权责任."""
    high, gaps, volts = _hv(ctx)
    if high is None:
        return missing(*gaps)
    if high:
        return yes(Say(f"{volts.zh}，属高压作业，经营者承担无过错责任",
                       f"{volts.en}, a high-voltage operation, so the operator is liable without fault"))
    return no(Say(f"{volts.zh}，不适用高度危险责任，按过错责任处理",
                  f"{volts.en}, so liability for highly dangerous activities does not apply and fault liability does"))


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
    act = _PROHIBITED_ACT.get(str(ctx.fact("prohibited_act")))
    if act is None:  # nothing says what the victim did: no act is put into the claimant's mouth (issue 15)
        return yes(Say("受害人有重大过失", "the victim was grossly negligent"))
    return yes(Say(f"受害人有重大过失（{act.zh}）", f"the victim was grossly negligent ({act.en})"))


#: 电力设施保护条例 第十四条（五）、（三）: the prohibited acts the facts can name, as the reduction states them.
_PROHIBITED_ACT = {"climbing_tower": Say("擅自攀登杆塔", "climbing a tower without permission"),
                   "kite_flying": Say("在架空电力线路两侧300米内放风筝", "flying a kite within 300 m of an overhead line")}


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
        return yes(Say("受害人未经许可进入高度危险区域，管理人已采取足够安全措施并尽到充分警示义务",
                       "the victim entered a high-danger area without permission, and the manager had taken adequate "
                       "safety measures and given full warning"))
    return no(Say("受害人未经许可进入，但管理人未尽到充分警示义务，不能据此减免责任",
                  "the victim entered without permission, but the manager had not given full warning, so liability "
                  "is not reduced or excluded on that ground"))


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
    said = word(CONDUCT, conduct)
    return yes(Say(f"受害人有过错（{said.zh}）", f"the victim was at fault ({said.en})"))
