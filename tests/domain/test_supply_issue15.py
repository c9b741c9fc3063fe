"""Outages and power quality as the law words them (issue 15, part C): each test quotes the provision it reads."""

from __future__ import annotations

from typing import Any

import pytest
from casefactory import TABLE, make, run

from casework.domain.contract import validate_case

CC_593 = {"instrument": "中华人民共和国民法典", "article": "第五百九十三条"}
CC_651 = {"instrument": "中华人民共和国民法典", "article": "第六百五十一条"}
CC_652 = {"instrument": "中华人民共和国民法典", "article": "第六百五十二条"}
CC_1175 = {"instrument": "中华人民共和国民法典", "article": "第一千一百七十五条"}
EPL_59 = {"instrument": "中华人民共和国电力法", "article": "第五十九条"}
EPL_60 = {"instrument": "中华人民共和国电力法", "article": "第六十条"}
REG_39 = {"instrument": "电力供应与使用条例", "article": "第三十九条"}
SUP_13 = {"instrument": "供电监管办法", "article": "第十三条"}


def quality(event: str = "2025-03-12", **facts: object) -> dict[str, Any]:
    return make("power_quality", facts=facts, event_date=event, report_date=event)


def outage(event: str = "2025-03-12", **facts: object) -> dict[str, Any]:
    return make("outage", facts=facts, event_date=event, report_date=event)


def text(result: dict[str, Any]) -> str:
    return "\n".join(result["explanation"])


# -- defect 2: another user's interference, no quality clause ----------------------------------------------
def test_another_users_cause_without_a_clause_does_not_exempt_the_utility() -> None:
    """电力法第六十条第二款: "电力运行事故由下列原因之一造成的，电力企业不承担赔偿责任：（一）不可抗力；（二）用户自身的
    过错" — another user's fault is not listed; 民法典第六百五十一条 "供电人未按照国家规定的供电质量标准和约定安全供电，
    造成用电人损失的，应当承担赔偿责任"; 第五百九十三条 "当事人一方因第三人的原因造成违约的，应当依法向对方承担违约责任"."""
    result = run(quality(contract_quality_clause=False, caused_by_other_user=True, proven_loss="640.00"))
    assert (result["outcome"], result["amount"]) == ("liable", "640.00")
    assert "litigation_risk" in result["flags"]
    for cited in (EPL_59, CC_651, CC_593, EPL_60):
        assert cited in result["citations"]
    said = text(result)
    assert "供电企业不承担赔偿责任" not in said.split("结论")[0].replace("不免除供电企业的责任", "")
    assert "追偿" in said  # recourse against the other user, 电力法第六十条第三款
    assert "侵权" in said and "诉讼风险" in said  # the tort reading (第一千一百七十五条) as the counter-argument


def test_each_article_is_quoted_under_its_own_citation() -> None:
    """The 1175 sentence "损害是因第三人造成的，第三人应当承担侵权责任" sits only under 民法典第一千一百七十五条, and no
    row citing 电力法第六十条 carries it."""
    for rule in TABLE.rules:
        if "第三人应当承担侵权责任" in rule.quote and "power_quality" in rule.categories:
            assert [s.article for s in rule.sources] == ["第一千一百七十五条"], rule.result_key
    run_result = run(quality(contract_quality_clause=False, caused_by_other_user=True, proven_loss="1.00"))
    assert CC_1175 not in run_result["citations"]  # a counter-argument, not a ground of the outcome


def test_with_a_voltage_clause_another_users_cause_still_excludes_the_twenty_percent() -> None:
    """供电营业规则2024第九十八条（二）: "用户用电功率因数未达到规定标准或其他用户原因引起电压质量不合格的，供电企业不承担
    赔偿责任" — the exclusion lives inside the clause regime."""
    result = run(quality(caused_by_other_user=True))
    assert (result["outcome"], result["amount"]) == ("not_liable", "0.00")


