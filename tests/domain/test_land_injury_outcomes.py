"""Crops, trees, tower land, personal injury and service disputes; and the order of analysis."""

from __future__ import annotations

from casefactory import TABLE, make, run, run_covered

from casework.domain.rules import missing_facts


def test_stated_local_rate_wins_and_raises_no_flag() -> None:
    result = run_covered(make("crop"))
    assert (result["amount"], result["flags"]) == ("1200.00", [])


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


def test_new_line_corridor_needs_the_planting_date_too() -> None:
    """Issue 15 D1: 细则第十八条 pays nothing for new planting whatever the reason (see test_land_trees.py)."""
    result = run(make("trees", facts={"reason": "new_line_corridor"}, drop=("facts.planted_date",)))
    assert (result["outcome"], result["missing_facts"]) == ("insufficient_facts", ["facts.planted_date"])


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


def test_a_later_acquirer_without_a_payment_record_is_decided_without_it() -> None:
    """土地管理法实施条例第三十二条第二款 "地上附着物和青苗等的补偿费用，归其所有权人所有" (and the provincial rules:
    the one-time compensation goes to the right-holder when the tower was built): for a claimant who acquired
    the land after the tower was built, paid → nothing more is owed, unpaid → the claim was the earlier holder's.
    Both answers end in not_liable, so the missing payment record is not asked for (issue 15, D5)."""
    later = make("land_tower", facts={"claimant_acquired_date": "2016-01-01", "one_time_compensation_paid": None})
    result = run(later)
    assert result["outcome"] == "not_liable" and result["amount"] == "0.00"
    assert result["missing_facts"] == []
    text = "\n".join(result["explanation"])
    assert "若“一次性补偿已支付”为“是”" in text and "若“一次性补偿已支付”为“否”" in text
    assert "“一次性补偿已支付”不影响结论" in text
    assert "一次性补偿已经支付——" not in text.split("若“")[0]  # no value is asserted outside its branch
    for paid in (True, False):
        assert run(make("land_tower", facts={**later["facts"], "one_time_compensation_paid": paid}))["outcome"] == (
            "not_liable")
    assert "facts.one_time_compensation_paid" not in missing_facts(later, TABLE)


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


# -- D12 (issue 15): "where to turn instead" fits the claimant ----------------------------------------------
def _redirect(result: dict[str, object]) -> str:
    lines = [line for line in result["explanation"] if "请求人应转向：" in line or "故障设施属请求人自有：" in line]  # type: ignore[union-attr]
    assert len(lines) == 1, result["explanation"]
    return str(lines[0])


def test_passer_by_injured_on_a_customers_transformer_claims_from_its_operator() -> None:
    """民法典第一千二百四十条 "从事高空、高压……活动……造成他人损害的，经营者应当承担侵权责任": a passer-by hurt on a
    factory's 10 kV transformer is sent to the factory as operator, never told the matter is "the user himself"'s."""
    result = run(make("injury", facility_owner="customer", utility_maintains=False))
    assert result["outcome"] == "outside_service_boundary"
    line = _redirect(result)
    assert "请求人应转向：该设施的经营者" in line and "民法典第一千二百四十条" in line
    assert "用户本人" not in line and "自行承担" not in line


def test_low_voltage_injury_on_a_customer_facility_is_the_owners_fault_liability() -> None:
    """民法典第一千一百六十五条 "行为人因过错侵害他人民事权益造成损害的，应当承担侵权责任" below high voltage."""
    line = _redirect(run(make("injury", facility_owner="customer", utility_maintains=False, facts={"voltage_kv": "0.4"})))
    assert "产权人或管理人即该用户" in line and "民法典第一千一百六十五条" in line


def test_an_owner_claiming_for_his_own_facility_is_told_it_is_his_own_and_who_maintains_it() -> None:
    """电力供应与使用条例第十七条 "用户专用的供电设施建成投产后，由用户维护管理或者委托供电企业维护管理"."""
    line = _redirect(run(make("outage", facility_owner="customer", utility_maintains=False)))
    assert "故障设施属请求人自有" in line and "请求人自行承担" in line and "电力供应与使用条例第十七条" in line
    assert "委托维护合同" in line and "电工" in line
    injured_owner = run(make("injury", facility_owner="customer", utility_maintains=False,
                             claimant_is_facility_owner=True))
    assert "故障设施属请求人自有" in _redirect(injured_owner)


def test_a_tenant_is_sent_to_the_owner_of_the_wiring() -> None:
    result = run(make("appliance", facility_owner="customer", utility_maintains=False, claimant_is_facility_owner=False))
    assert "请求人应转向：该设施的产权人即该用户" in _redirect(result)
