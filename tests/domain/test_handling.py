"""Handling and litigation arithmetic: medians and percentiles of durations, deadlines met or missed, and what
a lawsuit came to — hand-computed answers."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.domain.handling import (
    MET,
    MISSED,
    OPEN,
    Spread,
    Steps,
    Tally,
    days_between,
    duty_outcome,
    handled,
    histogram_median,
    histogram_percentile,
    histogram_spread,
    hours_between,
    median,
    merged,
    percentile,
    spread,
)
from casework.domain.litigation import cause_text, result_group

DUE = date(2025, 3, 10)


def test_the_median_of_an_odd_count_is_the_middle_value() -> None:
    assert median([9, 1, 5]) == 5


def test_the_median_of_an_even_count_is_the_mean_of_the_two_middle_values() -> None:
    assert median([4, 1, 10, 2]) == 3.0


def test_no_durations_have_no_median_and_no_percentile() -> None:
    assert median([]) is None and percentile([], 0.9) is None
    assert spread([]).count == 0 and spread([]).median is None


def test_the_90th_percentile_is_the_nearest_rank() -> None:
    ten = list(range(1, 11))  # ⌈0.9·10⌉ = 9th smallest
    assert percentile(ten, 0.9) == 9
    assert percentile([*ten, 11], 0.9) == 10  # ⌈9.9⌉ = 10th
    assert percentile([7], 0.9) == 7
    assert percentile([3, 1], 0.9) == 3  # ⌈1.8⌉ = 2nd


def test_a_percentile_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError):
        percentile([1], 0)


def test_durations_in_calendar_days_and_in_hours() -> None:
    assert days_between(date(2025, 3, 1), date(2025, 3, 1)) == 0
    assert days_between(date(2025, 2, 27), date(2025, 3, 2)) == 3
    assert hours_between(datetime(2025, 3, 1, 8, tzinfo=UTC), datetime(2025, 3, 2, 2, 30, tzinfo=UTC)) == 18.5


def test_a_duty_done_on_its_due_day_is_met_and_a_day_later_missed() -> None:
    assert duty_outcome(DUE, DUE, date(2026, 1, 1)) == MET
    assert duty_outcome(DUE, date(2025, 3, 11), date(2026, 1, 1)) == MISSED


def test_an_undone_duty_is_missed_only_once_its_due_day_has_passed() -> None:
    assert duty_outcome(DUE, None, DUE) is None
    assert duty_outcome(DUE, None, date(2025, 3, 11)) == MISSED


def test_a_withdrawn_claim_owes_nothing_it_has_not_done() -> None:
    assert duty_outcome(DUE, None, date(2026, 1, 1), withdrawn=True) is None
    assert duty_outcome(DUE, date(2025, 3, 12), date(2026, 1, 1), withdrawn=True) == MISSED


def test_the_share_met_counts_only_duties_met_or_missed() -> None:
    tally = Tally()
    for outcome in (MET, MET, None, MISSED):
        tally.add(outcome)
    assert (tally.met, tally.missed, tally.counted) == (2, 1, 3)
    assert tally.share == pytest.approx(2 / 3)
    assert Tally().share is None


def test_a_suit_counts_under_its_latest_judgments_result() -> None:
    assert [result_group(True, r) for r in ("won", "partly", "lost", "mediated", "withdrawn", None, "odd")] == [
        "won", "partly", "lost", "settled", "settled", "unrecorded", "unrecorded"]
    assert result_group(False, None) == "pending"


def test_the_typed_cause_is_trimmed_and_an_empty_one_is_none() -> None:
    assert cause_text("  财产损害赔偿纠纷\u3000 ") == "财产损害赔偿纠纷"
    assert cause_text("触电  人身损害") == "触电 人身损害"
    assert cause_text("   ") is None and cause_text(None) is None


@given(st.lists(st.integers(min_value=0, max_value=400), max_size=60))
def test_the_median_and_90th_percentile_of_a_histogram_equal_those_of_its_values(values: list[int]) -> None:
    counts = Counter(values)
    assert histogram_median(counts) == median(values)
    assert histogram_percentile(counts, 0.9) == percentile(values, 0.9)
    assert histogram_percentile(counts, 0.5) == percentile(values, 0.5)


def test_histograms_merge_by_adding_their_counts_and_scale_to_hours() -> None:
    assert merged([{1: 2, 3: 1}, {3: 4}]) == {1: 2, 3: 5}
    assert histogram_spread({600: 1, 2880: 1}, 60) == Spread(2, 29.0, 48.0)


def _steps(**over: object) -> Steps:
    values: dict[str, object] = {
        "state": "assessed", "registered_at": datetime(2025, 3, 1, 17, tzinfo=UTC), "visited_at": None,
        "checked_at": None, "proposed_at": None, "decided_on": None, "paid_on": None, "due": {}}
    values.update(over)
    return Steps(**values)  # type: ignore[arg-type]


def test_a_cases_figures_count_days_in_china_and_the_visit_in_minutes() -> None:
    # Registered 3月2日 01:00 in China; checked 3月3日 09:00 China: one calendar day later.
    done = handled(_steps(checked_at=datetime(2025, 3, 3, 1, tzinfo=UTC),
                          visited_at=datetime(2025, 3, 1, 19, 30, 20, tzinfo=UTC), paid_on=date(2025, 3, 2)))
    assert (done.visit_minutes, done.check_days, done.payment_days, done.decision_days) == (150, 1, 0, None)
    early = handled(_steps(visited_at=datetime(2025, 3, 1, 9, tzinfo=UTC)))
    assert early.visit_minutes == 0  # a visit before the claim was filed counts as at once


def test_a_duty_is_met_missed_or_open_whatever_the_day_and_owed_by_no_withdrawn_claim() -> None:
    due = {"on_site_investigation": date(2025, 3, 2), "internal_first_check": date(2025, 3, 2),
           "internal_decision": date(2025, 3, 20)}
    done = handled(_steps(state="registered", due=due, visited_at=datetime(2025, 3, 2, 20, tzinfo=UTC)))
    # Visited 3月3日 in China (missed); the check and decision undone and owed.
    assert done.duties == {"on_site_investigation": MISSED, "internal_first_check": OPEN, "internal_decision": OPEN}
    assert handled(_steps(state="withdrawn", due=due)).duties == dict.fromkeys(due)
    # Past the check (assessed) at a moment nobody recorded: fulfilled by its state, not counted.
    assert handled(_steps(state="assessed", due=due)).duties["internal_first_check"] is None
    assert handled(_steps(state="registered", due=due, checked_at=datetime(2025, 3, 1, 18, tzinfo=UTC))
                   ).duties["internal_first_check"] == MET
