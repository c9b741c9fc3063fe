"""Residential appliance claims: which regime, which method, how much, and what is still missing."""

from __future__ import annotations

from casefactory import item, make, run, run_covered


def test_item_bought_within_six_months_is_paid_at_full_price() -> None:
    result = run(make("appliance"))
    assert (result["outcome"], result["amount"]) == ("liable", "4800.00")
    assert result["items"] == [{"name": "液晶电视机", "amount": "4800.00", "method": "full_price"}]


def test_six_months_is_the_same_day_six_months_later_and_no_more() -> None:
    on_day = run(make("appliance", event_date="2025-08-15", report_date="2025-08-15"))
    day_after = run(make("appliance", event_date="2025-08-16", report_date="2025-08-16"))
    assert on_day["items"][0]["method"] == "full_price"
    assert day_after["items"][0]["method"] == "depreciated"
    # 6 completed months of an electronic appliance (120 months): 4800 × 114/120
    assert day_after["amount"] == "4560.00"


def test_month_end_purchase_has_its_six_months_end_at_the_shorter_month_end() -> None:
    bought = {"appliances": [item(purchase_date="2024-08-31")]}
    assert run(make("appliance", facts=bought, event_date="2025-02-28", report_date="2025-02-28"))["items"][0][
        "method"] == "full_price"
    assert run(make("appliance", facts=bought, event_date="2025-03-01", report_date="2025-03-01"))["items"][0][
        "method"] == "depreciated"


def test_depreciation_counts_completed_months_and_rounds_half_up_once() -> None:
    # 3333.33 × (120 − 7)/120 = 3138.886… → 3138.89
    facts = {"appliances": [item(price="3333.33", purchase_date="2025-01-01")]}
    result = run(make("appliance", facts=facts, event_date="2025-08-02", report_date="2025-08-02"))
    assert result["items"][0] == {"name": "液晶电视机", "amount": "3138.89", "method": "depreciated"}


def test_residual_below_ten_percent_pays_ten_percent() -> None:
    # light source: 24-month life; after 22 months the residual is 8.3 % of the price
    facts = {"appliances": [item(**{"class": "light_source"}, price="100.00", purchase_date="2023-09-01")]}
    result = run(make("appliance", facts=facts, event_date="2025-07-02", report_date="2025-07-02"))
    assert result["items"][0] == {"name": "液晶电视机", "amount": "10.00", "method": "floor_10pct"}


def test_repairable_item_is_paid_its_repair_cost() -> None:
    result = run(make("appliance", facts={"appliances": [item(repairable=True, repair_cost="350.50")]}))
    assert result["items"] == [{"name": "液晶电视机", "amount": "350.50", "method": "repair"}]
    assert "unverified_parameter" in result["flags"]  # the repair article's number is unverified


def test_repair_cost_above_the_price_is_capped_and_flagged() -> None:
    result = run(make("appliance", facts={"appliances": [item(price="500.00", repairable=True, repair_cost="800.00")]}))
    assert result["amount"] == "500.00"
    assert "unverified_parameter" in result["flags"]


def test_several_items_are_rounded_each_then_summed() -> None:
    facts = {"appliances": [item(name="A", price="100.01", purchase_date="2025-01-01"),
                            item(name="B", price="0.05", purchase_date="2025-01-01")]}
    result = run(make("appliance", facts=facts, event_date="2025-08-02", report_date="2025-08-02"))
    # A: 100.01 × 113/120 = 94.176 → 94.18; B: 0.05 × 113/120 = 0.0470… → 0.05
    assert [i["amount"] for i in result["items"]] == ["94.18", "0.05"]
    assert result["amount"] == "94.23"


def test_foreign_currency_price_is_converted_at_the_purchase_rate() -> None:
    result = run(make("appliance", facts={"appliances": [item(price="600.00", currency="USD", fx_rate="7.1")]}))
    assert result["amount"] == "4260.00"


def test_item_without_invoice_is_paid_but_flagged_for_the_price_basis() -> None:
    result = run(make("appliance", facts={"appliances": [item(invoice=False)]}))
    assert result["outcome"] == "liable"
    assert "unverified_parameter" in result["flags"]


def test_item_with_invoice_within_six_months_raises_no_flag() -> None:
    assert run_covered(make("appliance"))["flags"] == []


