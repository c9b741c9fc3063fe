"""Contract damages are reduced, computed and cited: 民法典第五百八十四条 (foreseeability), 第五百九十一条
(mitigation), 第五百九十二条第二款 (the customer's own fault) — not only noted."""

from __future__ import annotations

from casefactory import make, run

from casework.domain.contract import validate_case

CC = "中华人民共和国民法典"
NO_NOTICE = {"outage_cause": "planned_maintenance", "notice_given_hours": None, "proven_loss": "10000.00"}


def _cited(result: dict[str, object], article: str) -> bool:
    return {"instrument": CC, "article": article} in result["citations"]  # type: ignore[operator]


def test_unforeseeable_loss_is_deducted() -> None:
    """第五百八十四条 "不得超过违约一方订立合同时预见到或者应当预见到的因违约可能造成的损失"."""
    result = run(make("outage", facts={**NO_NOTICE, "unforeseeable_loss": "2500.00"}))
    assert (result["outcome"], result["amount"]) == ("liable", "7500.00")
    assert any("10000.00元－2500.00元＝7500.00元" in line and "第五百八十四条" in line for line in result["explanation"])
    assert _cited(result, "第五百八十四条")


def test_loss_the_customer_failed_to_mitigate_is_deducted() -> None:
    """第五百九十一条 "没有采取适当措施致使损失扩大的，不得就扩大的损失请求赔偿"."""
    result = run(make("outage", facts={**NO_NOTICE, "unmitigated_loss": "1000.00"}))
    assert result["amount"] == "9000.00"
    assert _cited(result, "第五百九十一条")


def test_the_customers_own_fault_reduces_the_damages_correspondingly() -> None:
    """第五百九十二条第二款 "对方对损失的发生有过错的，可以减少相应的损失赔偿额" — "可以": the court fixes the share."""
    result = run(make("outage", facts={**NO_NOTICE, "customer_fault_share": "0.3"}))
    assert result["amount"] == "7000.00"
    assert any("10000.00元×（1－30%）＝7000.00元" in line for line in result["explanation"])
    assert _cited(result, "第五百九十二条") and "court_discretion" in result["flags"]


def test_the_deductions_apply_in_order_and_round_once() -> None:
    result = run(make("outage", facts={**NO_NOTICE, "proven_loss": "1000.01", "unforeseeable_loss": "100.00",
                                       "unmitigated_loss": "100.00", "customer_fault_share": "0.5"}))
    assert result["amount"] == "400.01"  # (1000.01 − 100 − 100) × 0.5 = 400.005 → 400.01, half up


def test_quality_claims_without_a_clause_are_reduced_too() -> None:
    facts = {"contract_quality_clause": False, "proven_loss": "2000.00", "customer_fault_share": "0.25"}
    assert run(make("power_quality", facts=facts))["amount"] == "1500.00"


def test_the_contract_formula_is_not_an_actual_loss_and_is_not_reduced() -> None:
    """The 第九十七条 multiple is the contract's own measure, not the actual loss 第五百八十四条 limits."""
    plain = run(make("outage"))
    reduced = run(make("outage", facts={"unforeseeable_loss": "100.00", "customer_fault_share": "0.5"}))
    assert plain["amount"] == reduced["amount"]


def test_without_deduction_facts_the_case_is_assessed_as_before() -> None:
    result = run(make("outage", facts=NO_NOTICE))
    assert result["amount"] == "10000.00" and not _cited(result, "第五百九十一条")


def test_deductions_are_validated_naming_the_fields() -> None:
    share = validate_case(make("outage", facts={**NO_NOTICE, "customer_fault_share": "1.5"}))
    assert [e.path for e in share] == ["case.facts.customer_fault_share"]
    over = validate_case(make("outage", facts={**NO_NOTICE, "unforeseeable_loss": "6000.00", "unmitigated_loss": "5000.00"}))
    assert len(over) == 1 and "facts.unmitigated_loss" in over[0].message and "facts.proven_loss" in over[0].message
