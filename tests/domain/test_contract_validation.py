"""Validation of contract case objects: every bad field is named by its JSON path."""

from __future__ import annotations

from typing import Any

import pytest
from casefactory import example_files, item, load, make

from casework.domain.contract import (
    CATEGORIES,
    FACT_FIELDS,
    TOP_FIELDS,
    FieldError,
    validate_case,
    validate_cases,
    validate_facts,
)


def errors(case: Any, path: str = "case") -> list[tuple[str, str]]:
    return [(e.path, e.message) for e in validate_case(case, path)]


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.stem)
def test_every_example_is_valid(path: Any) -> None:
    assert validate_case(load(path)["case"]) == []


@pytest.mark.parametrize("category", CATEGORIES)
def test_factory_cases_are_valid(category: str) -> None:
    assert validate_case(make(category)) == []


def test_the_eight_categories() -> None:
    assert CATEGORIES == ("appliance", "outage", "power_quality", "crop", "trees", "land_tower", "injury",
                          "service_dispute")


@pytest.mark.parametrize("key", ["category", "event_date", "report_date", "facts"])
def test_required_top_level_keys(key: str) -> None:
    case = make("crop", drop=(key,))
    assert (f"case.{key}", "required") in errors(case)


@pytest.mark.parametrize(
    ("top", "path", "message"),
    [
        ({"category": "weather"}, "case.category", "unknown value 'weather' (expected one of appliance, outage, power_quality, crop, trees, land_tower, injury, service_dispute)"),
        ({"event_date": "2025/05/18"}, "case.event_date", "not a date (YYYY-MM-DD)"),
        ({"report_date": "2025-02-30"}, "case.report_date", "not a date (YYYY-MM-DD)"),
        ({"knew_date": 20250518}, "case.knew_date", "not a date (YYYY-MM-DD)"),
        ({"facility_owner": "state"}, "case.facility_owner", "unknown value 'state' (expected one of utility, customer, third_party, village_collective)"),
        ({"utility_maintains": "yes"}, "case.utility_maintains", "not a boolean"),
        ({"cause": "lightning"}, "case.cause", "unknown value 'lightning' (expected one of utility_fault, force_majeure, third_party, victim_fault, victim_intent, product_quality, unknown)"),
        ({"cause_confirmed_by_authority": 1}, "case.cause_confirmed_by_authority", "not a boolean"),
        ({"claimed_amount": "12.345"}, "case.claimed_amount", "not a decimal: more than 2 decimals"),
        ({"claimed_amount": 4200}, "case.claimed_amount", "not a decimal string"),
        ({"claimed_amount": "4,200"}, "case.claimed_amount", "not a decimal"),
        ({"claimed_amount": "-5.00"}, "case.claimed_amount", "must not be negative"),
        ({"limitation_interruptions": "2024-01-01"}, "case.limitation_interruptions", "not an array"),
        ({"holidays": ["2025-10-01", "2025-13-01"]}, "case.holidays[1]", "not a date (YYYY-MM-DD)"),
        ({"facts": []}, "case.facts", "not an object"),
    ],
)
def test_top_level_field_errors_name_the_path(top: dict[str, Any], path: str, message: str) -> None:
    case = make("crop")
    case.update(top)
    assert errors(case) == [(path, message)]


