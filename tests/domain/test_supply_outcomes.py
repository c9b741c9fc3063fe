"""Outages and voltage/frequency quality: notice, accident formula, 20 %, actual loss, versions."""

from __future__ import annotations

import pytest
from casefactory import make, run, run_covered

GYR24_97 = {"instrument": "供电营业规则", "article": "第九十七条", "version": "2024"}
GYR96_95 = {"instrument": "供电营业规则", "article": "第九十五条", "version": "1996"}


def outage(event: str = "2025-03-12", **facts: object) -> dict[str, object]:
    return make("outage", facts=facts, event_date=event, report_date=event)


def test_single_part_tariff_uses_four_times() -> None:
    assert run(outage(tariff="single_part"))["amount"] == "3640.00"  # 400 × 3.5 × 0.65 × 4


@pytest.mark.parametrize(("hours", "amount"), [("0.5", "1300.00"), ("1", "1300.00"), ("1.5", "1950.00")])
def test_under_one_hour_counts_as_one_hour_but_one_hour_is_not_under(hours: str, amount: str) -> None:
    assert run(outage(outage_hours=hours))["amount"] == amount


def test_the_1996_minimum_hour_is_unverified_and_flagged_only_when_it_bites() -> None:
    short = run(outage("2024-05-31", outage_hours="0.5"))
    long = run(outage("2024-05-31", outage_hours="2"))
    assert short["amount"] == "1300.00"
    assert "unverified_parameter" in short["flags"]
    assert GYR96_95 in short["citations"]
    # the 1996 price base (目录电价) is unverified too, so any 1996 accident case is flagged
    assert "unverified_parameter" in long["flags"]
    assert run_covered(outage(outage_hours="0.5"))["flags"] == []


def test_accident_without_contract_clause_is_actual_loss_with_no_multiplier() -> None:
    result = run(outage(contract_accident_clause=False, proven_loss="2500.00"))
    assert (result["outcome"], result["amount"]) == ("liable", "2500.00")
    assert GYR24_97 not in result["citations"]
    assert {"instrument": "中华人民共和国电力法", "article": "第六十条"} in result["citations"]
    assert {"instrument": "中华人民共和国民法典", "article": "第五百八十四条"} in result["citations"]


def test_accident_without_clause_and_without_proven_loss_is_insufficient() -> None:
    result = run(outage(contract_accident_clause=False))
    assert result["missing_facts"] == ["facts.proven_loss"]


def test_planned_outage_with_seven_days_notice_is_not_liable() -> None:
    result = run(outage(outage_cause="planned_maintenance", notice_given_hours=168))
    assert (result["outcome"], result["amount"]) == ("not_liable", "0.00")
    assert {"instrument": "电力供应与使用条例", "article": "第二十八条"} in result["citations"]
    assert {"instrument": "供电营业规则", "article": "第七十一条", "version": "2024"} in result["citations"]


def test_planned_outage_with_short_notice_owes_the_proven_loss() -> None:
    result = run(outage(outage_cause="planned_maintenance", notice_given_hours=167, proven_loss="880.00"))
    assert (result["outcome"], result["amount"]) == ("liable", "880.00")
    assert {"instrument": "中华人民共和国民法典", "article": "第六百五十二条"} in result["citations"]


def test_notice_null_means_no_notice_but_an_absent_key_is_a_missing_fact() -> None:
    base = make("outage", facts={"outage_cause": "temporary_maintenance", "proven_loss": "10.00"})
    assert run(base)["outcome"] == "liable"
    del base["facts"]["notice_given_hours"]
    assert run(base)["missing_facts"] == ["facts.notice_given_hours"]


def test_fault_or_rationing_outage_needs_no_notice() -> None:
    assert run(outage(outage_cause="grid_fault_or_rationing"))["outcome"] == "not_liable"


def test_natural_disaster_is_force_majeure_unless_repair_was_late() -> None:
    timely = run(outage(outage_cause="natural_disaster", repair_delayed=False))
    late = run(outage(outage_cause="natural_disaster", repair_delayed=True, proven_loss="300.00"))
    unknown = run(outage(outage_cause="natural_disaster"))
    assert timely["outcome"] == "not_liable"
    assert (late["outcome"], late["amount"]) == ("liable", "300.00")
    assert {"instrument": "中华人民共和国民法典", "article": "第六百五十三条"} in late["citations"]
    assert unknown["missing_facts"] == ["facts.repair_delayed"]


def test_outage_caused_by_the_customer_is_not_the_utilitys_liability() -> None:
    before = run(outage("2024-05-31", outage_cause="customer_fault"))
    after = run(outage("2024-06-01", outage_cause="customer_fault"))
    assert before["outcome"] == after["outcome"] == "not_liable"
    assert GYR96_95 in before["citations"]
    assert GYR24_97 in after["citations"]


def test_users_own_fault_exempts_an_accident() -> None:
    assert run(make("outage", cause="victim_fault"))["outcome"] == "not_liable"


def test_third_party_cause_does_not_exempt_the_utility_from_its_contract() -> None:
    assert run(make("outage", cause="third_party"))["outcome"] == "liable"


def quality(event: str = "2025-03-12", **facts: object) -> dict[str, object]:
    return make("power_quality", facts=facts, event_date=event, report_date=event)


def test_voltage_clause_pays_twenty_percent_of_the_energy_charge() -> None:
    result = run(quality())
    assert (result["outcome"], result["amount"]) == ("liable", "120.00")
    assert {"instrument": "供电营业规则", "article": "第九十八条", "version": "2024"} in result["citations"]


def test_frequency_clause_cites_article_99_and_ignores_power_factor() -> None:
    result = run(quality(quality_kind="frequency", power_factor_meets_standard=False))
    assert result["amount"] == "120.00"
    assert {"instrument": "供电营业规则", "article": "第九十九条", "version": "2024"} in result["citations"]


@pytest.mark.parametrize("facts", [{"power_factor_meets_standard": False}, {"caused_by_other_user": True}])
def test_voltage_clause_pays_nothing_for_low_power_factor_or_another_users_cause(facts: dict[str, bool]) -> None:
    result = run(quality(**facts))
    assert (result["outcome"], result["amount"]) == ("not_liable", "0.00")


def test_without_a_quality_clause_the_actual_loss_is_owed() -> None:
    result = run(quality(contract_quality_clause=False, proven_loss="640.00"))
    assert (result["outcome"], result["amount"]) == ("liable", "640.00")
    assert {"instrument": "中华人民共和国民法典", "article": "第六百五十一条"} in result["citations"]


def test_without_a_clause_low_power_factor_means_no_breach() -> None:
    result = run(quality(contract_quality_clause=False, power_factor_meets_standard=False))
    assert result["outcome"] == "not_liable"
    assert {"instrument": "供电营业规则", "article": "第五十七条", "version": "2024"} in result["citations"]


def test_quality_formula_needs_its_quantities() -> None:
    result = run(make("power_quality", drop=("facts.avg_price",)))
    assert result["missing_facts"] == ["facts.avg_price"]


def test_quality_case_without_the_kind_asks_for_it() -> None:
    result = run(make("power_quality", drop=("facts.quality_kind",)))
    assert result["outcome"] == "insufficient_facts"
    assert "facts.quality_kind" in result["missing_facts"]
