"""Handling and litigation arithmetic: medians and percentiles of durations, deadlines met or missed, and what
a lawsuit came to — hand-computed answers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from casework.domain.handling import (
    MET,
    MISSED,
    Tally,
    days_between,
    duty_outcome,
    hours_between,
    median,
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