def test_without_a_clause_the_other_users_cause_is_not_asked_for() -> None:
    """Without a clause the answer is the same either way (liable for the proven loss), so the fact is not needed."""
    result = run(make("power_quality", facts={"contract_quality_clause": False, "proven_loss": "10.00"},
                      drop=("facts.caused_by_other_user",)))
    assert (result["outcome"], result["amount"]) == ("liable", "10.00")
    assert "facts.caused_by_other_user" not in result["missing_facts"]


# -- defect 6: zero-hour outages ---------------------------------------------------------------------------
@pytest.mark.parametrize("hours", ["0", "-2", 0])
def test_a_zero_or_negative_outage_is_refused_as_input(hours: object) -> None:
    """2024第九十七条（三）"停电时间不足一小时按照一小时计算" presupposes an outage: none of zero hours is paid."""
    errors = validate_case(outage(outage_hours=hours))
    assert [e.path for e in errors] == ["case.facts.outage_hours"]
    result = run(outage(outage_hours=hours))
    assert result["outcome"] == "insufficient_facts" and result["amount"] is None
    assert "facts.outage_hours" in result["missing_facts"]


def test_half_an_hour_is_still_an_outage_counted_as_one_hour() -> None:
    assert validate_case(outage(outage_hours="0.5")) == []
    assert run(outage(outage_hours="0.5"))["amount"] == "1300.00"


# -- defect 11: important users ----------------------------------------------------------------------------
@pytest.mark.parametrize(("important", "words"), [(True, "用户为重要用户"), (False, "用户不是重要用户"),
                                                  (None, "未载明用户是否为重要用户")])
def test_temporary_maintenance_says_which_24_hour_rule_applied(important: bool | None, words: str) -> None:
    """条例第二十八条（二）"提前24小时通知重要用户"; 供电监管办法第十三条（二）"提前24小时公告停电区域、停电线路、停电时间";
    2024第七十一条（二）"提前二十四小时通知重要用户或公告"."""
    result = run(outage(outage_cause="temporary_maintenance", notice_given_hours=24, important_user=important))
    assert result["outcome"] == "not_liable"
    assert words in text(result)
    assert SUP_13 in result["citations"]


def test_before_2024_an_important_user_is_notified_and_the_outage_announced() -> None:
    result = run(outage("2023-03-12", outage_cause="temporary_maintenance", notice_given_hours=30,
                        important_user=True))
    assert "应当单独通知" in text(result)
    assert "单独通知或者公告均可" in text(run(outage(outage_cause="temporary_maintenance", notice_given_hours=30,
                                                   important_user=True)))


# -- the 1996 voltage row and the unit price ---------------------------------------------------------------
def test_the_1996_power_factor_row_quotes_the_power_factor_sentence() -> None:
    """1996第五十四条: "用户用电功率因数达不到本规则第四十一条规定的，其受电端的电压偏差不受此限制"."""
    (row,) = [r for r in TABLE.rules if r.result_key == "voltage_limits" and r.sources[0].version == "1996"]
    assert "功率因数" in row.title_zh and "功率因数达不到本规则第四十一条规定的" in row.quote


def test_the_1996_accident_price_is_the_energy_price_not_the_charge() -> None:
    """1996第九十五条 "可能用电量的电度电费的五倍": 电度电费 (the charge) = kWh × 电度电价 (the unit price)."""
    said = text(run(outage("2024-05-31")))
    assert "×电度电价（按国家规定的目录电价）0.65元/千瓦时" in said
    assert "电度电费（" not in said


# -- stopping supply without the procedure ------------------------------------------------------------------
STOP = "disconnection_arrears_or_violation"
GYR24_70 = {"instrument": "供电营业规则", "article": "第七十条", "version": "2024"}
GYR96_67 = {"instrument": "供电营业规则", "article": "第六十七条", "version": "1996"}


def stop(event: str = "2025-03-12", **facts: object) -> dict[str, Any]:
    base: dict[str, object] = {"outage_cause": STOP, "stop_notice_date": "2025-03-07", "stop_reminder_given": True,
                               "proven_loss": "900.00"}
    base.update(facts)
    return outage(event, **base)