def test_exemption_needs_the_authoritys_confirmation() -> None:
    confirmed = run(make("appliance", cause="third_party", cause_confirmed_by_authority=True))
    unconfirmed = run(make("appliance", cause="third_party", cause_confirmed_by_authority=False))
    unknown = run(make("appliance", cause="third_party"))
    assert confirmed["outcome"] == "not_liable"
    assert {"instrument": "居民用户家用电器损坏处理办法", "article": "第六条"} in confirmed["citations"]
    assert unconfirmed["outcome"] == "liable"
    assert unknown["outcome"] == "insufficient_facts"
    assert unknown["missing_facts"] == ["cause_confirmed_by_authority"]


def test_non_residential_customer_falls_under_general_tort_law() -> None:
    result = run(make("appliance", facts={"customer_type": "non_residential", "proven_loss": "1234.56"}))
    assert (result["outcome"], result["amount"]) == ("liable", "1234.56")
    assert {"instrument": "中华人民共和国民法典", "article": "第一千一百八十四条"} in result["citations"]
    assert all(c["instrument"] != "居民用户家用电器损坏处理办法" for c in result["citations"])


def test_general_law_claim_without_a_proven_loss_is_not_guessed() -> None:
    result = run(make("appliance", facts={"fault_type": "other"}))
    assert result["outcome"] == "insufficient_facts"
    assert result["missing_facts"] == ["facts.proven_loss"]
    assert result["amount"] is None


def test_late_report_is_time_barred_with_litigation_risk() -> None:
    result = run_covered(make("appliance", event_date="2025-07-10", report_date="2025-07-21"))
    assert result["outcome"] == "time_barred"
    assert result["flags"] == ["litigation_risk"]
    assert {"kind": "report_window", "due": "2025-07-17",
            "citation": {"instrument": "居民用户家用电器损坏处理办法", "article": "第七条"}} in result["deadlines"]


def test_general_law_appliance_claim_has_no_seven_day_window() -> None:
    result = run(make("appliance", facts={"customer_type": "non_residential", "proven_loss": "100.00"},
                      event_date="2025-07-10", report_date="2025-07-21"))
    assert result["outcome"] == "liable"
    assert all(d["kind"] != "report_window" for d in result["deadlines"])


def test_on_site_investigation_is_due_the_day_after_the_report() -> None:
    result = run(make("appliance"))
    assert {"kind": "on_site_investigation", "due": "2025-08-04",
            "citation": {"instrument": "居民用户家用电器损坏处理办法", "article": "第四条"}} in result["deadlines"]


def test_fault_on_the_customers_own_wiring_is_outside_the_boundary_with_a_redirect() -> None:
    result = run(make("appliance", facility_owner="customer", utility_maintains=False))
    assert (result["outcome"], result["amount"]) == ("outside_service_boundary", "0.00")
    assert {"instrument": "供电营业规则", "article": "第五十四条", "version": "2024"} in result["citations"]
    # the claimant is the owner: his own responsibility, and who maintains it (条例第十七条), not "turn to the user"
    assert any("请求人自行承担" in line and "电工" in line and "电力供应与使用条例第十七条" in line
               for line in result["explanation"])
    assert result["deadlines"] == []


def test_customer_facility_maintained_by_the_utility_stays_inside() -> None:
    result = run(make("appliance", facility_owner="customer", utility_maintains=True))
    assert result["outcome"] == "liable"


def test_missing_owner_or_maintenance_is_asked_for() -> None:
    assert run(make("appliance", utility_maintains=False, drop=("facility_owner",)))["missing_facts"] == [
        "facility_owner"]
    assert run(make("appliance", facility_owner="village_collective", drop=("utility_maintains",)))[
        "missing_facts"] == ["utility_maintains"]


def test_the_owner_is_not_asked_for_a_line_the_utility_maintains() -> None:
    """家电办法第二条 "在供电企业负责运行维护的220/380伏供电线路或设备上": the Measures turn on who maintains the line,
    not on who owns it; with the utility maintaining it, every owner gives the same result (issue 15, D5)."""
    result = run(make("appliance", drop=("facility_owner",)))
    assert (result["outcome"], result["amount"], result["missing_facts"]) == ("liable", "4800.00", [])
    assert any("“故障设施产权人”不影响结论" in line for line in result["explanation"])


def test_missing_item_facts_are_named_by_json_path() -> None:
    facts = {"appliances": [item(), item(repairable=True), {"name": "X", "repairable": False, "price": "10.00"}]}
    result = run(make("appliance", facts=facts))
    assert result["outcome"] == "insufficient_facts"
    assert result["missing_facts"] == ["facts.appliances[1].repair_cost", "facts.appliances[2].purchase_date"]
    assert result["items"] == []


