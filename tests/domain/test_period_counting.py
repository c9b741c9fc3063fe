"""Period counting under 民法典 第二百零一条–第二百零三条, the holiday calendar, and limitation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from casefactory import TABLE, make, run, run_covered

from casework.domain.calendar import (
    HolidayCalendar,
    add_months,
    add_years,
    completed_months,
    load_bundled_calendar,
    period_end_days,
    period_end_years,
)

CAL = load_bundled_calendar()
D = date.fromisoformat


def test_event_day_is_not_counted() -> None:
    assert period_end_days(D("2025-07-10"), 7, CAL) == D("2025-07-17")  # Thursday


def test_last_day_on_a_weekend_moves_to_monday() -> None:
    assert period_end_days(D("2025-07-12"), 7, CAL) == D("2025-07-21")  # Sat 19th → Mon 21st


def test_last_day_in_a_holiday_moves_past_the_whole_holiday() -> None:
    # 2025-10-01 falls in the National Day/Mid-Autumn break (1–8 October)
    assert period_end_days(D("2025-09-24"), 7, CAL) == D("2025-10-09")


def test_last_day_on_an_adjusted_working_day_stays() -> None:
    assert period_end_days(D("2025-09-21"), 7, CAL) == D("2025-09-28")  # Sunday, but 调休上班
    assert period_end_days(D("2026-02-07"), 7, CAL) == D("2026-02-14")  # Saturday, 调休上班


def test_holiday_followed_by_a_weekend_moves_to_the_next_working_day() -> None:
    # 2024: Dragon Boat 10 June (Mon) is the holiday; a period ending Sat 8 June runs to Tue 11 June
    assert period_end_days(D("2024-06-01"), 7, CAL) == D("2024-06-11")


def test_case_holidays_extend_the_calendar() -> None:
    extra = CAL.with_holidays([D("2025-07-17")])
    assert period_end_days(D("2025-07-10"), 7, extra) == D("2025-07-18")
    assert CAL.with_holidays([]) is CAL


def test_case_holidays_reach_the_engine() -> None:
    case = make("appliance", event_date="2025-07-10", report_date="2025-07-18", holidays=["2025-07-17"])
    assert run(case)["outcome"] == "liable"
    assert run(make("appliance", event_date="2025-07-10", report_date="2025-07-18"))["outcome"] == "time_barred"


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2025-03-31", 1, "2025-04-30"),
        ("2025-08-31", 6, "2026-02-28"),
        ("2025-12-15", 1, "2026-01-15"),
        ("2025-01-15", -2, "2024-11-15"),
    ],
)
def test_month_ends_take_the_last_day_when_there_is_no_corresponding_day(start: str, months: int, end: str) -> None:
    assert add_months(D(start), months) == D(end)


def test_leap_day_years() -> None:
    assert add_years(D("2024-02-29"), 1) == D("2025-02-28")
    assert add_years(D("2024-02-29"), 4) == D("2028-02-29")
    assert period_end_years(D("2024-02-29"), 1, CAL) == D("2025-02-28")  # a Friday


def test_completed_months() -> None:
    assert completed_months(D("2025-01-31"), D("2025-02-27")) == 0
    assert completed_months(D("2025-01-31"), D("2025-02-28")) == 1
    assert completed_months(D("2019-07-20"), D("2025-07-20")) == 72
    assert completed_months(D("2019-07-20"), D("2025-07-19")) == 71
    assert completed_months(D("2025-05-01"), D("2025-04-01")) == 0


def test_bundled_calendar_covers_2016_to_2026_with_adjusted_days() -> None:
    years = {y["year"] for y in CAL.years}
    assert years == set(range(2016, 2027)) == CAL.covered
    assert CAL.is_rest_day(D("2020-02-02"))  # the extended 2020 Spring Festival
    assert CAL.is_rest_day(D("2020-02-01"))  # the planned working Saturday was cancelled by the extension
    assert not CAL.is_rest_day(D("2024-02-04"))  # 调休上班 Sunday
    assert CAL.is_rest_day(D("2025-01-28"))  # 除夕, a holiday from 2025
    assert all(d.weekday() >= 5 for d in CAL.workdays)


def test_calendar_round_trips_through_plain_data() -> None:
    extra = CAL.with_holidays([D("2027-01-05")])
    back = HolidayCalendar.from_dict(extra.to_dict())
    assert back == extra
    assert back.to_dict()["extra_holidays"] == ["2027-01-05"]


def test_limitation_ends_three_years_after_knowledge_moved_off_rest_days() -> None:
    result = run(make("crop", event_date="2022-05-18", report_date="2025-05-20"))
    # 2025-05-18 is a Sunday → Monday 19 May; reported on the 20th → barred
    assert {"kind": "limitation", "due": "2025-05-19",
            "citation": {"instrument": "中华人民共和国民法典", "article": "第一百八十八条"}} in result["deadlines"]
    assert result["outcome"] == "time_barred"
    assert "limitation_plea_required" in result["flags"]


def test_limitation_runs_from_knowledge_not_from_the_event() -> None:
    case = make("crop", event_date="2021-05-18", knew_date="2023-01-10", report_date="2025-05-20")
    assert run(case)["outcome"] == "liable"


def test_interruption_restarts_the_period() -> None:
    # knew 2020-01-10; written claim 2022-06-01 → ends 2025-06-01 (Sunday), 2 June is Dragon Boat → 3 June
    base = {"event_date": "2020-01-10", "limitation_interruptions": ["2022-06-01"]}
    on_time = run(make("crop", report_date="2025-06-03", **base))
    late = run(make("crop", report_date="2025-06-04", **base))
    assert on_time["outcome"] == "liable"
    assert late["outcome"] == "time_barred"
    assert {"instrument": "中华人民共和国民法典", "article": "第一百九十五条"} in on_time["citations"]


def test_interruption_after_expiry_does_not_revive_but_warns() -> None:
    case = make("crop", event_date="2020-01-10", report_date="2024-06-03", limitation_interruptions=["2023-06-01"])
    result = run(case)
    assert result["outcome"] == "time_barred"
    assert "litigation_risk" in result["flags"]


def test_interruptions_chain() -> None:
    chain = ["2022-01-04", "2024-12-02"]
    result = run(make("crop", event_date="2020-01-10", report_date="2027-11-01", limitation_interruptions=chain))
    assert result["outcome"] == "liable"  # last restart 2024-12-02 → 2027-12-02


def test_twenty_year_longstop_even_with_late_knowledge() -> None:
    base = {"event_date": "2004-03-01", "knew_date": "2024-01-02"}
    assert run(make("crop", report_date="2024-03-01", **base))["outcome"] == "liable"
    barred = run(make("crop", report_date="2024-03-04", **base))
    assert barred["outcome"] == "time_barred"
    assert barred["rule_results"]["lim_20y_longstop"] == "applies"
    assert "limitation_plea_required" not in barred["flags"]  # the longstop is not a plea


def test_longstop_is_not_interrupted() -> None:
    case = make("crop", event_date="2004-03-01", knew_date="2023-01-02", report_date="2024-06-03",
                limitation_interruptions=["2024-01-02"])
    assert run(case)["outcome"] == "time_barred"


def test_two_year_period_expired_before_1_october_2017_stays_expired() -> None:
    result = run(make("crop", event_date="2015-03-02", report_date="2017-12-01"))
    assert result["outcome"] == "time_barred"
    assert result["rule_results"]["lim_transition_gpcl"] == "applies"


def test_two_year_period_running_on_1_october_2017_became_three_years() -> None:
    case = make("crop", event_date="2016-01-04", report_date="2018-12-03")
    assert run(case)["outcome"] == "liable"
    assert run(make("crop", event_date="2016-01-04", report_date="2019-01-07"))["outcome"] == "time_barred"


def test_civil_code_rules_standing_in_for_earlier_law_are_flagged() -> None:
    result = run(make("crop", event_date="2019-05-18", report_date="2019-05-20"))
    assert result["outcome"] == "liable"
    assert "unverified_parameter" in result["flags"]
    assert run_covered(make("crop"))["flags"] == []


def test_table_calendar_is_the_bundled_one() -> None:
    assert TABLE.calendar == CAL


# -- issue 15, D4: the published arrangements 2016–2019, and the calendar's coverage ----------------------------
def test_the_2016_to_2019_arrangements_are_those_the_notices_published() -> None:
    """国办发明电〔2015〕18号, 〔2016〕17号, 〔2017〕12号, 〔2018〕15号 and 〔2019〕3号 (the 2019 Labour Day change)."""
    rest = {D("2016-02-07"), D("2016-02-13"), D("2017-01-27"), D("2017-10-08"), D("2018-02-21"), D("2018-06-18"),
            D("2018-12-31"), D("2019-02-04"), D("2019-05-04"), D("2019-10-07")}
    work = {D("2016-02-06"), D("2016-02-14"), D("2016-10-09"), D("2017-01-22"), D("2017-09-30"), D("2018-04-28"),
            D("2018-09-30"), D("2018-12-29"), D("2019-02-03"), D("2019-04-28"), D("2019-05-05"), D("2019-10-12")}
    assert all(CAL.is_rest_day(d) for d in rest)
    assert not any(CAL.is_rest_day(d) for d in work)
    assert all(y.get("notice") and y.get("source") for y in CAL.years if y["year"] < 2020)


def test_a_seven_day_window_ending_in_the_2019_spring_festival_runs_to_the_day_after_it() -> None:
    """民法典 第二百零三条: 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日 — the
    2019 Spring Festival break ran 4–10 February (国办发明电〔2018〕15号)."""
    case = make("appliance", event_date="2019-01-28", report_date="2019-02-11",
                facts={"appliances": [{"name": "电视机", "class": "electronic", "price": "3000.00",
                                       "purchase_date": "2018-12-01", "invoice": True, "repairable": False}]})
    result = run(case)
    assert result["rule_results"]["ha_report_7d"] == "not_applicable"
    assert {"kind": "report_window", "due": "2019-02-11",
            "citation": {"instrument": "居民用户家用电器损坏处理办法", "article": "第七条"}} in result["deadlines"]
    assert any("第7日为2019年2月4日（星期一），适逢春节假期，顺延至2019年2月11日" in s for s in result["explanation"])


def test_an_adjusted_working_sunday_of_2016_ends_the_period() -> None:
    """民法典 第二百零三条 moves only a 法定休假日: 14 February 2016 was a Sunday worked for the Spring Festival
    (国办发明电〔2015〕18号: 2月14日（星期日）上班), so a period whose last day it is ends that day."""
    result = run(make("appliance", event_date="2016-02-07", report_date="2016-02-15",
                      facts={"appliances": [{"name": "冰箱", "class": "motor", "price": "3000.00",
                                             "purchase_date": "2015-12-01", "invoice": True, "repairable": False}]}))
    assert result["outcome"] == "time_barred"
    assert any("第7日为2016年2月14日（星期日），虽逢星期日，但系春节调休上班日，不是法定休假日，期间于该日届满" in s
               for s in result["explanation"])


def test_a_period_ending_outside_the_calendar_is_flagged_naming_the_day() -> None:
    """A last day in a year with no published arrangement is counted with weekends only: unverified_parameter,
    and the note names the day (issue 15, D4)."""
    result = run(make("crop", event_date="2025-05-18", report_date="2025-05-20"))
    assert result["outcome"] == "liable" and "unverified_parameter" in result["flags"]
    notes = " ".join(n["zh"] for n in result["to_verify"])
    assert "3年诉讼时效期间的最后一日2028年5月18日" in notes and "2016年至2026年" in notes
    assert run_covered(make("crop", event_date="2025-05-18", report_date="2025-05-20"))["flags"] == []


def test_periods_ending_inside_the_calendar_raise_no_flag() -> None:
    # damage in 2006, known in 2023: the longstop ends in 2026, the limitation in 2026 — both covered
    result = run(make("crop", event_date="2006-03-01", knew_date="2023-03-01", report_date="2023-03-10"))
    assert result["outcome"] == "liable"
    assert not any("节假日日历" in n["zh"] for n in result.get("to_verify", []))


def test_the_calendar_kept_day_by_day_covers_only_whole_years() -> None:
    days = [(d, "holiday", "春节") for d in (D("2027-02-05") + timedelta(days=i) for i in range(25))]
    kept = HolidayCalendar.from_days([*days, (D("2028-01-01"), "holiday", "元旦"), (D("2027-01-31"), "workday", "春节调休")])
    assert kept.covered == frozenset({2027})
    assert kept.is_adjusted_workday(D("2027-01-31")) and kept.name(D("2027-01-31")) == "春节"


# -- showing the counting (issue 15: "第7日为…，适逢端午节假期，顺延至…") ------------------------------------------
def test_the_counting_is_shown_where_it_decides() -> None:
    """民法典 第二百零一条、第二百零三条, shown: the issue's own example (端午节 2025: 31 May – 2 June)."""
    case = make("appliance", event_date="2025-05-24", report_date="2025-06-03")
    steps = run(case)["explanation"]
    assert any("第7日为2025年5月31日（星期六），适逢端午节假期，顺延至2025年6月3日（星期二）（民法典第二百零三条）" in s
               for s in steps)


def test_no_counting_paragraph_where_the_counting_does_not_decide() -> None:
    result = run(make("appliance", event_date="2025-08-01", report_date="2025-08-03"))
    assert result["rule_results"]["period_counting"] == "not_applicable"
    assert not any("期间的计算" in s for s in result["explanation"])
    assert {"instrument": "中华人民共和国民法典", "article": "第二百零三条"} not in result["citations"]
