"""The decision rules: goodwill payments, who approves, precedent risk, and amounts in Chinese capitals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from casework.domain.access import Role
from casework.domain.decision import (
    Precedent,
    amount_in_words,
    approver,
    is_goodwill,
    may_approve,
    precedent_risk,
    reason_problems,
)

D = Decimal
THRESHOLD = D("5000")


@pytest.mark.parametrize("outcome", ["not_liable", "time_barred", "outside_service_boundary"])
def test_any_payment_where_nothing_is_owed_is_goodwill(outcome: str) -> None:
    assert is_goodwill("settle", D("1"), outcome, D("0"))
    assert approver("settle", D("1"), goodwill=True, threshold=THRESHOLD) is Role.LEGAL_HEAD


def test_settling_at_or_below_the_assessed_amount_of_a_liable_case_is_not_goodwill() -> None:
    assert not is_goodwill("settle", D("1800.00"), "liable", D("1800.00"))
    assert not is_goodwill("settle", D("1500"), "reduced", D("1800"))
    assert is_goodwill("settle", D("1800.01"), "liable", D("1800.00"))
    assert is_goodwill("settle", D("100"), "liable", None)  # no sum named by the law: the reason carries it
    assert not is_goodwill("reject", None, "not_liable", None)
    assert approver("settle", D("1800"), goodwill=False, threshold=THRESHOLD) is Role.LEGAL


def test_who_approves() -> None:
    assert approver("settle", D("5000"), goodwill=False, threshold=THRESHOLD) is Role.LEGAL
    assert approver("settle", D("5000.01"), goodwill=False, threshold=THRESHOLD) is Role.LEGAL_HEAD
    assert approver("escalate", None, goodwill=False, threshold=THRESHOLD) is Role.LEGAL_HEAD
    assert approver("reject", None, goodwill=False, threshold=THRESHOLD) is Role.LEGAL
    assert not may_approve(Role.LEGAL_HEAD, Role.LEGAL, proposed_by_actor=True)  # never one's own
    assert may_approve(Role.LEGAL_HEAD, Role.LEGAL, proposed_by_actor=False)
    assert not may_approve(Role.LEGAL, Role.LEGAL_HEAD, proposed_by_actor=False)
    assert not may_approve(Role.FIELD, Role.LEGAL, proposed_by_actor=False)


def test_a_goodwill_reason_must_say_something() -> None:
    assert reason_problems("客户要求。", goodwill=True, precedent_risk=False) == ("reason_too_short",)
    reason = ("该用户为当地重点客户，停电影响其冷库货物，虽无法定赔偿依据，但经协商一次性补偿可避免诉讼成本。"
              "本次补偿不构成对责任的承认，协议中已写明。")
    assert reason_problems(reason, goodwill=True, precedent_risk=False) == ()
    assert reason_problems("", goodwill=False, precedent_risk=False) == ()
    assert reason_problems("同上", goodwill=False, precedent_risk=True) == ("reason_too_short",)


def test_precedent_risk_when_the_decision_runs_against_similar_cases() -> None:
    refused = Precedent("PC-2025-000001", paid=False, refused=True)
    paid = Precedent("PC-2025-000002", paid=True, refused=False)
    assert precedent_risk("settle", [refused])
    assert not precedent_risk("settle", [paid])
    assert precedent_risk("reject", [paid])
    assert not precedent_risk("reject", [refused])
    assert not precedent_risk("escalate", [paid, refused])


@pytest.mark.parametrize(("amount", "words"), [
    ("1800", "壹仟捌佰元整"), ("1800.50", "壹仟捌佰元伍角"), ("1005.05", "壹仟零伍元零伍分"),
    ("100000", "壹拾万元整"), ("10010", "壹万零壹拾元整"), ("100000005", "壹亿零伍元整"), ("15", "壹拾伍元整"),
    ("0.5", "伍角"), ("0.05", "伍分"), ("0", "零元整"), ("3600.00", "叁仟陆佰元整"), ("20500", "贰万零伍佰元整"),
    ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"), ("1.1", "壹元壹角"), ("1.005", "壹元零壹分"),
])
def test_amounts_in_chinese_capitals(amount: str, words: str) -> None:
    assert amount_in_words(D(amount)) == words