def test_a_stop_with_notice_three_to_seven_days_before_and_the_reminder_owes_nothing() -> None:
    """2024第七十条: "（一）在停电前三至七日内，将停电通知书送达用户……（二）在停电前三十分钟，将停电时间再通知用户一次"."""
    for notice in ("2025-03-09", "2025-03-05"):  # 3 and 7 days before: "内" includes the number (第一百零九条)
        result = run(stop(stop_notice_date=notice))
        assert (result["outcome"], result["amount"]) == ("not_liable", "0.00"), notice


@pytest.mark.parametrize("facts", [{"stop_notice_date": None}, {"stop_notice_date": "2025-03-10"},
                                   {"stop_reminder_given": False}])
def test_a_stop_without_the_notice_or_the_reminder_owes_the_proven_loss(facts: dict[str, object]) -> None:
    """电力法第二十九条、第五十九条第二款; 民法典第六百五十二条 "未事先通知用电人中断供电，造成用电人损失的，应当承担赔偿
    责任"; 条例第三十九条 "可以按照国家规定的程序停止供电"."""
    result = run(stop(**facts))
    assert (result["outcome"], result["amount"]) == ("liable", "900.00")
    for cited in (GYR24_70, REG_39, EPL_59, CC_652):
        assert cited in result["citations"]
    assert "法律未规定倍数" in text(result)


def test_a_1996_stop_also_needs_the_unit_heads_approval() -> None:
    """1996第六十七条: 报本单位负责人批准; "在停电前三天至七天内，将停电通知书送达用户"; "在停电前30分钟…再通知"."""
    base = {"stop_notice_date": "2023-03-07"}
    assert run(stop("2023-03-12", **base, stop_approved=True))["outcome"] == "not_liable"
    late = run(stop("2023-03-12", **base, stop_approved=False))
    assert (late["outcome"], late["amount"]) == ("liable", "900.00")
    assert GYR96_67 in late["citations"]
    assert run(stop("2023-03-12", **base))["missing_facts"] == ["facts.stop_approved"]


# -- late restoration ---------------------------------------------------------------------------------------
GYR24_72 = {"instrument": "供电营业规则", "article": "第七十二条", "version": "2024"}
GYR96_69 = {"instrument": "供电营业规则", "article": "第六十九条", "version": "1996"}


def test_restoration_after_24_hours_owes_the_loss_of_the_delay() -> None:
    """2024第七十二条: "引起停电或限电的原因消除后，供电企业应当在二十四小时内恢复供电" — exactly 24 hours is in time
    ("内" includes the number, 第一百零九条)."""
    late = run(outage(outage_cause="grid_fault_or_rationing", restoration_delay_hours=30,
                      restoration_delay_loss="500.00"))
    assert (late["outcome"], late["amount"]) == ("liable", "500.00")
    assert GYR24_72 in late["citations"] and EPL_59 in late["citations"]
    in_time = run(outage(outage_cause="grid_fault_or_rationing", restoration_delay_hours=24,
                         restoration_delay_loss="500.00"))
    assert in_time["outcome"] == "not_liable"
    assert run(outage(outage_cause="grid_fault_or_rationing"))["outcome"] == "not_liable"  # as before without it


def test_the_1996_three_days_count_from_the_day_after_the_cause_was_removed() -> None:
    """1996第六十九条: "引起停电或限电的原因消除后，供电企业应在三日内恢复供电"."""
    facts = {"outage_cause": "customer_fault", "cause_removed_date": "2023-05-01", "restoration_delay_loss": "80.00"}
    in_time = run(outage("2023-05-01", **facts, restored_date="2023-05-04"))
    late = run(outage("2023-05-01", **facts, restored_date="2023-05-05"))
    assert in_time["outcome"] == "not_liable"
    assert (late["outcome"], late["amount"]) == ("liable", "80.00")
    assert GYR96_69 in late["citations"]
    assert "2023年5月4日届满" in text(late)


def test_late_restoration_without_the_loss_of_the_delay_asks_for_it() -> None:
    result = run(outage(outage_cause="natural_disaster", repair_delayed=False, restoration_delay_hours=50))
    assert result["missing_facts"] == ["facts.restoration_delay_loss"]


