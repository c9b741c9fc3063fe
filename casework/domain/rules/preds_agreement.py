"""Party agreements and contract-damage deductions: a signed settlement governs, an agreed sum replaces the
rule's formula (民法典 第五百八十五条; 供电营业规则 2024 第九十七条–第九十九条 with 第一百零二条), and the
actual loss is reduced for unforeseeable loss, unmitigated loss and the customer's own fault
(民法典 第五百八十四条、第五百九十一条、第五百九十二条).

The adjusting formulas run after the basis formula (stage quantum, role adjust): `ctx.amount` holds the
amount so far; a Quantum with `amount` None leaves it unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from casework.domain.contract import date_or_none
from casework.domain.money import MoneyError, parse_money, parse_quantity, round_money
from casework.domain.rules.context import NOT_APPLICABLE, Ctx, Quantum, Verdict, missing, no, yes, zero
from casework.domain.rules.model import Rule
from casework.domain.rules.preds_common import zh_num
from casework.domain.rules.registry import formula, predicate
from casework.domain.rules.words import Say, day, money

#: Set in ctx.cache once an agreed sum has replaced the computed amount: deductions from the actual loss
#: then no longer apply (the parties fixed the sum themselves, 民法典 第五百八十五条).
_AGREED = "agreed_amount_applied"


def agreement(ctx: Ctx) -> Mapping[str, Any] | None:
    """The case's `agreement` object, or None."""
    value = ctx.case.get("agreement")
    return value if isinstance(value, Mapping) else None


