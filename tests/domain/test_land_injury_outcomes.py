"""Crops, trees, tower land, personal injury and service disputes; and the order of analysis."""

from __future__ import annotations

import pytest
from casefactory import make, run, run_covered


def test_crop_rate_from_the_demo_table_is_used_but_flagged_as_unverified() -> None:
    result = run(make("crop", drop=("facts.local_rate_per_mu",)))
    assert (result["outcome"], result["amount"]) == ("liable", "960.00")  # 0.8 mu × 1200.00 (fictional)
    assert "unverified_parameter" in result["flags"]
    assert any("虚构" in line for line in result["explanation"])


def test_stated_local_rate_wins_and_raises_no_flag() -> None:
    result = run_covered(make("crop"))
    assert (result["amount"], result["flags"]) == ("1200.00", [])


@pytest.mark.parametrize(
    ("region", "stage", "amount"),
    [
        ("410102", "抽穗期", "1040.00"),  # county → its city's schedule (410100)
        ("410305", "抽穗期", "960.00"),  # county → province schedule (410000)
        ("410000", "拔节期", "800.00"),  # no rate for the stage → the all-stage rate
        ("410000", None, "800.00"),
    ],
)
def test_rate_lookup_falls_back_to_wider_region_then_any_stage(region: str, stage: str | None, amount: str) -> None:
    facts = {"region": region, "growth_stage": stage}
    assert run(make("crop", facts=facts, drop=("facts.local_rate_per_mu",)))["amount"] == amount


def test_rate_is_the_one_in_force_on_the_event_date() -> None:
    facts = {"region": "330000", "crop": "水稻", "growth_stage": None, "area_mu": "1"}
    old = make("crop", facts=facts, drop=("facts.local_rate_per_mu",), event_date="2024-12-31", report_date="2025-01-02")
    new = make("crop", facts=facts, drop=("facts.local_rate_per_mu",), event_date="2025-01-01", report_date="2025-01-02")
    assert (run(old)["amount"], run(new)["amount"]) == ("1600.00", "1750.00")


def test_missing_rate_is_never_made_up() -> None:
    result = run(make("crop", facts={"crop": "高粱"}, drop=("facts.local_rate_per_mu",)))
    assert (result["outcome"], result["amount"]) == ("insufficient_facts", None)
    assert result["missing_facts"] == ["facts.local_rate_per_mu"]


def test_crop_needs_the_area() -> None:
    assert run(make("crop", drop=("facts.area_mu",)))["missing_facts"] == ["facts.area_mu"]


def test_trees_existing_before_the_zone_get_one_time_compensation() -> None:
    result = run(make("trees"))
    assert (result["outcome"], result["amount"]) == ("liable", "6000.00")


def test_tree_planted_on_the_designation_day_counts_as_new() -> None:
    result = run(make("trees", facts={"planted_date": "2020-04-01"}))
    assert result["outcome"] == "not_liable"
    assert {"instrument": "电力设施保护条例实施细则", "article": "第十八条"} in result["citations"]


def test_pruning_in_the_zone_is_at_the_owners_cost() -> None:
    assert run(make("trees", facts={"action": "prune"}))["outcome"] == "not_liable"


def test_new_line_corridor_compensates_whatever_the_planting_date() -> None:
    result = run(make("trees", facts={"reason": "new_line_corridor"}, drop=("facts.planted_date",)))
    assert result["amount"] == "6000.00"


def test_tree_rate_can_come_from_the_rate_table() -> None:
    facts = {"region": "410000", "species": "杨树", "size": "胸径10-20厘米", "tree_count": 3}
    assert run(make("trees", facts=facts, drop=("facts.rate_per_tree",)))["amount"] == "450.00"


def test_zone_clearance_without_dates_asks_for_them() -> None:
    result = run(make("trees", drop=("facts.planted_date", "facts.zone_designated_date")))
    assert result["missing_facts"] == ["facts.planted_date", "facts.zone_designated_date"]


def test_unpaid_one_time_tower_compensation_is_owed() -> None:
    assert run(make("land_tower"))["amount"] == "3000.00"


def test_annual_tower_fee_has_no_legal_basis_even_when_old() -> None:
    result = run(make("land_tower", facts={"claim_kind": "recurring_fee"}, event_date="2010-01-01"))
    assert result["outcome"] == "not_liable"  # not time_barred: merits come before time limits


