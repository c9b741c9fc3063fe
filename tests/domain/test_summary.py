"""A case's share of the claims summary: what it counts for, in which row, to the fen."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from casework.domain.summary import CaseFigures, contribution, difference, summed

AT = datetime(2026, 3, 31, 17, 30, tzinfo=UTC)  # 1 April 01:30 in China


def _case(**fields: object) -> CaseFigures:
    values: dict[str, object] = {"unit_path": "/1/2/", "category": "appliance", "state": "registered",
                                 "registered_at": AT}
    values.update(fields)
    return CaseFigures(**values)  # type: ignore[arg-type]


def test_a_draft_is_not_yet_a_claim() -> None:
    assert contribution(_case(state="draft", claimed_amount=Decimal("10.00"))) is None


def test_the_month_is_the_month_of_registration_in_china() -> None:
    item = contribution(_case())
    assert item is not None and item.key == ("/1/2/", date(2026, 4, 1), "appliance")


def test_a_paid_goodwill_settlement_counts_every_figure_to_the_fen() -> None:
    item = contribution(_case(state="paid", claimed_amount=Decimal("4800.00"), assessment_outcome="not_liable",
                              assessment_amount=None, decision_kind="settled", settled_amount=Decimal("500.00"),
                              paid_amount=Decimal("500.01"), goodwill_payment=True))
    assert item is not None and dict(item.figures) == {
        "cases": 1, "check_not_liable": 1, "decided_settled": 1, "goodwill": 1, "claimed_amount": Decimal("4800.00"),
        "settled_amount": Decimal("500.00"), "paid_amount": Decimal("500.01"),
        "paid_above_assessed_amount": Decimal("500.01")}


def test_paid_above_assessed_is_only_the_part_beyond_the_check() -> None:
    within = contribution(_case(state="paid", assessment_outcome="liable", assessment_amount=Decimal("1800.00"),
                                paid_amount=Decimal("1800.00")))
    beyond = contribution(_case(state="paid", assessment_outcome="reduced", assessment_amount=Decimal("1200.50"),
                                paid_amount=Decimal("1300.49")))
    assert within is not None and "paid_above_assessed_amount" not in within.figures
    assert beyond is not None and beyond.figures["paid_above_assessed_amount"] == Decimal("99.99")


def test_a_withdrawn_claim_counts_as_a_case_and_withdrawn_only() -> None:
    item = contribution(_case(state="withdrawn", claimed_amount=Decimal("900.00"), assessment_outcome="liable"))
    assert item is not None and dict(item.figures) == {"cases": 1, "withdrawn": 1}


def test_unchecked_and_unknown_outcomes_are_counted_apart() -> None:
    none, other = contribution(_case()), contribution(_case(assessment_outcome="something_new"))
    assert none is not None and none.figures["check_none"] == 1
    assert other is not None and other.figures["check_other"] == 1


def test_moving_a_case_takes_it_out_of_one_row_and_into_another() -> None:
    before = contribution(_case(claimed_amount=Decimal("100.10")))
    after = contribution(_case(category="crop", claimed_amount=Decimal("100.10"), assessment_outcome="liable"))
    moved = difference([before], [after])
    assert moved[("/1/2/", date(2026, 4, 1), "appliance")] == {"cases": -1, "check_none": -1,
                                                               "claimed_amount": Decimal("-100.10")}
    assert moved[("/1/2/", date(2026, 4, 1), "crop")] == {"cases": 1, "check_liable": 1,
                                                          "claimed_amount": Decimal("100.10")}
    assert difference([before], [before]) == {}


def test_sums_of_many_cases_stay_exact_to_the_fen() -> None:
    items = [contribution(_case(claimed_amount=Decimal("0.10"))) for _ in range(1000)]
    row = summed(items)[("/1/2/", date(2026, 4, 1), "appliance")]
    assert row["cases"] == 1000 and row["claimed_amount"] == Decimal("100.00")
