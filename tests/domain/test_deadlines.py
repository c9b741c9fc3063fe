"""Which deadlines bind the utility, when they are met, and the internal service targets."""

from __future__ import annotations

from datetime import date

from casework.domain.deadlines import Deadline, from_assessment, internal_targets, next_duty, open_duties
from casework.domain.lifecycle import State

VISIT = Deadline("on_site_investigation", date(2025, 7, 23), {"instrument": "居民用户家用电器损坏处理办法"}, "rule")
WINDOW = Deadline("report_window", date(2025, 7, 28), None, "rule")
DECIDE = Deadline("internal_decision", date(2025, 9, 1), None, "internal")


def test_only_the_utilitys_own_duties_fall_due() -> None:
    assert [d.kind for d in open_duties([WINDOW, DECIDE, VISIT], State.REGISTERED)] == [
        "on_site_investigation", "internal_decision"]


def test_a_duty_is_met_by_the_state_that_fulfils_it() -> None:
    assert next_duty([VISIT, DECIDE], State.ASSESSED) == date(2025, 9, 1)  # the site visit is done
    assert next_duty([VISIT, DECIDE], State.DECISION_PENDING) is None
    assert next_duty([VISIT], State.WITHDRAWN) is None


def test_internal_targets_count_from_the_report_and_the_complete_file() -> None:
    targets = internal_targets(reported_on=date(2025, 7, 22), complete_on=date(2025, 8, 1),
                               targets={"internal_first_check": 3, "internal_decision": 30})
    assert [(d.kind, d.due) for d in targets] == [("internal_first_check", date(2025, 7, 25)),
                                                   ("internal_decision", date(2025, 8, 31))]
    assert internal_targets(reported_on=None, complete_on=None, targets={"internal_decision": 30}) == []


def test_assessment_deadlines_keep_their_citation() -> None:
    result = {"deadlines": [{"kind": "report_window", "due": "2025-07-28",
                             "citation": {"instrument": "居民用户家用电器损坏处理办法", "article": "第七条"}}]}
    [deadline] = from_assessment(result)
    assert deadline.due == date(2025, 7, 28) and deadline.citation["article"] == "第七条"  # type: ignore[index]
    assert not deadline.duty