def test_no_payment_record_is_a_missing_fact() -> None:
    result = run(make("land_tower", facts={"one_time_compensation_paid": None}))
    assert result["missing_facts"] == ["facts.one_time_compensation_paid"]


def test_removal_claim_is_not_subject_to_limitation() -> None:
    old = make("land_tower", facts={"claim_kind": "removal"}, event_date="2001-01-01")
    result = run(old)
    assert result["outcome"] == "liable"
    assert result["rule_results"]["lim_3y_general"] == "not_applicable"
    assert not any(d["kind"] == "limitation" for d in result["deadlines"])


def test_later_acquirer_is_flagged_as_an_engine_inference() -> None:
    result = run(make("land_tower", facts={"claimant_acquired_date": "2016-01-01"}))
    assert result["outcome"] == "not_liable"
    assert "unverified_parameter" in result["flags"]


def test_expropriated_land_is_outside_the_claims_desk() -> None:
    result = run(make("land_tower", facts={"land_expropriated": True}))
    assert result["outcome"] == "outside_service_boundary"
    assert any("人民政府" in line for line in result["explanation"])


def test_high_voltage_injury_is_strict_liability_with_the_unverified_threshold() -> None:
    result = run(make("injury"))
    assert (result["outcome"], result["amount"]) == ("liable", "50000.00")
    assert {"instrument": "中华人民共和国民法典", "article": "第一千二百四十条"} in result["citations"]
    assert "unverified_parameter" in result["flags"]


def test_exactly_one_kilovolt_is_high_voltage() -> None:
    assert run(make("injury", facts={"voltage_kv": "1"}))["rule_results"]["hv_strict_liability"] == "applies"


def test_gross_negligence_reduces_at_the_courts_discretion() -> None:
    result = run(make("injury", facts={"victim_conduct": "gross_negligence"}))
    assert (result["outcome"], result["amount"]) == ("reduced", None)
    assert "court_discretion" in result["flags"]


def test_victim_intent_exempts_high_voltage_operator() -> None:
    assert run(make("injury", facts={"victim_conduct": "intent"}))["outcome"] == "not_liable"


def test_unauthorised_entry_reduces_only_with_adequate_warnings() -> None:
    warned = run(make("injury", facts={"victim_conduct": "unauthorised_entry"}))
    unwarned = run(make("injury", facts={"victim_conduct": "unauthorised_entry", "warnings_adequate": False}))
    assert warned["outcome"] == "reduced"
    assert unwarned["outcome"] == "liable"


def test_low_voltage_injury_needs_fault() -> None:
    lv = {"voltage_kv": "0.22"}
    assert run(make("injury", facts=lv))["missing_facts"] == ["cause"]
    assert run(make("injury", facts=lv, cause="unknown"))["outcome"] == "not_liable"
    assert run(make("injury", facts=lv, cause="utility_fault"))["amount"] == "50000.00"


def test_reduced_injury_needs_no_amount() -> None:
    case = make("injury", facts={"victim_conduct": "gross_negligence"}, drop=("facts.assessed_damages",))
    assert run(case)["outcome"] == "reduced"


def test_on_duty_employee_harm_is_the_employers() -> None:
    result = run(make("service_dispute"))
    assert (result["outcome"], result["amount"]) == ("liable", "800.00")


def test_off_duty_employee_is_outside_and_redirected() -> None:
    result = run(make("service_dispute", facts={"employee_on_duty": False}))
    assert result["outcome"] == "outside_service_boundary"
    assert any("该员工本人" in line for line in result["explanation"])


def test_outside_the_boundary_beats_an_exemption() -> None:
    case = make("appliance", facility_owner="customer", utility_maintains=False, cause="force_majeure",
                cause_confirmed_by_authority=True)
    assert run(case)["outcome"] == "outside_service_boundary"


def test_time_bar_beats_reduction() -> None:
    case = make("injury", facts={"victim_conduct": "gross_negligence"}, event_date="2020-01-02", report_date="2025-01-02")
    result = run(case)
    assert result["outcome"] == "time_barred"
    assert "limitation_plea_required" in result["flags"]