@pytest.mark.parametrize(
    ("category", "facts", "path", "message"),
    [
        ("appliance", {"customer_type": "commercial"}, "case.facts.customer_type", "unknown value 'commercial' (expected one of residential, non_residential)"),
        ("appliance", {"supply_voltage_v": "220"}, "case.facts.supply_voltage_v", "unknown value '220' (expected one of 220, 380)"),
        ("appliance", {"supply_voltage_v": True}, "case.facts.supply_voltage_v", "unknown value True (expected one of 220, 380)"),
        ("appliance", {"appliances": {"name": "x"}}, "case.facts.appliances", "not an array"),
        ("appliance", {"appliances": [item(), "tv"]}, "case.facts.appliances[1]", "not an object"),
        ("appliance", {"appliances": [item(), item(price="abc")]}, "case.facts.appliances[1].price", "not a decimal"),
        ("appliance", {"appliances": [item(purchase_date="2025-2-15")]}, "case.facts.appliances[0].purchase_date", "not a date (YYYY-MM-DD)"),
        ("appliance", {"appliances": [item(**{"class": "gadget"})]}, "case.facts.appliances[0].class", "unknown value 'gadget' (expected one of electronic, motor, resistive_heating, light_source)"),
        ("appliance", {"appliances": [item(invoice="true")]}, "case.facts.appliances[0].invoice", "not a boolean"),
        ("outage", {"avg_hourly_kwh": "four hundred"}, "case.facts.avg_hourly_kwh", "not a number"),
        ("outage", {"outage_hours": True}, "case.facts.outage_hours", "not a number"),
        ("outage", {"notice_given_hours": "-3"}, "case.facts.notice_given_hours", "must not be negative"),
        ("outage", {"tariff": "three_part"}, "case.facts.tariff", "unknown value 'three_part' (expected one of two_part, single_part)"),
        ("trees", {"tree_count": "4.5"}, "case.facts.tree_count", "not a whole number"),
        ("trees", {"planted_date": "March 2022"}, "case.facts.planted_date", "not a date (YYYY-MM-DD)"),
        ("crop", {"crop": 7}, "case.facts.crop", "not a string"),
        ("injury", {"victim_conduct": "reckless"}, "case.facts.victim_conduct", "unknown value 'reckless' (expected one of none, gross_negligence, intent, unauthorised_entry)"),
        ("land_tower", {"one_time_compensation_paid": "no"}, "case.facts.one_time_compensation_paid", "not a boolean"),
    ],
)
def test_fact_errors_name_the_path(category: str, facts: dict[str, Any], path: str, message: str) -> None:
    assert errors(make(category, facts=facts)) == [(path, message)]


def test_quantities_accept_strings_and_numbers_but_money_only_strings() -> None:
    assert errors(make("outage", facts={"avg_hourly_kwh": 400, "outage_hours": 3.5, "energy_price": "0.6523"})) == []
    assert errors(make("crop", facts={"local_rate_per_mu": 1500})) == [
        ("case.facts.local_rate_per_mu", "not a decimal string")]


def test_null_optional_facts_are_accepted() -> None:
    assert errors(make("outage", facts={"proven_loss": None, "notice_given_hours": None})) == []


def test_unknown_keys_are_ignored() -> None:
    assert errors(make("crop", note="extra", facts={"soil": "loam"})) == []


def test_array_of_cases_reports_the_index_of_the_bad_one() -> None:
    cases = [make("crop"), make("appliance"), make("appliance", facts={"appliances": [item(price="1.001")]})]
    assert validate_cases(cases) == [
        FieldError("cases[2].facts.appliances[0].price", "not a decimal: more than 2 decimals")]
    assert validate_cases({"category": "crop"}) == [FieldError("cases", "not an array")]
    assert validate_cases([1]) == [FieldError("cases[0]", "not an object")]


def test_path_prefix_is_configurable() -> None:
    assert errors(make("crop", event_date="x"), path="") == [("event_date", "not a date (YYYY-MM-DD)")]
    assert validate_case("text") == [FieldError("case", "not an object")]


def test_validate_facts_checks_only_what_is_present() -> None:
    assert validate_facts("appliance", {}) == []
    assert validate_facts("appliance", {"appliances": [{"price": "1"}]}) == []
    assert validate_facts("trees", {"tree_count": -1}) == [FieldError("facts.tree_count", "must not be negative")]
    assert validate_facts("weather", {}) == [FieldError("category", "unknown category 'weather'")]
    assert validate_facts("crop", "x") == [FieldError("facts", "not an object")]


def test_field_error_serialises_for_the_api() -> None:
    assert FieldError("case.x", "required").to_dict() == {"path": "case.x", "message": "required"}


def test_every_field_is_described_for_the_intake_forms() -> None:
    specs = list(TOP_FIELDS.values()) + [s for fields in FACT_FIELDS.values() for s in fields.values()]
    specs += list(FACT_FIELDS["appliance"]["appliances"].items.values())  # type: ignore[union-attr]
    for spec in specs:
        assert spec.label_zh and spec.label_en
        if spec.kind == "enum":
            assert spec.values and all(label for _, label in spec.choices)