def test_empty_appliance_list_is_missing() -> None:
    assert run(make("appliance", facts={"appliances": []}))["missing_facts"] == ["facts.appliances"]


def test_class_is_needed_only_once_depreciation_is() -> None:
    new = {"appliances": [{k: v for k, v in item().items() if k != "class"}]}
    old = {"appliances": [{k: v for k, v in item(purchase_date="2020-01-01").items() if k != "class"}]}
    assert run(make("appliance", facts=new))["outcome"] == "liable"
    assert run(make("appliance", facts=old))["missing_facts"] == ["facts.appliances[0].class"]


# -- D13 (issue 15): the repair cap is the legal department's policy, not law ---------------------------------
FRIDGE = {"name": "电冰箱", "class": "motor", "price": "3600.00", "purchase_date": "2019-07-20"}


def _with_cap(policy: str) -> dict[str, object]:
    from casework.domain.rules import bundled_table_dict

    data = bundled_table_dict()
    for row in data["parameters"]:
        if row["name"] == "ha_repair_cap":
            row["value"] = policy
    return data


def test_repair_costing_more_than_the_irreparable_value_is_capped_there_as_policy() -> None:
    """民法典第一千一百八十四条 "按照损失发生时的市场价格或者其他合理方式计算": a six-year-old fridge (3600.00, 电机类
    12 years) would get 1800.00 if irreparable; a 5000.00 repair is paid 1800.00, not 3600.00 (twice as much)."""
    result = run(make("appliance", facts={"appliances": [item(**FRIDGE, repairable=True, repair_cost="5000.00")]}))
    assert (result["outcome"], result["amount"]) == ("liable", "1800.00")
    assert result["items"] == [{"name": "电冰箱", "amount": "1800.00", "method": "repair"}]
    line = next(line for line in result["explanation"] if "修复费用5000.00元" in line)
    assert "3600.00元×（1－72/144）" in line and "内部政策，不是法律规定" in line and "第一千一百八十四条" in line
    assert "unverified_parameter" in result["flags"]
    assert any("本单位法律部门的政策" in note["zh"] for note in result["to_verify"])


def test_the_legal_department_chooses_the_cap() -> None:
    """The cap is a parameter (`ha_repair_cap`): the original price, or no cap at all."""
    from casework.domain.rules import RuleTable, assess

    case = make("appliance", facts={"appliances": [item(**FRIDGE, repairable=True, repair_cost="5000.00")]})
    assert assess(case, RuleTable.from_dict(_with_cap("original_price")))["amount"] == "3600.00"
    assert assess(case, RuleTable.from_dict(_with_cap("none")))["amount"] == "5000.00"


def test_a_repair_below_the_cap_is_paid_in_full_and_raises_no_policy_note() -> None:
    result = run(make("appliance", facts={"appliances": [item(**FRIDGE, repairable=True, repair_cost="1000.00")]}))
    assert result["amount"] == "1000.00"
    assert not any("修复费用的上限" in note["zh"] for note in result.get("to_verify", []))


def test_a_repair_below_ten_percent_of_the_price_needs_no_purchase_date() -> None:
    """No cap the policy allows is below 10 % of the price (家电办法第十条), so the age cannot change the amount."""
    fridge = {k: v for k, v in item(**FRIDGE, repairable=True, repair_cost="300.00").items() if k != "purchase_date"}
    result = run(make("appliance", facts={"appliances": [fridge]}))
    assert (result["outcome"], result["amount"]) == ("liable", "300.00")
def test_a_late_appliance_report_says_a_court_may_still_hear_the_claim() -> None:
    """家电办法 第七条 (…即视为……自动放弃索赔权) bars the claim against the utility only; 民法典 第一百八十八条
    (诉讼时效期间为三年) still lets a court hear it — said in words, not by the flag alone (issue 15)."""
    result = run(make("appliance", event_date="2025-07-10", report_date="2025-07-21"))
    step = next(s for s in result["explanation"] if "七日内投诉索赔" in s)
    assert "请求人仍可在三年诉讼时效期间内向人民法院起诉（民法典第一百八十八条）" in step
    assert "litigation_risk" in result["flags"]
    english = next(s for s in result["explanation_en"] if "seven days" in s)
    assert "may still sue in a people's court within the three-year limitation period" in english
