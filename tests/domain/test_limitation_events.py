"""Typed limitation events (issue 15, D3) and the two-year period of the 民法通则 (D9), tested from the text of
民法典 第一百九十二条、第一百九十四条、第一百九十五条 and of the SPC interpretation on the 民法总则 limitation rules."""

from __future__ import annotations

from typing import Any

from casefactory import make, run

from casework.domain.contract import validate_case

# knew 2020-01-10 → the three years ended on 2023-01-10 (a Tuesday); the first claim came on 2024-06-03
EXPIRED = {"event_date": "2020-01-10", "report_date": "2024-06-03"}


def crop(**kw: Any) -> dict[str, Any]:
    return make("crop", **kw)


def said(result: dict[str, Any]) -> str:
    return "\n".join(result["explanation"])


def test_a_promise_to_pay_after_expiry_and_after_the_claim_loses_the_limitation_defence() -> None:
    """民法典 第一百九十二条第二款: 诉讼时效期间届满后，义务人同意履行的，不得以诉讼时效期间届满为由抗辩 —
    whenever the agreement was made; here, as usual, after the first claim."""
    result = run(crop(**EXPIRED, limitation_events=[{"date": "2024-07-01", "kind": "promise_to_pay"}]))
    assert result["outcome"] == "liable"
    assert result["rule_results"]["lim_waiver_after_expiry"] == "applies"
    assert result["rule_results"]["lim_3y_general"] == "not_applicable"
    assert "litigation_risk" in result["flags"]
    assert {"instrument": "中华人民共和国民法典", "article": "第一百九十二条"} in result["citations"]
    assert "2024年7月1日供电企业同意履行，发生在诉讼时效期间届满（2023年1月10日）之后" in said(result)
    assert {"kind": "limitation", "due": "2023-01-10",
            "citation": {"instrument": "中华人民共和国民法典", "article": "第一百八十八条"}} in result["deadlines"]


def test_a_promise_before_the_claim_but_after_expiry_also_loses_it() -> None:
    """第一百九十二条第二款 again: the order of promise and claim does not matter."""
    result = run(crop(**EXPIRED, limitation_events=[{"date": "2024-05-06", "kind": "promise_to_pay"}]))
    assert result["outcome"] == "liable"


def test_an_acknowledgement_after_expiry_is_no_agreement_to_perform_by_itself() -> None:
    """第一百九十二条第二款 speaks of 同意履行; an acknowledgement alone is flagged for a person to judge."""
    result = run(crop(**EXPIRED, limitation_events=[{"date": "2024-07-01", "kind": "acknowledgement"}]))
    assert result["outcome"] == "time_barred"
    assert "litigation_risk" in result["flags"]
    assert "2024年7月1日供电企业承认债务，发生在诉讼时效期间届满（2023年1月10日）之后，不能中断时效" in said(result)


def test_a_claim_after_expiry_cannot_interrupt_an_expired_period() -> None:
    """第一百九十五条 interrupts a running period only: 从中断……时起，诉讼时效期间重新计算."""
    result = run(crop(**EXPIRED, limitation_events=[{"date": "2023-06-01", "kind": "claim"}]))
    assert result["outcome"] == "time_barred"
    assert "litigation_risk" not in result["flags"]
    assert "2023年6月1日权利人向供电企业提出履行请求，发生在诉讼时效期间届满（2023年1月10日）之后，不能使已届满的诉讼时效中断" in said(result)


def test_an_untyped_date_after_the_claim_is_no_longer_dropped() -> None:
    """D3: a date of `limitation_interruptions` after the first claim and after expiry may be a promise to pay
    (第一百九十二条第二款): it is said and flagged, where it used to be dropped silently."""
    result = run(crop(**EXPIRED, limitation_interruptions=["2024-07-01"]))
    assert result["outcome"] == "time_barred"
    assert "litigation_risk" in result["flags"]
    assert "2024年7月1日的时效中断事由发生在诉讼时效期间届满（2023年1月10日）之后" in said(result)


def test_a_claim_within_the_period_restarts_it() -> None:
    """第一百九十五条（一）: 权利人向义务人提出履行请求 — restarts from that day (2022-06-01 → 2025-06-03)."""
    result = run(crop(event_date="2020-01-10", report_date="2025-06-03",
                      limitation_events=[{"date": "2022-06-01", "kind": "claim"}]))
    assert result["outcome"] == "liable"
    assert "2022年6月1日权利人向供电企业提出履行请求，在诉讼时效期间内，诉讼时效中断" in said(result)


def test_a_suit_restarts_from_the_end_of_its_proceedings() -> None:
    """第一百九十五条: 从中断、有关程序终结时起，诉讼时效期间重新计算 (suit 2021-03-01, withdrawn 2021-09-01)."""
    events = [{"date": "2021-03-01", "kind": "suit", "until": "2021-09-01"}]
    assert run(crop(event_date="2020-01-10", report_date="2024-09-02", limitation_events=events))["outcome"] == "liable"
    assert run(crop(event_date="2020-01-10", report_date="2024-09-03", limitation_events=events))["outcome"] == (
        "time_barred")


def test_an_obstacle_in_the_last_six_months_suspends_the_period() -> None:
    """民法典 第一百九十四条: 在诉讼时效期间的最后六个月内，因下列障碍，不能行使请求权的，诉讼时效中止……自中止
    时效的原因消除之日起满六个月，诉讼时效期间届满. Period to 2023-01-10; force majeure 2022-12-01 to
    2023-02-01 → ends 2023-08-01."""
    events = [{"date": "2022-12-01", "kind": "suspension", "until": "2023-02-01", "ground": "force_majeure"}]
    on_time = run(crop(event_date="2020-01-10", report_date="2023-08-01", limitation_events=events))
    assert on_time["outcome"] == "liable"
    assert on_time["rule_results"]["lim_suspension"] == "applies"
    assert {"instrument": "中华人民共和国民法典", "article": "第一百九十四条"} in on_time["citations"]
    assert "诉讼时效中止，自中止时效的原因消除之日起满6个月，至2023年8月1日届满" in said(on_time)
    assert run(crop(event_date="2020-01-10", report_date="2023-08-02", limitation_events=events))["outcome"] == (
        "time_barred")


