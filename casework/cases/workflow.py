"""Moving a case through its lifecycle: what the viewer may do now, firing an event, and its audit entry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.cases import deadlines
from casework.cases.models import Case
from casework.domain.access import Actor, can_see_case
from casework.domain.lifecycle import CaseView, Event, State, Verdict, available, judge

Hook = Callable[[Session, Actor, Case, datetime, Mapping[str, int]], None]
_after: dict[Event, list[Hook]] = {}


def after(event: Event) -> Callable[[Hook], Hook]:
    """Let a later stage act after an event (the legal-basis check runs on submission) without this
    shared module importing that stage."""

    def register(hook: Hook) -> Hook:
        _after.setdefault(event, []).append(hook)
        return hook

    return register


_on_change: list[Hook] = []


def on_change(hook: Hook) -> Hook:
    """Register a hook run after a case's facts or dates change (deadlines and the check follow the facts)."""
    _on_change.append(hook)
    return hook


def changed(session: Session, actor: Actor, case: Case, now: datetime, targets: Mapping[str, int]) -> None:
    for hook in _on_change:
        hook(session, actor, case, now, targets)


ViewPart = Callable[[Case, Actor], Mapping[str, Any]]
_view_parts: list[ViewPart] = []


def view_part(part: ViewPart) -> ViewPart:
    """Let a later stage add what the guards read about its part of a case (the evidence still missing)."""
    _view_parts.append(part)
    return part


class TransitionRefused(Exception):
    def __init__(self, event: Event, reasons: tuple[str, ...]) -> None:
        super().__init__(f"{event}: {', '.join(reasons)}")
        self.event, self.reasons = event, reasons


def view_of(case: Case, actor: Actor) -> CaseView:
    """The plain facts the guards read; later stages add theirs through `view_part`."""
    missing = tuple(name for name in ("claimant_name", "event_on", "reported_on") if not getattr(case, name))
    parts: dict[str, Any] = {}
    for part in _view_parts:
        parts.update(part(case, actor))
    return CaseView(
        state=State(case.state),
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
    case.state = verdict.target.value
    if event is Event.SUBMIT:
        case.submitted_at = now
    if event is Event.COMPLETE_EVIDENCE:
        case.complete_on = now.date()
    case.updated_at = now
    deadlines.refresh(session, case, targets=targets)
    session.flush()
    after_values: dict[str, Any] = {"state": case.state, "event": event.value}
    if reason.strip():
        after_values["reason"] = reason.strip()
    record(session, actor, "case.transition", now=now, object_type="case", object_id=case.number, case_id=case.id,
           before={"state": before}, after=after_values)
    for hook in _after.get(event, ()):
        hook(session, actor, case, now, targets)
    return verdict.target
