"""Deadlines a case carries: those its assessment produced (with citations) and internal service targets.

Some deadlines bind the utility (a duty: the 24-hour site visit, the internal decision target); others
bind the claimant or describe the law (the report window, the limitation period). Only duties become
due or overdue for staff. Most are met once the case reaches the state that fulfils it; the site visit is
met only by a recorded visit (who went, when, where): confirming the check proves no one went.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from casework.domain.lifecycle import State

# Duty kind → the states in which it is fulfilled (the work it asks for has been done).
_AFTER_ASSESSMENT = frozenset(State) - {State.DRAFT, State.REGISTERED}
_AFTER_PROPOSAL = frozenset({State.DECISION_PENDING, State.SETTLED, State.PAID, State.REJECTED,
                             State.IN_LITIGATION, State.JUDGED, State.CLOSED, State.WITHDRAWN})
DUTIES: dict[str, frozenset[State]] = {
    "on_site_investigation": frozenset(),  # no state fulfils it: see RECORDED
    "internal_decision": _AFTER_PROPOSAL,
    "internal_first_check": _AFTER_ASSESSMENT,
}


#: Duties met only by an action someone records on the case, never by the case's state.
RECORDED: frozenset[str] = frozenset({"on_site_investigation"})


#: The company's service targets in days unless configured otherwise (config TARGET_*_DAYS).
DEFAULT_TARGETS: Mapping[str, int] = {"internal_first_check": 3, "internal_decision": 30}


@dataclass(frozen=True)
class Deadline:
    kind: str
    due: date
    citation: Mapping[str, Any] | None  # the provision, for deadlines the rules create
    source: str  # "rule" | "internal"

    @property
    def duty(self) -> bool:
        return self.kind in DUTIES


def from_assessment(result: Mapping[str, Any]) -> list[Deadline]:
    """The deadlines of an assessment result (spec/assessment.md `deadlines`)."""
    return [Deadline(d["kind"], date.fromisoformat(d["due"]), d.get("citation"), "rule")
            for d in result.get("deadlines", ())]


def internal_targets(*, reported_on: date | None, complete_on: date | None,
                     targets: Mapping[str, int]) -> list[Deadline]:
    """Service targets set by the company (days, configurable), counted from the report or a complete file."""
    out = []
    if reported_on is not None and targets.get("internal_first_check"):
        out.append(Deadline("internal_first_check", reported_on + timedelta(days=targets["internal_first_check"]),
                            None, "internal"))
    if complete_on is not None and targets.get("internal_decision"):
        out.append(Deadline("internal_decision", complete_on + timedelta(days=targets["internal_decision"]),
                            None, "internal"))
    return out


def open_duties(deadlines: Iterable[Deadline], state: State, *, done: Collection[str] = ()) -> list[Deadline]:
    """Duties not yet fulfilled in this state, earliest first; a closed or withdrawn case owes nothing.

    `done`: the RECORDED duties whose action has been recorded on the case (a site visit)."""
    if state in (State.CLOSED, State.WITHDRAWN):
        return []
    return sorted((d for d in deadlines if d.duty and state not in DUTIES[d.kind]
                   and not (d.kind in RECORDED and d.kind in done)), key=lambda d: d.due)


def next_duty(deadlines: Iterable[Deadline], state: State, *, done: Collection[str] = ()) -> date | None:
    duties = open_duties(deadlines, state, done=done)
    return duties[0].due if duties else None


@dataclass(frozen=True)
class DutyStatus:
    """Where a duty stands today: "met", "due" (days left, 0 = today) or "overdue" (days late)."""

    kind: str
    due: date
    status: str
    days: int


def duty_status(deadline: Deadline, state: State, today: date, *, done: Collection[str] = ()) -> DutyStatus:
    """A duty's standing for a person: met, due in N days, or N days overdue (the due day itself is not late)."""
    if not open_duties([deadline], state, done=done):
        return DutyStatus(deadline.kind, deadline.due, "met", 0)
    late = (today - deadline.due).days
    if late > 0:
        return DutyStatus(deadline.kind, deadline.due, "overdue", late)
    return DutyStatus(deadline.kind, deadline.due, "due", -late)


def visit_refusal(visited_at: datetime, *, reported_at: datetime | None, now: datetime) -> str | None:
    """Why a site visit at this moment cannot be recorded (None when it can): it cannot precede the report
    that asked for it, nor lie in the future."""
    if visited_at > now:
        return "visit_in_future"
    if reported_at is not None and visited_at < reported_at:
        return "visit_before_report"
    return None