# -- power quality measured against the bands ---------------------------------------------------------------
def test_a_measured_220v_voltage_inside_198_to_235_4_is_no_breach() -> None:
    """2024第五十七条（三）: "220 伏单相供电的，为额定值的+7%、－10%" — 198.0 V to 235.4 V."""
    inside = run(quality(nominal_voltage_v=220, measured_voltage_min_v="198.0", measured_voltage_max_v="235.4",
                         system_abnormal=False))
    assert (inside["outcome"], inside["amount"]) == ("not_liable", "0.00")
    assert "198.0伏至235.4伏" in text(inside)
    assert "电压超出允许偏差" not in text(inside)  # no basis step may contradict the measurement
    below = run(quality(nominal_voltage_v=220, measured_voltage_min_v="197.9", system_abnormal=False))
    assert (below["outcome"], below["amount"]) == ("liable", "120.00")
    assert "超出允许偏差" in text(below)


def test_a_380v_three_phase_band_is_seven_percent_either_way() -> None:
    """2024第五十七条（二）: "10（6、20）千伏以下三相供电的，为额定值的±7%" — 353.4 V to 406.6 V."""
    assert run(quality(nominal_voltage_v=380, measured_voltage_max_v="406.6", system_abnormal=False))["outcome"] == \
        "not_liable"
    assert run(quality(nominal_voltage_v=380, measured_voltage_max_v="406.7", system_abnormal=False))["outcome"] == \
        "liable"


def test_at_35kv_the_absolute_deviations_are_summed() -> None:
    """2024第五十七条（一）: "35 千伏以上电压供电的，电压正、负偏差的绝对值之和不超过额定值的 10%"."""
    ok = run(quality(nominal_voltage_v=35000, measured_voltage_max_v=36500, measured_voltage_min_v=33000,
                     system_abnormal=False))  # 1500 + 2000 = 10 %: "不超过" includes the number
    bad = run(quality(nominal_voltage_v=35000, measured_voltage_max_v=36600, measured_voltage_min_v=33000,
                      system_abnormal=False))
    assert ok["outcome"] == "not_liable" and bad["outcome"] == "liable"


def test_in_an_abnormal_system_state_the_band_is_ten_percent() -> None:
    """2024第五十七条: "在电力系统非正常状况下，用户受电端的电压最大允许偏差不应超过额定值的±10%"."""
    assert run(quality(nominal_voltage_v=380, measured_voltage_min_v=345, system_abnormal=True))["outcome"] == \
        "not_liable"
    assert run(quality(nominal_voltage_v=380, measured_voltage_min_v=345, system_abnormal=False))["outcome"] == \
        "liable"


def test_frequency_band_depends_on_the_grid_size() -> None:
    """2024第五十六条: "电网装机容量在 300 万千瓦以上的，为±0.2 赫兹；（二）电网装机容量不足 300 万千瓦的，为±0.5 赫兹"."""
    big = {"quality_kind": "frequency", "measured_frequency_min_hz": "49.7", "system_abnormal": False}
    assert run(quality(**big, grid_capacity="large_grid"))["outcome"] == "liable"
    assert run(quality(**big, grid_capacity="small_grid"))["outcome"] == "not_liable"
    assert run(quality(**big))["missing_facts"] == ["facts.grid_capacity"]


def test_the_1996_frequency_limits_are_flagged_unverified() -> None:
    """1996第五十三条 has no sourced text (REFERENCE.md §3.3 UNVERIFIED): its limits are flagged when used."""
    result = run(quality("2023-03-12", quality_kind="frequency", measured_frequency_min_hz="49.85",
                         grid_capacity="large_grid", system_abnormal=False))
    assert result["outcome"] == "not_liable"
    assert "unverified_parameter" in result["flags"]


def test_without_a_measurement_noncompliant_kwh_is_read_as_before() -> None:
    assert run(quality())["amount"] == "120.00"


def test_a_measurement_needs_the_rated_voltage() -> None:
    result = run(quality(measured_voltage_min_v=200, system_abnormal=False))
    assert result["missing_facts"] == ["facts.nominal_voltage_v"]