def test_the_contracts_fact_lists_are_all_described() -> None:
    contract_facts = {
        "appliance": {"customer_type", "supply_voltage_v", "fault_type", "appliances"},
        "outage": {"outage_cause", "notice_given_hours", "important_user", "contract_accident_clause", "tariff",
                   "avg_hourly_kwh", "outage_hours", "energy_price", "proven_loss", "repair_delayed"},
        "power_quality": {"quality_kind", "contract_quality_clause", "power_factor_meets_standard",
                          "caused_by_other_user", "noncompliant_kwh", "avg_price", "proven_loss"},
        "crop": {"work_kind", "area_mu", "crop", "region", "growth_stage", "local_rate_per_mu"},
        "trees": {"reason", "tree_count", "rate_per_tree", "planted_date", "zone_designated_date"},
        "land_tower": {"claim_kind", "facility_built_date", "claimant_acquired_date", "one_time_compensation_paid"},
        "injury": {"voltage_kv", "victim_conduct", "warnings_adequate", "assessed_damages"},
        "service_dispute": {"employee_involved", "employee_on_duty", "description"},
    }
    for category, names in contract_facts.items():
        fields = FACT_FIELDS[category]
        assert names <= set(fields)
        assert all(not fields[n].extension for n in names)
        assert all(spec.extension for n, spec in fields.items() if n not in names)


# -- dates out of order (issue 15, D7): refused by the contract itself, so the CLI, the API and the forms agree --

def test_a_report_before_the_event_is_refused_naming_both_dates() -> None:
    """家电办法第七条 "从家用电器损坏之日起七日内……投诉并提出索赔要求": a claim for damage is made after the damage;
    one dated before it is a typo the 7-day window would otherwise count as "in time"."""
    case = make("appliance", event_date="2025-07-20", report_date="2025-07-01")
    assert errors(case) == [("case.report_date", "before case.event_date (2025-07-01 < 2025-07-20)")]


def test_knowledge_of_the_damage_before_the_damage_is_refused() -> None:
    """民法典第一百八十八条第二款 "自权利人知道或者应当知道权利受到损害以及义务人之日起计算": nobody knows of a damage
    before it happens, and such a knew_date would start the limitation period early."""
    case = make("outage", event_date="2025-03-12", report_date="2025-03-13", knew_date="2025-03-01")
    assert errors(case) == [("case.knew_date", "before case.event_date (2025-03-01 < 2025-03-12)")]


def test_an_appliance_bought_after_the_damage_is_refused() -> None:
    """家电办法第十条 "使用时间以发货票开具的日期为准开始计算": a purchase after the damage gives a negative age and,
    unrefused, the full price of 第十条's first sentence."""
    case = make("appliance", event_date="2025-08-01",
                facts={"appliances": [item(purchase_date="2019-08-15"), item(purchase_date="2025-08-02")]})
    assert errors(case) == [("case.facts.appliances[1].purchase_date",
                             "after case.event_date (2025-08-02 > 2025-08-01)")]


def test_the_same_day_is_in_order_and_an_array_names_the_case() -> None:
    same = make("appliance", event_date="2025-08-01", report_date="2025-08-01", knew_date="2025-08-01",
                facts={"appliances": [item(purchase_date="2025-08-01")]})
    assert validate_case(same) == []
    late = make("crop", event_date="2025-05-18", report_date="2025-05-17")
    assert validate_cases([same, late]) == [
        FieldError("cases[1].report_date", "before cases[1].event_date (2025-05-17 < 2025-05-18)")]


def test_an_unreadable_date_is_named_once_and_not_compared() -> None:
    case = make("appliance", event_date="2025-08-01", report_date="2025-13-01")
    assert errors(case) == [("case.report_date", "not a date (YYYY-MM-DD)")]
    assert errors(make("appliance", event_date="x", report_date="2000-01-01")) == [
        ("case.event_date", "not a date (YYYY-MM-DD)")]
