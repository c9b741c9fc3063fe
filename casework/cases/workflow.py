"""Moving a case through its lifecycle: what the viewer may do now, firing an event, and its audit entry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.cases import deadlines
from casework.cases.models import Case
from casework.domain.access import Actor, can_see_case
from casework.domain.lifecycle import NOT_REPORTED, CaseView, Event, State, Verdict, available, judge

Hook = Callable[[Session, Actor, Case, datetime, Mapping[str, int]], None]
# What a later stage tells the guards about its part of a case (the evidence still missing).
ViewPart = Callable[[Case, Actor], Mapping[str, Any]]


@dataclass
class Reactions:
    """What later stages do when a case moves; filled by `casework.flow.install`, so this shared module
    never imports a stage. Empty, a transition still runs, but its guards refuse (see REFUSING)."""

    after: dict[Event, tuple[Hook, ...]] = field(default_factory=dict)
    on_change: tuple[Hook, ...] = ()
    view_parts: tuple[ViewPart, ...] = ()


REACTIONS = Reactions()

# What the guards see of a part no stage has reported on: the refusing value, so a guard whose stage is
# not installed fails closed (nothing can be completed, approved, paid or judged).
REFUSING: dict[str, Any] = {
    "missing_evidence": (NOT_REPORTED,),
    "proposal_kind": None,
    "proposed_by_actor": True,
    "needs_head": True,
    "payment_recorded": False,
    "judgment_recorded": False,
}


def changed(session: Session, actor: Actor, case: Case, now: datetime, targets: Mapping[str, int]) -> None:
    """A case's facts or dates changed: deadlines and the check follow them."""
    for hook in REACTIONS.on_change:
        hook(session, actor, case, now, targets)


class TransitionRefused(Exception):
    def __init__(self, event: Event, reasons: tuple[str, ...]) -> None:
        super().__init__(f"{event}: {', '.join(reasons)}")
        self.event, self.reasons = event, reasons


def view_of(case: Case, actor: Actor) -> CaseView:
    """The plain facts the guards read; later stages add theirs through REACTIONS.view_parts."""
    missing = tuple(name for name in ("claimant_name", "event_on", "reported_on") if not getattr(case, name))
    parts: dict[str, Any] = dict(REFUSING)
    for part in REACTIONS.view_parts:
        parts.update(part(case, actor))
    return CaseView(
        state=case.state,
        missing_intake=missing,
        report_before_event=bool(case.event_on and case.reported_on and case.reported_on < case.event_on),
        assessment_outcome=case.assessment_outcome,
        field_owned=can_see_case(actor, case.unit_path),
        **parts,
    )


def actions(case: Case, actor: Actor) -> list[tuple[Event, Verdict]]:
    return available(view_of(case, actor), actor.role)


def fire(session: Session, actor: Actor, case: Case, event: Event, *, now: datetime, targets: Mapping[str, int],
         reason: str = "") -> State:
    """Apply one event if its guards pass, audit it, recompute deadlines, then run the hooks."""
    verdict = judge(view_of(case, actor), event, actor.role, reason=reason)
    if not verdict.allowed or verdict.target is None:
        raise TransitionRefused(event, verdict.reasons)
    before = case.state
    case.state = verdict.target
    if event is Event.SUBMIT:
        case.submitted_at = now
    if event is Event.CONFIRM_CHECK and case.checked_at is None:  # the first confirmation: a re-opened case keeps it
        case.checked_at = now
    if event is Event.COMPLETE_EVIDENCE:
        case.complete_on = now.date()
    case.updated_at = now
    deadlines.refresh(session, case, targets=targets)
    session.flush()
    after_values: dict[str, Any] = {"state": case.state.value, "event": event.value}
    if reason.strip():
        after_values["reason"] = reason.strip()
    record(session, actor, "case.transition", now=now, object_type="case", object_id=case.number, case_id=case.id,
           before={"state": before.value}, after=after_values)
    for hook in REACTIONS.after.get(event, ()):
        hook(session, actor, case, now, targets)
    return verdict.target