def _money(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return parse_money(value)
    except (ValueError, MoneyError):
        return None


def _signed(found: Mapping[str, Any]) -> Say:
    signed = date_or_none(found.get("signed_date"))
    return Say(f"双方已于{day(signed).zh}签订", f"the parties signed on {day(signed).en} ") if signed else \
        Say("双方已签订", "the parties signed ")


# -- a signed compensation or settlement agreement --------------------------------------------
@predicate("agreement_settled")
def p_agreement_settled(ctx: Ctx, rule: Rule) -> Verdict:
    """民法典 第四百六十五条、第五百零九条、第五百五十七条: a signed settlement binds; once paid, the debt ends.

    A claim for damage a signed agreement already settled is governed by the agreement: unpaid, the agreed sum
    is owed; paid, a second claim for the same damage is refused.
    """
    found = agreement(ctx)
    if found is None or found.get("kind") != "settlement":
        return NOT_APPLICABLE
    same = found.get("same_damage")
    if same is False:
        return no(Say("双方签订的协议不涉及本次请求的损害，不影响本次请求",
                      "the agreement the parties signed does not cover the damage now claimed and does not affect "
                      "this claim"))
    gaps = [f"agreement.{key}" for key, ok in (("same_damage", isinstance(same, bool)),
                                               ("amount", _money(found.get("amount")) is not None),
                                               ("paid", isinstance(found.get("paid"), bool))) if not ok]
    if gaps:
        return missing(*gaps)
    amount = _money(found.get("amount"))
    assert amount is not None
    signed, agreed = _signed(found), money(amount)
    if found.get("paid") is True:
        return zero(Say(
            f"{signed.zh}赔偿（和解）协议，约定赔偿{agreed.zh}，并已按协议支付；本次请求系就同一损害再次主张，"
            "该项债务已经履行而终止，不应再次赔偿",
            f"{signed.en}a compensation (settlement) agreement for {agreed.en}, which was paid as agreed; this "
            "claim is a second claim for the same damage, and the debt ended when it was performed, so nothing "
            "more is owed"))
    return yes(Say(
        f"{signed.zh}赔偿（和解）协议，约定赔偿{agreed.zh}，尚未支付；依法成立的协议对双方具有法律约束力，"
        "应按约定全面履行，赔偿数额以协议为准",
        f"{signed.en}a compensation (settlement) agreement for {agreed.en}, not yet paid; an agreement lawfully "
        "made binds both parties and must be performed in full, so the agreed sum governs"))


@formula("agreed_amount")
def f_agreed_amount(ctx: Ctx, rule: Rule) -> Quantum:
    """民法典 第五百零九条: the sum the signed agreement fixes."""
    q = Quantum()
    found = agreement(ctx) or {}
    amount = _money(found.get("amount"))
    if amount is None:
        q.missing = ("agreement.amount",)
        return q
    q.amount = round_money(amount)
    q.lines.append(Say(f"按协议约定的赔偿数额：{money(q.amount).zh}",
                       f"the sum fixed by the agreement: {money(q.amount).en}"))
    return q


@predicate("agreement_time")
def p_agreement_time(ctx: Ctx, rule: Rule) -> Verdict:
    """民法典 第一百九十五条（二）、第一百九十二条第二款: signing is the utility's agreement to perform."""
    basis = ctx.basis
    if basis is None or basis.role != "agreement":
        return NOT_APPLICABLE
    found = agreement(ctx) or {}
    signed = date_or_none(found.get("signed_date"))
    when = Say(f"于{day(signed).zh}", f"on {day(signed).en} ") if signed else Say("", "")
    return yes(Say(
        f"本次请求依双方签订的协议主张；供电企业{when.zh}签订协议即同意履行义务，诉讼时效自此重新计算，"
        "时效届满后同意履行的，也不得再以时效届满为由抗辩；原损害的报告期限和诉讼时效不再决定本请求",
        f"this claim rests on the agreement the parties signed; by signing {when.en}the utility agreed to perform, "
        "so limitation runs afresh from then, and an agreement to perform after the period ran out bars the "
        "limitation defence; the reporting window and limitation of the original damage no longer decide this "
        "claim"))


@predicate("agreement_village_payee")
def p_agreement_village_payee(ctx: Ctx, rule: Rule) -> Verdict:
    """土地管理法实施条例 第三十二条第二款: compensation for crops and attachments belongs to their owner."""
    found = agreement(ctx)
    if found is None or found.get("counterparty") != "village_collective" or found.get("paid") is not True:
        return NOT_APPLICABLE
    return yes(Say("补偿款已按协议支付给村集体；地上附着物和青苗等的补偿费用归其所有权人所有，请求人应向村集体主张其应得部分",
                   "the compensation was paid to the village collective under the agreement; compensation for "
                   "attachments and crops belongs to their owner, so the claimant should claim his share from the "
                   "village collective"))


@predicate("agreement_no_replant")
def p_agreement_no_replant(ctx: Ctx, rule: Rule) -> Verdict:
    """电力设施保护条例实施细则 第十六条（一）: the owner undertakes not to replant in the corridor."""
    found = agreement(ctx)
    if found is None or found.get("no_replant_undertaking") is not True:
        return NOT_APPLICABLE
    return yes(Say("协议中已约定不再在通道内种植树木；此后在通道内新种植的树木不属本次补偿的范围",
                   "the agreement includes the undertaking not to plant trees in the corridor again; trees planted "
                   "there afterwards are not covered by this compensation"))


# -- an agreed sum in place of the rule's formula ----------------------------------------------
def _agreed_of_kind(ctx: Ctx, kind: str) -> Decimal | None:
    found = agreement(ctx)
    if found is None or found.get("kind") != kind:
        return None
    return _money(found.get("amount"))


@formula("agreed_liquidated")
def f_agreed_liquidated(ctx: Ctx, rule: Rule) -> Quantum:
    """民法典 第五百八十五条: agreed liquidated damages replace the computed amount; a court may adjust them."""
    q = Quantum()
    agreed = _agreed_of_kind(ctx, "liquidated_damages")
    if agreed is None or ctx.amount is None:
        return q
    q.amount = round_money(agreed)
    ctx.cache[_AGREED] = True
    was, now = money(ctx.amount), money(q.amount)
    q.lines.append(Say(
        f"双方约定违约金{now.zh}，按约定支付（按法定方法计算为{was.zh}）；约定的违约金低于造成的损失或者过分高于"
        "造成的损失的，人民法院可以根据当事人的请求予以增加或者适当减少（民法典第五百八十五条）",
        f"the parties agreed liquidated damages of {now.en}, which are paid as agreed (the statutory method gives "
        f"{was.en}); a court may, on a party's request, raise agreed damages below the loss or reduce damages "
        "excessively above it (Civil Code, Art. 585)"))
    return q


#: REFERENCE §3.7(b): reading the exception of Arts. 97–99 with Art. 102 "is an interpretation, not verified case law".
_READING_102 = Say("将第一百零二条与第九十七条至第九十九条“双方另有约定的除外”合并理解（约定高于规则的以规则为限，低于规则的可被质疑）"
                   "属于解释，尚无经核实的裁判",
                   "reading Art. 102 together with \"unless the parties agree otherwise\" in Arts. 97 to 99 (an agreed "
                   "sum above the Rules' is capped at it, one below may be challenged) is an interpretation, not "
                   "verified case law")


@formula("agreed_rule_formula")
def f_agreed_rule_formula(ctx: Ctx, rule: Rule) -> Quantum:
    """供电营业规则 2024 第九十七条–第九十九条 "双方另有约定的除外", read with 第一百零二条.

    The agreed sum governs up to the Rules' own amount (第一百零二条: a contract's liability terms may not exceed
    the Rules' limits); an agreed sum below it may be challenged as diminishing the user's rights.
    """
    q = Quantum()
    agreed = _agreed_of_kind(ctx, "rule_formula_agreed")
    basis = ctx.basis
    if agreed is None or ctx.amount is None or basis is None:
        return q
    if basis.id not in rule.args.get("bases", ()):
        q.lines.append(Say("协议约定的赔偿计算方法只替代2024年规则第九十七条至第九十九条合同条款下的赔偿，本案赔偿不据此调整",
                           "an agreed method of compensation replaces only the compensation under the contract "
                           "clauses of Arts. 97 to 99 of the 2024 Rules; it does not change the amount here"))
        return q
    ctx.cache[_AGREED] = True
    ctx.cache.setdefault("unverified_notes", []).append(_READING_102)
    rule_amount, agreed = ctx.amount, round_money(agreed)
    was, said = money(rule_amount), money(agreed)
    if agreed > rule_amount:
        q.amount = rule_amount
        q.lines.append(Say(
            f"双方另有约定按{said.zh}赔偿，高于本规则规定的赔偿额{was.zh}；合同违约责任条款不得超出本规则规定的违约责任限度"
            f"（供电营业规则第一百零二条），按{was.zh}计算",
            f"the parties agreed otherwise, on {said.en}, more than the {was.en} the Rules provide; a contract's "
            f"liability terms may not exceed the Rules' limits (Supply Business Rules, Art. 102), so {was.en} is "
            "used"))
    else:
        q.amount = agreed
        lower = agreed < rule_amount
        q.lines.append(Say(
            f"双方另有约定按{said.zh}赔偿，依第九十七条至第九十九条“双方另有约定的除外”按约定计算"
            + (f"；该约定低于本规则规定的赔偿额{was.zh}，可能被认定减损用户权利（供电营业规则第一百零二条），用户可主张按{was.zh}赔偿"
               if lower else ""),
            f"the parties agreed otherwise, on {said.en}, which governs under \"unless the parties agree otherwise\" "
            "in Arts. 97 to 99"
            + (f"; being below the {was.en} the Rules provide, it may be held to diminish the user's rights "
               f"(Supply Business Rules, Art. 102), and the user may claim {was.en}" if lower else "")))
        if lower:
            q.flags = ("litigation_risk",)
    return q


# -- deductions from the actual loss ------------------------------------------------------------
def _deducts(ctx: Ctx, rule: Rule) -> bool:
    basis = ctx.basis
    return (basis is not None and basis.formula in rule.args.get("formulas", ()) and ctx.amount is not None
            and not ctx.cache.get(_AGREED))


def _fact_money(ctx: Ctx, key: str) -> Decimal | None:
    value: Decimal | None = ctx.fact(key, "money")
    return value


@formula("deduct_unforeseeable")
def f_deduct_unforeseeable(ctx: Ctx, rule: Rule) -> Quantum:
    """民法典 第五百八十四条: damages may not exceed the loss foreseeable when the contract was made."""
    return _subtract(ctx, rule, "unforeseeable_loss", Say(
        "扣除订立合同时不能预见的损失{part}（损失赔偿额不得超过违约一方订立合同时预见到或者应当预见到的损失，民法典第五百八十四条）",
        "less {part} of loss that could not be foreseen when the contract was made (damages may not exceed the loss "
        "the party in breach foresaw or should have foreseen then, Civil Code, Art. 584)"))


@formula("deduct_unmitigated")
def f_deduct_unmitigated(ctx: Ctx, rule: Rule) -> Quantum:
    """民法典 第五百九十一条: no damages for loss increased by the failure to take proper measures."""
    return _subtract(ctx, rule, "unmitigated_loss", Say(
        "扣除用户未采取适当措施致使扩大的损失{part}（不得就扩大的损失请求赔偿，民法典第五百九十一条）",
        "less {part} of loss increased because the customer took no proper measures (no damages for increased "
        "loss, Civil Code, Art. 591)"))


def _subtract(ctx: Ctx, rule: Rule, key: str, text: Say) -> Quantum:
    q = Quantum()
    part = _fact_money(ctx, key)
    if part is None or not _deducts(ctx, rule):
        return q
    before = ctx.amount
    assert before is not None
    after = max(before - part, Decimal("0"))
    q.amount = round_money(after)
    p, b, a = money(part), money(before), money(q.amount)
    q.lines.append(Say(f"{text.zh.format(part=p.zh)}：{b.zh}－{p.zh}＝{a.zh}",
                       f"{text.en.format(part=p.en)}: {b.en} − {p.en} = {a.en}"))
    return q


@formula("deduct_fault_share")
def f_deduct_fault_share(ctx: Ctx, rule: Rule) -> Quantum:
    """民法典 第五百九十二条第二款: the customer's fault in the loss reduces the damages correspondingly."""
    q = Quantum()
    raw = ctx.facts.get("customer_fault_share")
    try:
        share = parse_quantity(raw) if raw is not None else None
    except (ValueError, MoneyError):
        share = None
    if share is None or not Decimal(0) <= share <= Decimal(1) or not _deducts(ctx, rule):
        return q
    before = ctx.amount
    assert before is not None
    q.amount = round_money(before * (Decimal(1) - share))
    pct, b, a = zh_num(share * 100), money(before), money(q.amount)
    q.lines.append(Say(
        f"用户对损失的发生有过错，按其过错比例{pct}%减少相应的损失赔偿额（民法典第五百九十二条第二款）：{b.zh}×（1－{pct}%）＝{a.zh}",
        f"the customer was at fault in causing the loss, so the damages are reduced by the customer's share of "
        f"{pct}% (Civil Code, Art. 592(2)): {b.en} × (1 − {pct}%) = {a.en}"))
    return q
