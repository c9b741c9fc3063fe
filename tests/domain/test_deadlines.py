"""Which deadlines bind the utility, when they are met, and the internal service targets."""

from __future__ import annotations

from datetime import UTC, date, datetime

from casework.domain.deadlines import (
    Deadline,
    DutyStatus,
    duty_status,
    from_assessment,
    internal_targets,
    next_duty,
    open_duties,
    visit_refusal,
)
from casework.domain.lifecycle import State

VISIT = Deadline("on_site_investigation", date(2025, 7, 23), {"instrument": "居民用户家用电器损坏处理办法"}, "rule")
WINDOW = Deadline("report_window", date(2025, 7, 28), None, "rule")
DECIDE = Deadline("internal_decision", date(2025, 9, 1), None, "internal")


def test_only_the_utilitys_own_duties_fall_due() -> None:
    assert [d.kind for d in open_duties([WINDOW, DECIDE, VISIT], State.REGISTERED)] == [
        "on_site_investigation", "internal_decision"]


def test_a_duty_is_met_by_the_state_that_fulfils_it() -> None:
    assert next_duty([DECIDE], State.ASSESSED) == date(2025, 9, 1)
    assert next_duty([DECIDE], State.DECISION_PENDING) is None
    assert next_duty([VISIT], State.WITHDRAWN) is None


def test_the_site_visit_is_met_only_by_a_recorded_visit_never_by_a_state() -> None:
    # Confirming the check (or deciding the claim) proves nobody went to the place.
    for state in (State.ASSESSED, State.EVIDENCE_COMPLETE, State.DECISION_PENDING, State.PAID):
        assert next_duty([VISIT, DECIDE], state, done=()) == date(2025, 7, 23)
    assert next_duty([VISIT, DECIDE], State.ASSESSED, done={"on_site_investigation"}) == date(2025, 9, 1)
    # A recorded action meets only the duties that are met by recording, not a state-bound one.
    assert next_duty([DECIDE], State.ASSESSED, done={"internal_decision"}) == date(2025, 9, 1)


def test_a_duty_is_due_until_its_day_and_overdue_after_it() -> None:
    day = date(2025, 7, 23)
    assert duty_status(VISIT, State.REGISTERED, date(2025, 7, 22)) == DutyStatus(VISIT.kind, day, "due", 1)
    assert duty_status(VISIT, State.REGISTERED, day).status == "due"  # the 24 hours end that day
    assert duty_status(VISIT, State.ASSESSED, date(2025, 7, 26)) == DutyStatus(VISIT.kind, day, "overdue", 3)
    assert duty_status(VISIT, State.ASSESSED, date(2025, 7, 26),
                       done={"on_site_investigation"}).status == "met"


def test_a_visit_cannot_precede_the_report_nor_lie_in_the_future() -> None:
    reported = datetime(2025, 7, 22, tzinfo=UTC)
    now = datetime(2025, 7, 23, 8, 0, tzinfo=UTC)
    assert visit_refusal(datetime(2025, 7, 22, 15, 0, tzinfo=UTC), reported_at=reported, now=now) is None
    assert visit_refusal(datetime(2025, 7, 21, 23, 0, tzinfo=UTC), reported_at=reported, now=now) == (
        "visit_before_report")
    assert visit_refusal(datetime(2025, 7, 23, 9, 0, tzinfo=UTC), reported_at=reported, now=now) == (
        "visit_in_future")
    assert visit_refusal(now, reported_at=None, now=now) is None


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
