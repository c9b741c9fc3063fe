"""The decision on a claim: when a payment is a goodwill payment, who must approve, when a decision runs
against similar cases (precedent risk), and the amount in Chinese capitals for the letters.

The guard exists because claims with no legal basis were paid "to keep the customer happy" and invited the
next ones: paying above what the law gives, or where it gives nothing, is allowed, but only in the open —
with a written reason and the head of legal's approval.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from casework.domain.access import Role

KINDS = ("settle", "reject", "escalate")
# Outcomes under which the law gives the claimant nothing from the utility.
NOTHING_OWED = frozenset({"not_liable", "time_barred", "outside_service_boundary"})
GOODWILL_REASON_MIN_CHARS = 50
_SENTENCE_END = re.compile(r"[。！？!?；;.]")


def is_goodwill(kind: str, amount: Decimal | None, outcome: str | None, assessed: Decimal | None) -> bool:
    """A settlement above the assessed amount, or any payment where nothing is owed.

    With no assessed amount to compare (the check did not compute one), every payment is goodwill: the law
    named no sum, so the payment's basis is the officer's reason, which the head of legal must accept.
    """
    if kind != "settle" or amount is None or amount <= 0:
        return False
    if outcome in NOTHING_OWED or assessed is None:
        return True
    return amount > assessed


def reason_problems(reason: str, *, goodwill: bool, precedent_risk: bool) -> tuple[str, ...]:
    """What a written reason still lacks: a goodwill payment or a precedent risk needs a real explanation,
    "at least a few sentences", not a word to get past the form."""
    text = reason.strip()
    if not (goodwill or precedent_risk):
        return ()
    problems = []
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    if len(text) < GOODWILL_REASON_MIN_CHARS or len(sentences) < 2:
        problems.append("reason_too_short")
    return tuple(problems)


def approver(kind: str, amount: Decimal | None, *, goodwill: bool, threshold: Decimal) -> Role:
    """The least role that may approve: the head of legal for every escalation, every goodwill payment and
    settlements above the threshold; otherwise any legal officer — never the one who proposed it."""
    if kind == "escalate" or goodwill:
        return Role.LEGAL_HEAD
    if kind == "settle" and amount is not None and amount > threshold:
        return Role.LEGAL_HEAD
    return Role.LEGAL


def may_approve(role: Role, needed: Role, *, proposed_by_actor: bool) -> bool:
    if proposed_by_actor:
        return False
    return role is Role.LEGAL_HEAD or (role is Role.LEGAL and needed is Role.LEGAL)


@dataclass(frozen=True)
class Precedent:
    """A similar case, as the similarity search found it."""

    number: str
    paid: bool  # settled or paid
    refused: bool  # rejected


def precedent_risk(kind: str, similar: Iterable[Precedent]) -> bool:
    """Paying what similar cases were refused, or refusing what similar cases were paid."""
    cases = list(similar)
    if kind == "settle":
        return any(c.refused for c in cases)
    if kind == "reject":
        return any(c.paid for c in cases)
    return False


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")


def _group(n: int) -> str:
    """0 < n < 10000 in capitals, zeros collapsed (1005 → 壹仟零伍)."""
    out, zero = "", False
    for position in range(3, -1, -1):
        digit = n // 10**position % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + _SMALL[position]
    return out


def amount_in_words(amount: Decimal) -> str:
    """人民币大写 as banks write it (支付结算办法): 1800 → 壹仟捌佰元整, 1800.50 → 壹仟捌佰元伍角,
    1005.05 → 壹仟零伍元零伍分, 100000 → 壹拾万元整."""
    if amount < 0:
        raise ValueError("an amount in words is never negative")
    cents = int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    words = ""
    groups = []
    while yuan:
        groups.append(yuan % 10000)
        yuan //= 10000
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        lower_nonzero_gap = words and group < 1000  # 壹万零伍佰: a zero between groups is read out
        words += ("零" if lower_nonzero_gap else "") + _group(group) + _GROUPS[index]
    if not words:
        words = "零" if not (jiao or fen) else ""
    if words:
        words += "元"
    if not jiao and not fen:
        return words + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += _DIGITS[fen] + "分"
    return words