def test_an_obstacle_that_ended_before_the_last_six_months_does_not_suspend() -> None:
    events = [{"date": "2021-01-05", "kind": "suspension", "until": "2021-03-01", "ground": "force_majeure"}]
    result = run(crop(event_date="2020-01-10", report_date="2023-02-01", limitation_events=events))
    assert result["outcome"] == "time_barred"
    assert "不在诉讼时效期间（至2023年1月10日）的最后6个月内，不发生中止" in said(result)


def test_an_obstacle_without_its_end_is_a_missing_fact_when_the_claim_is_late() -> None:
    events = [{"date": "2022-12-01", "kind": "suspension", "ground": "force_majeure"}]
    result = run(crop(event_date="2020-01-10", report_date="2023-08-01", limitation_events=events))
    assert result["outcome"] == "insufficient_facts"
    assert result["missing_facts"] == ["limitation_events[0].until"]
    in_time = run(crop(event_date="2020-01-10", report_date="2022-12-20", limitation_events=events))
    assert in_time["outcome"] == "liable"  # claimed within the period anyway: the end does not matter


def test_every_event_given_is_said_with_what_was_done_with_it() -> None:
    events = [{"date": "2019-12-01", "kind": "claim"}, {"date": "2022-06-01", "kind": "acknowledgement"},
              {"date": "2025-01-02", "kind": "promise_to_pay"}]
    text = said(run(crop(event_date="2020-01-10", report_date="2024-06-03", limitation_events=events)))
    assert "2019年12月1日权利人向供电企业提出履行请求，不晚于诉讼时效起算之日" in text
    assert "2022年6月1日供电企业承认债务，在诉讼时效期间内，诉讼时效中断" in text
    assert "2025年1月2日供电企业同意履行，发生在首次请求（2024年6月3日）之后" in text


def test_the_plain_date_list_keeps_its_meaning() -> None:
    plain = run(crop(event_date="2020-01-10", report_date="2025-06-03", limitation_interruptions=["2022-06-01"]))
    typed = run(crop(event_date="2020-01-10", report_date="2025-06-03",
                     limitation_events=[{"date": "2022-06-01", "kind": "claim"}]))
    assert plain["outcome"] == typed["outcome"] == "liable"
    assert plain["deadlines"] == typed["deadlines"]


def test_bad_events_are_refused_naming_the_fields() -> None:
    case = crop(limitation_events=[{"date": "2024-05-01", "kind": "suspension", "until": "2024-04-01"},
                                   {"date": "2024-05-01"}, {"date": "2024-05-01", "kind": "letter"}])
    errors = {e.path: e.message for e in validate_case(case)}
    assert errors["case.limitation_events[0].until"].startswith("before case.limitation_events[0].date")
    assert errors["case.limitation_events[1].kind"] == "required"
    assert "unknown value 'letter'" in errors["case.limitation_events[2].kind"]
    assert validate_case(crop(limitation_events=[{"date": "2024-05-01", "kind": "claim"}])) == []


# -- D9: the 民法通则 two-year period --------------------------------------------------------------------------------
def test_an_expired_two_year_period_is_cited_under_the_general_principles() -> None:
    """最高人民法院关于适用《民法总则》诉讼时效制度若干问题的解释 第三条: 民法总则施行前，民法通则规定的二年……
    诉讼时效期间已经届满，当事人主张适用民法总则关于三年诉讼时效期间规定的，人民法院不予支持 — the period is the
    民法通则's (第一百三十五条), and is headed as the two years it is."""
    result = run(crop(event_date="2015-03-02", report_date="2017-12-01"))
    assert result["outcome"] == "time_barred"
    assert result["rule_results"]["lim_transition_gpcl#bar"] == "applies"
    assert result["rule_results"]["lim_3y_general"] == "not_applicable"
    assert {"instrument": "中华人民共和国民法通则", "article": "第一百三十五条"} in result["citations"]
    assert {"instrument": "最高人民法院关于适用《民法总则》诉讼时效制度若干问题的解释", "article": "第三条"} in result["citations"]
    assert {"kind": "limitation", "due": "2017-03-02",
            "citation": {"instrument": "中华人民共和国民法通则", "article": "第一百三十五条"}} in result["deadlines"]
    text = said(result)
    assert "二年诉讼时效（《中华人民共和国民法通则》第一百三十五条" in text
    assert "三年诉讼时效" not in text
    assert "limitation_plea_required" in result["flags"] and "unverified_parameter" in result["flags"]
    assert any("第一百三十五条的条文系凭记忆引用，尚未核实" in n["zh"] for n in result["to_verify"])


def test_a_two_year_period_still_running_in_october_2017_is_headed_three_years() -> None:
    """同解释 第二条: 尚未满民法通则规定的二年……适用民法总则关于三年诉讼时效期间规定的，人民法院应予支持."""
    result = run(crop(event_date="2016-01-04", report_date="2019-01-07"))
    assert result["outcome"] == "time_barred"
    assert result["rule_results"]["lim_3y_general"] == "applies"
    assert result["rule_results"]["lim_transition_gpcl#bar"] == "not_applicable"
    assert "三年诉讼时效（《中华人民共和国民法典》第一百八十八条、第一百九十三条）：诉讼时效自2016年1月4日起算3年" in said(result)
