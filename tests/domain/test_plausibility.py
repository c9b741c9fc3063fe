"""Dates of a claim that cannot all be true."""

from __future__ import annotations

from datetime import date

from casework.domain.plausibility import Implausible, implausible_dates

EVENT = date(2025, 7, 20)


def test_consistent_dates_pass() -> None:
    assert implausible_dates(EVENT, report=EVENT, knew=date(2025, 7, 21),
                             purchases=[date(2019, 8, 15), EVENT, None]) == []


def test_each_contradiction_is_named_with_its_field() -> None:
    found = implausible_dates(EVENT, report=date(2025, 7, 19), knew=date(2025, 7, 1),
                              purchases=[date(2019, 8, 15), date(2025, 7, 21)])
    assert found == [Implausible("report_date", "report_before_event"), Implausible("knew_date", "knew_before_event"),
                     Implausible("purchase_date", "bought_after_event", 1)]


def test_nothing_is_judged_without_an_event_date() -> None:
    assert implausible_dates(None, report=date(2000, 1, 1), purchases=[date(2030, 1, 1)]) == []
