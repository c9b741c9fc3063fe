"""Every rule row in the table, tested both ways: one case where it applies, one where it does not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from casefactory import TABLE, item, make, run

Case = Callable[[], dict[str, Any]]

OLD = "2024-05-31"  # last day of 供电营业规则 1996
NON_RES = {"customer_type": "non_residential", "proven_loss": "900.00"}
LV = {"voltage_kv": "0.4"}


def appliance(**kw: Any) -> Case:
    return lambda: make("appliance", **kw)


def outage(**kw: Any) -> Case:
    return lambda: make("outage", **kw)


def quality(**kw: Any) -> Case:
    return lambda: make("power_quality", **kw)


def crop(**kw: Any) -> Case:
    return lambda: make("crop", **kw)


def trees(**kw: Any) -> Case:
    return lambda: make("trees", **kw)


def land(**kw: Any) -> Case:
    return lambda: make("land_tower", **kw)


def injury(**kw: Any) -> Case:
    return lambda: make("injury", **kw)


def service(**kw: Any) -> Case:
    return lambda: make("service_dispute", **kw)


OLD_ITEM = [item(name="电冰箱", **{"class": "motor"}, price="3600.00", purchase_date="2019-07-20")]
PLANNED = {"outage_cause": "planned_maintenance", "proven_loss": "1200.00"}
UNPAID = {"kind": "settlement", "signed_date": "2025-05-25", "amount": "1000.00", "same_damage": True, "paid": False}

# rule key (id, or id#variant) -> (a case where it applies, a case where it does not)
CASES: dict[str, tuple[Case, Case]] = {
    "supply_area_boundary": (appliance(in_supply_area=False), appliance()),
    "employer_scope#off_duty": (service(facts={"employee_on_duty": False}), service()),
    "employer_scope#on_duty": (service(), service(facts={"employee_on_duty": False})),
    "force_majeure_civil#tort_appliance": (
        appliance(facts=NON_RES, cause="force_majeure"),
        appliance(cause="force_majeure", cause_confirmed_by_authority=True),
    ),
    "force_majeure_civil#outage": (outage(cause="force_majeure"), outage()),
    "force_majeure_civil#contract": (quality(cause="force_majeure"), quality()),
    "force_majeure_civil#tort_low_voltage": (
        injury(facts=LV, cause="force_majeure"), injury(cause="force_majeure")),
    "force_majeure_civil#service": (service(cause="force_majeure"), service()),
    "victim_intent#tort_appliance": (appliance(facts=NON_RES, cause="victim_intent"), appliance(facts=NON_RES)),
    "victim_intent#tort_low_voltage": (
        injury(facts={**LV, "victim_conduct": "intent"}), injury(facts=LV, cause="utility_fault")),
    "victim_intent#service": (service(cause="victim_intent"), service()),
    "third_party_tort#tort_appliance": (
        appliance(facts=NON_RES, cause="third_party"),
        appliance(cause="third_party", cause_confirmed_by_authority=True),
    ),
    "third_party_tort#tort_low_voltage": (injury(facts=LV, cause="third_party"), injury(cause="third_party")),
    "third_party_tort#service": (service(cause="third_party"), service()),
    "third_party_tort#other_user": (
        quality(facts={"contract_quality_clause": False, "caused_by_other_user": True}),
        quality(facts={"caused_by_other_user": True}),
    ),
    "fault_liability_property#appliance": (appliance(facts=NON_RES), appliance()),
    "fault_liability_property#service": (
        service(facts={"employee_involved": False}, cause="utility_fault"), service()),
    "property_damage_measure": (appliance(facts=NON_RES), appliance()),
    "lim_not_applicable_injunctive": (land(facts={"claim_kind": "removal"}), land()),
    "ha_report_7d": (appliance(report_date="2025-08-20"), appliance()),
    "ha_investigate_24h": (appliance(), appliance(facts=NON_RES)),
    "lim_transition_gpcl": (crop(event_date="2016-05-01", report_date="2018-06-01"), crop()),
    "lim_interruption": (
        crop(event_date="2020-05-18", report_date="2024-06-03", limitation_interruptions=["2022-01-04"]), crop()),
    "lim_waiver_after_expiry": (
        crop(event_date="2020-05-18", report_date="2024-06-03", limitation_interruptions=["2024-01-04"]), crop()),
    "lim_20y_longstop": (
        crop(event_date="2003-05-18", knew_date="2024-01-02", report_date="2025-05-20"), crop()),
    "lim_3y_general": (crop(event_date="2021-05-18", report_date="2025-05-20"), crop()),
    "lim_transition_gpcl#bar": (crop(event_date="2015-03-02", report_date="2017-12-01"), crop()),
    "lim_suspension": (
        crop(event_date="2021-05-18", report_date="2024-07-01", limitation_events=[
            {"date": "2024-03-01", "kind": "suspension", "until": "2024-04-10", "ground": "force_majeure"}]), crop()),
    # the counting is shown where it decides: the claim on the day the period, moved off a Sunday, ends
    "period_counting": (crop(event_date="2022-05-18", report_date="2025-05-19"), crop()),
    "liability_by_ownership": (
        appliance(event_date=OLD, report_date=OLD, facility_owner="customer", utility_maintains=False),
        appliance(event_date=OLD, report_date=OLD),
    ),
    "boundary_2024": (appliance(facility_owner="customer", utility_maintains=False), appliance()),
    "boundary_place": (appliance(), appliance(drop=("facility_owner",))),
    "boundary_defaults_1996": (appliance(event_date=OLD, report_date=OLD, facility_owner="customer"),
                               appliance(event_date=OLD, report_date=OLD)),
    "accident_liability_general#user_fault": (outage(cause="victim_fault"), outage()),
    "customer_caused_outage": (outage(facts={"outage_cause": "customer_fault"}), outage()),
    "fault_outage_sequence": (outage(facts={"outage_cause": "grid_fault_or_rationing"}), outage()),
    "notice_planned_7d": (
        outage(facts={**PLANNED, "notice_given_hours": 168}), outage(facts={**PLANNED, "notice_given_hours": 100})),
    "notice_temp_24h": (
        outage(facts={**PLANNED, "outage_cause": "temporary_maintenance", "notice_given_hours": "24"}),
        outage(facts={**PLANNED, "outage_cause": "temporary_maintenance", "notice_given_hours": "23.5"}),
    ),
    "accident_outage_1996": (outage(event_date=OLD), outage()),
    "accident_outage_2024": (outage(), outage(event_date=OLD)),
    "accident_liability_general#no_clause": (
        outage(facts={"contract_accident_clause": False, "proven_loss": "2000.00"}), outage()),
    "no_notice_outage": (outage(facts=PLANNED), outage(facts={**PLANNED, "notice_given_hours": 200})),
    "disaster_repair_duty": (
        outage(facts={"outage_cause": "natural_disaster", "repair_delayed": True, "proven_loss": "500.00"}),
        outage(facts={"outage_cause": "natural_disaster", "repair_delayed": False}),
    ),
    "restore_3d_1996": (outage(event_date=OLD, facts={"outage_hours": "80"}), outage(event_date=OLD)),
    "restore_24h_2024": (outage(facts={"outage_hours": "30"}), outage(event_date=OLD, facts={"outage_hours": "30"})),
    "notice_2024": (outage(facts={**PLANNED, "notice_given_hours": 200}), outage()),
    "contract_breach_general": (outage(facts=PLANNED), outage()),
    # part D of issue 15: agreements and the deductions from the actual loss
    "contract_breach_general#foreseeability": (outage(facts={**PLANNED, "unforeseeable_loss": "200.00"}),
                                               outage(facts={"unforeseeable_loss": "200.00"})),
    "contract_breach_general#mitigation": (outage(facts={**PLANNED, "unmitigated_loss": "200.00"}), outage(facts=PLANNED)),
    "contract_breach_general#customer_fault": (outage(facts={**PLANNED, "customer_fault_share": "0.2"}),
                                               outage(facts=PLANNED)),
    "liquidated_damages_agreed": (outage(agreement={"kind": "liquidated_damages", "amount": "2000.00"}), outage()),
    "agreed_otherwise_2024": (outage(agreement={"kind": "rule_formula_agreed", "amount": "2000.00"}),
                              outage(agreement={"kind": "liquidated_damages", "amount": "2000.00"})),
    "agreement_settlement": (crop(agreement=UNPAID), crop(agreement={**UNPAID, "same_damage": False})),
    "agreement_settlement#limitation": (crop(agreement=UNPAID), crop()),
    "agreement_settlement#village_payee": (crop(agreement={**UNPAID, "paid": True, "counterparty": "village_collective"}),
                                           crop(agreement={**UNPAID, "counterparty": "village_collective"})),
    "agreement_settlement#no_replant": (trees(agreement={**UNPAID, "no_replant_undertaking": True}), trees(agreement=UNPAID)),
    "quality_breach": (quality(facts={"contract_quality_clause": False, "proven_loss": "700.00"}), quality()),
    "voltage_limits": (
        quality(facts={"contract_quality_clause": False, "power_factor_meets_standard": False}),
        quality(facts={"contract_quality_clause": False, "proven_loss": "700.00"}),
    ),
    "voltage_20pct_1996": (quality(event_date=OLD), quality()),
    "frequency_20pct_1996": (
        quality(event_date=OLD, facts={"quality_kind": "frequency"}), quality(facts={"quality_kind": "frequency"})),
    "quality_pct_2024#voltage": (quality(), quality(facts={"quality_kind": "frequency"})),
    "quality_pct_2024#frequency": (quality(facts={"quality_kind": "frequency"}), quality()),
    "ha_exemptions": (
        appliance(cause="force_majeure", cause_confirmed_by_authority=True),
        appliance(cause="force_majeure", cause_confirmed_by_authority=False),
    ),
    "ha_scope": (appliance(), appliance(facts=NON_RES)),
    "ha_repair": (appliance(facts={"appliances": [item(repairable=True, repair_cost="300.00")]}), appliance()),
    "ha_irreparable_new": (appliance(), appliance(facts={"appliances": OLD_ITEM})),
    "ha_irreparable_depreciated": (appliance(facts={"appliances": OLD_ITEM}), appliance()),
    "ha_floor_10pct": (appliance(facts={"appliances": [item(purchase_date="2010-01-01")]}), appliance()),
    "ha_life_classes": (appliance(facts={"appliances": OLD_ITEM}), appliance()),
    "ha_foreign_ccy": (
        appliance(facts={"appliances": [item(price="600.00", currency="USD", fx_rate="7.10")]}), appliance()),
    "ha_register_evidence": (appliance(), appliance(facts=NON_RES)),
    "ha_no_invoice": (appliance(facts={"appliances": [item(invoice=False)]}), appliance()),
    "ha_title_transfer": (
        appliance(), appliance(facts={"appliances": [item(repairable=True, repair_cost="300.00")]})),
    "ha_dispute": (appliance(claimed_amount="5200.00"), appliance(claimed_amount="4800.00")),
    "ha_third_party_assist": (appliance(cause="third_party", cause_confirmed_by_authority=True), appliance()),
    "land_expropriation": (land(facts={"land_expropriated": True}), land()),
    "crop_damage_construction#construction": (crop(), crop(facts={"work_kind": "maintenance"})),
    "crop_damage_construction#maintenance": (crop(facts={"work_kind": "maintenance"}), crop()),
    "crop_rate_local": (crop(), crop(drop=("facts.work_kind",))),
    "crop_payee": (crop(), crop(drop=("facts.local_rate_per_mu",), facts={"crop": "高粱"})),
    "temp_land_use": (crop(facts={"temporary_land_use": True}), crop()),
    "tower_land_one_time#recurring": (land(facts={"claim_kind": "recurring_fee"}),
                                      land(facts={"claim_kind": "recurring_fee", "region": "410102"})),
    "tower_land_one_time#paid": (land(facts={"one_time_compensation_paid": True}), land()),
    "tower_land_one_time#later_acquirer": (land(facts={"claimant_acquired_date": "2016-01-01"}), land()),
    "tower_land_one_time#unpaid": (land(), land(facts={"region": "410102"})),
    "tower_land_one_time#recurring_henan": (land(facts={"claim_kind": "recurring_fee", "region": "410102"}),
                                              land(facts={"claim_kind": "recurring_fee"})),
    "tower_land_one_time#paid_henan": (land(facts={"one_time_compensation_paid": True, "region": "410102"}),
                                         land(facts={"one_time_compensation_paid": True})),
    "tower_land_one_time#later_acquirer_henan": (land(facts={"claimant_acquired_date": "2016-01-01", "region": "410102"}),
                                                   land(facts={"claimant_acquired_date": "2016-01-01"})),
    "tower_land_one_time#unpaid_henan": (land(facts={"region": "410102"}), land()),
    "tower_land_one_time#recurring_zhejiang": (land(facts={"claim_kind": "recurring_fee", "region": "330106"}),
                                              land(facts={"claim_kind": "recurring_fee"})),
    "tower_land_one_time#paid_zhejiang": (land(facts={"one_time_compensation_paid": True, "region": "330106"}),
                                         land(facts={"one_time_compensation_paid": True})),
    "tower_land_one_time#later_acquirer_zhejiang": (land(facts={"claimant_acquired_date": "2016-01-01", "region": "330106"}),
                                                   land(facts={"claimant_acquired_date": "2016-01-01"})),
    "tower_land_one_time#unpaid_zhejiang": (land(facts={"region": "330106"}), land()),
    "tower_land_one_time#recurring_shanghai": (land(facts={"claim_kind": "recurring_fee", "region": "310115"}),
                                              land(facts={"claim_kind": "recurring_fee"})),
    "tower_land_one_time#paid_shanghai": (land(facts={"one_time_compensation_paid": True, "region": "310115"}),
                                         land(facts={"one_time_compensation_paid": True})),
    "tower_land_one_time#later_acquirer_shanghai": (land(facts={"claimant_acquired_date": "2016-01-01", "region": "310115"}),
                                                   land(facts={"claimant_acquired_date": "2016-01-01"})),
    "tower_land_one_time#unpaid_shanghai": (land(facts={"region": "310115"}), land()),
    "tower_land_one_time#recurring_jinan": (land(facts={"claim_kind": "recurring_fee", "region": "370102"}),
                                              land(facts={"claim_kind": "recurring_fee"})),
    "tower_land_one_time#paid_jinan": (land(facts={"one_time_compensation_paid": True, "region": "370102"}),
                                         land(facts={"one_time_compensation_paid": True})),
    "tower_land_one_time#later_acquirer_jinan": (land(facts={"claimant_acquired_date": "2016-01-01", "region": "370102"}),
                                                   land(facts={"claimant_acquired_date": "2016-01-01"})),
    "tower_land_one_time#unpaid_jinan": (land(facts={"region": "370102"}), land()),
    "trees_new_in_zone": (trees(facts={"planted_date": "2022-03-01"}), trees()),
    "trees_clearance_cost": (trees(facts={"action": "prune"}), trees()),
    "trees_preexisting": (trees(), trees(facts={"planted_date": "2022-03-01"})),
    "zone_widths": (trees(facts={"line_voltage_kv": "110"}), trees()),
    "unlawful_structure_removal": (trees(facts={"planted_date": "2022-03-01"}), trees()),
    "hv_exempt": (injury(facts={"victim_conduct": "intent"}), injury()),
    "hv_strict_liability": (injury(), injury(facts=LV, cause="utility_fault")),
    "lv_fault_liability": (injury(facts=LV, cause="utility_fault"), injury()),
    "hv_reduce_gross_neg": (injury(facts={"victim_conduct": "gross_negligence"}), injury()),
    "hv_unauthorised_entry": (
        injury(facts={"victim_conduct": "unauthorised_entry"}),
        injury(facts={"victim_conduct": "unauthorised_entry", "warnings_adequate": False}),
    ),
    "contrib_fault_tort": (
        injury(facts={**LV, "victim_conduct": "gross_negligence"}, cause="utility_fault"),
        injury(facts=LV, cause="utility_fault"),
    ),
    "spc2001_repealed": (injury(facts={"victim_conduct": "unauthorised_entry"}), injury()),
    "pi_quantum": (injury(), injury(facts={"victim_conduct": "intent"})),
    "climb_tower_prohibited": (injury(facts={"victim_conduct": "gross_negligence", "prohibited_act": "climbing_tower"}),
                               injury(facts={"victim_conduct": "gross_negligence"})),
    # issue 15 part C
    "quality_breach#other_user": (
        quality(facts={"contract_quality_clause": False, "caused_by_other_user": True, "proven_loss": "700.00"}),
        quality(facts={"caused_by_other_user": True}),
    ),
    "third_party_tort#other_user_tort": (
        quality(facts={"contract_quality_clause": False, "caused_by_other_user": True, "proven_loss": "700.00"}),
        quality(facts={"contract_quality_clause": False, "proven_loss": "700.00"}),
    ),
    "voltage_limits#measured": (
        quality(facts={"nominal_voltage_v": 220, "measured_voltage_min_v": 205, "system_abnormal": False}),
        quality(facts={"nominal_voltage_v": 220, "measured_voltage_min_v": 195, "system_abnormal": False}),
    ),
    "frequency_limits": (
        quality(facts={"quality_kind": "frequency", "measured_frequency_max_hz": "50.1", "system_abnormal": False,
                       "grid_capacity": "large_grid"}),
        quality(facts={"quality_kind": "frequency", "measured_frequency_max_hz": "50.3", "system_abnormal": False,
                       "grid_capacity": "large_grid"}),
    ),
    "stop_supply_procedure": (
        outage(facts={"outage_cause": "disconnection_arrears_or_violation", "stop_notice_date": None,
                      "proven_loss": "900.00"}),
        outage(facts={"outage_cause": "disconnection_arrears_or_violation", "stop_notice_date": "2025-03-07",
                      "stop_reminder_given": True}),
    ),
    "restore_3d_1996#late": (
        outage(event_date=OLD, facts={"outage_cause": "grid_fault_or_rationing", "restoration_delay_hours": 100,
                                      "restoration_delay_loss": "50.00"}),
        outage(event_date=OLD, facts={"outage_cause": "grid_fault_or_rationing", "restoration_delay_hours": 70}),
    ),
    "restore_24h_2024#late": (
        outage(facts={"outage_cause": "grid_fault_or_rationing", "restoration_delay_hours": 25,
                      "restoration_delay_loss": "50.00"}),
        outage(facts={"outage_cause": "grid_fault_or_rationing", "restoration_delay_hours": 24}),
    ),
}


def test_every_rule_row_of_the_table_has_a_case_both_ways() -> None:
    keys = {rule.result_key for rule in TABLE.rules}
    assert keys == set(CASES)


@pytest.mark.parametrize("key", sorted(CASES))
def test_rule_applies_in_its_case(key: str) -> None:
    applies, _ = CASES[key]
    assert run(applies())["rule_results"].get(key) == "applies"


@pytest.mark.parametrize("key", sorted(CASES))
def test_rule_does_not_apply_in_the_other_case(key: str) -> None:
    _, other = CASES[key]
    assert run(other())["rule_results"].get(key) != "applies"


@pytest.mark.parametrize("key", sorted(CASES))
def test_an_applied_rule_is_cited_or_explained(key: str) -> None:
    applies, _ = CASES[key]
    result = run(applies())
    rows = [r for r in TABLE.rules if r.result_key == key]
    explained = any(r.title_zh in line for r in rows for line in result["explanation"])
    cited = any(c in result["citations"] for r in rows for c in r.citations)
    assert explained or cited, result["explanation"]


BOUNDARY_KEYS = sorted({r.result_key for r in TABLE.rules if r.role == "boundary"})


@pytest.mark.parametrize("key", BOUNDARY_KEYS)
def test_every_boundary_rule_says_where_to_turn_instead(key: str) -> None:
    applies, _ = CASES[key]
    result = run(applies())
    assert result["outcome"] == "outside_service_boundary"
    # the claimant turns to another party, or is told the facility is his own (and who maintains it)
    assert any("请求人应转向：" in line or "故障设施属请求人自有：" in line for line in result["explanation"])


def test_the_boundary_rules_are_the_ones_the_issue_names() -> None:
    assert set(BOUNDARY_KEYS) == {"supply_area_boundary", "employer_scope#off_duty", "liability_by_ownership",
                                  "boundary_2024", "land_expropriation"}
