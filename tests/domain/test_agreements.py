"""Party agreements: a signed settlement governs the damage it settled (民法典第四百六十五条、第五百零九条,
paid: 第五百五十七条), agreed liquidated damages replace the computed sum (第五百八十五条), and "双方另有约定的除外"
of 供电营业规则（2024年版）第九十七条至第九十九条 is read with 第一百零二条."""

from __future__ import annotations

from casefactory import make, run

from casework.domain.contract import validate_case

SETTLED = {"kind": "settlement", "signed_date": "2025-05-25", "amount": "1300.00", "same_damage": True, "paid": False}
CC = "中华人民共和国民法典"


def test_an_unpaid_settlement_governs_the_amount() -> None:
    """第五百零九条 "当事人应当按照约定全面履行自己的义务": the agreed sum, not the rate table's."""
    result = run(make("crop", agreement=SETTLED))
    assert (result["outcome"], result["amount"]) == ("liable", "1300.00")
    assert {"instrument": CC, "article": "第四百六十五条"} in result["citations"]


def test_a_settlement_binds_even_where_the_law_alone_would_pay_nothing_or_be_late() -> None:
    """Signing is the utility's agreement to perform (第一百九十五条（二）; after expiry 第一百九十二条第二款)."""
    late = run(make("appliance", report_date="2025-09-30", agreement=SETTLED))
    assert (late["outcome"], late["amount"]) == ("liable", "1300.00")
    assert any("诉讼时效自此重新计算" in line for line in late["explanation"])


def test_a_second_claim_for_damage_already_paid_under_an_agreement_is_refused_in_words() -> None:
    """第五百五十七条 "债务已经履行" → 债权债务终止."""
    result = run(make("crop", agreement={**SETTLED, "paid": True}))
    assert (result["outcome"], result["amount"]) == ("not_liable", "0.00")
    assert any("就同一损害再次主张" in line for line in result["explanation"])


def test_crops_paid_to_the_village_send_the_owner_to_the_village() -> None:
    """土地管理法实施条例第三十二条第二款 "地上附着物和青苗等的补偿费用，归其所有权人所有"."""
    result = run(make("crop", agreement={**SETTLED, "paid": True, "counterparty": "village_collective"}))
    assert any("向村集体主张" in line for line in result["explanation"])
    assert {"instrument": "中华人民共和国土地管理法实施条例", "article": "第三十二条"} in result["citations"]


def test_a_no_replant_undertaking_is_cited() -> None:
    """电力设施保护条例实施细则第十六条（一） "并与其签定不再在通道内种植树木的协议"."""
    result = run(make("trees", agreement={**SETTLED, "no_replant_undertaking": True}))
    assert any("不再在通道内种植树木的协议（《电力设施保护条例实施细则》第十六条）" in line for line in result["explanation"])
    assert {"instrument": "电力设施保护条例实施细则", "article": "第十六条"} in result["citations"]


def test_an_agreement_on_other_damage_leaves_the_claim_alone() -> None:
    assert run(make("crop", agreement={**SETTLED, "same_damage": False}))["amount"] == run(make("crop"))["amount"]


def test_whether_it_was_paid_decides_and_is_asked_for() -> None:
    result = run(make("crop", agreement={k: v for k, v in SETTLED.items() if k != "paid"}))
    assert result["outcome"] == "insufficient_facts" and result["missing_facts"] == ["agreement.paid"]


def test_agreed_liquidated_damages_replace_the_computed_amount() -> None:
    """第五百八十五条: agreed damages are paid; a court may raise or reduce them on request."""
    result = run(make("outage", agreement={"kind": "liquidated_damages", "amount": "2000.00"}))
    assert (result["outcome"], result["amount"]) == ("liable", "2000.00")
    assert "court_discretion" in result["flags"]
    assert {"instrument": CC, "article": "第五百八十五条"} in result["citations"]


def test_an_agreement_below_the_2024_formula_governs_but_may_be_challenged() -> None:
    """第九十七条 "双方另有约定的除外", 第一百零二条 "不得……减损用户权利": 4550.00 by the rule, 3000.00 agreed."""
    result = run(make("outage", agreement={"kind": "rule_formula_agreed", "amount": "3000.00"}))
    assert (result["outcome"], result["amount"]) == ("liable", "3000.00")
    assert {"litigation_risk", "unverified_parameter"} <= set(result["flags"])
    assert any("用户可主张按4550.00元赔偿" in line for line in result["explanation"])
    assert {"instrument": "供电营业规则", "article": "第一百零二条", "version": "2024"} in result["citations"]


def test_an_agreement_above_the_2024_formula_is_capped_at_it() -> None:
    """第一百零二条 "不得超出本规则规定的违约责任限度"."""
    result = run(make("outage", agreement={"kind": "rule_formula_agreed", "amount": "9000.00"}))
    assert result["amount"] == "4550.00"


def test_agreements_that_do_not_fit_the_claim_are_refused_naming_the_field() -> None:
    crop = validate_case(make("crop", agreement={"kind": "liquidated_damages", "amount": "100.00"}))
    assert [e.path for e in crop] == ["case.agreement.kind"]
    old = validate_case(make("outage", event_date="2024-05-31", report_date="2024-06-01",
                             agreement={"kind": "rule_formula_agreed", "amount": "100.00"}))
    assert [e.path for e in old] == ["case.agreement.kind"]
    bad = validate_case(make("crop", agreement={"kind": "gift", "paid": "yes"}))
    assert sorted(e.path for e in bad) == ["case.agreement.amount", "case.agreement.kind", "case.agreement.paid"]
