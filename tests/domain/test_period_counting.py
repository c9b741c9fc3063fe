"""Period counting under 民法典 第二百零一条–第二百零三条, the holiday calendar, and limitation."""

from __future__ import annotations

from datetime import date

import pytest
from casefactory import TABLE, make, run

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


def test_bundled_calendar_covers_2020_to_2026_with_adjusted_days() -> None:
    years = {y["year"] for y in CAL.years}
    assert years == set(range(2020, 2027))
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
    assert run(make("crop"))["flags"] == []


def test_table_calendar_is_the_bundled_one() -> None:
    assert TABLE.calendar == CAL
