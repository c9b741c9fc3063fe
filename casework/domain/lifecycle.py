"""The lifecycle of a case (DESIGN.md, Lifecycle): states, events, and the guard of each transition.

The table is data; each guard is a small pure function over a CaseView and answers with the reasons
(codes) it refuses, so a refused transition can say why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from casework.domain.access import FINAL_STATES, Role


class State(StrEnum):
    DRAFT = "draft"
    REGISTERED = "registered"
    ASSESSED = "assessed"
    EVIDENCE_COMPLETE = "evidence_complete"
    DECISION_PENDING = "decision_pending"
    SETTLED = "settled"
    PAID = "paid"
    REJECTED = "rejected"
    IN_LITIGATION = "in_litigation"
    JUDGED = "judged"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


OPEN_STATES = frozenset(s for s in State if s not in FINAL_STATES)  # FINAL_STATES: closed, withdrawn
# Before a decision is proposed a claim may still be withdrawn (DESIGN.md).
BEFORE_DECISION = frozenset({State.DRAFT, State.REGISTERED, State.ASSESSED, State.EVIDENCE_COMPLETE})
DECIDED_STATES = frozenset({State.SETTLED, State.PAID, State.REJECTED, State.IN_LITIGATION, State.JUDGED,
                            State.CLOSED})


class Event(StrEnum):
    SUBMIT = "submit"
    CONFIRM_CHECK = "confirm_check"
    COMPLETE_EVIDENCE = "complete_evidence"
    PROPOSE = "propose"
    APPROVE_SETTLEMENT = "approve_settlement"
    APPROVE_REJECTION = "approve_rejection"
    APPROVE_ESCALATION = "approve_escalation"
    RETURN_PROPOSAL = "return_proposal"
    RECORD_PAYMENT = "record_payment"
    RECORD_JUDGMENT = "record_judgment"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"


# The evidence guard's answer when no stage reported what is missing: not complete (fail closed).
NOT_REPORTED = "not_reported"


@dataclass(frozen=True, kw_only=True)
class CaseView:
    """What the guards may look at: plain values, gathered by the service from the case and its parts.

    Every field is required: a part nobody filled in must not let a transition pass (fail closed)."""

    state: State
    missing_intake: tuple[str, ...]  # intake fields a registered case must have (not contract facts)
    report_before_event: bool
    assessment_outcome: str | None
    missing_evidence: tuple[str, ...]
    proposal_kind: str | None  # "settle" | "reject" | "escalate", once decisions exist
    proposed_by_actor: bool
    needs_head: bool  # the open proposal needs the head of legal (goodwill, escalation, above threshold)
    payment_recorded: bool
    judgment_recorded: bool
    field_owned: bool  # the case lies in the field worker's own unit


Guard = Callable[[CaseView], tuple[str, ...]]


def _intake_complete(v: CaseView) -> tuple[str, ...]:
    reasons = tuple(f"missing:{name}" for name in v.missing_intake)
    return reasons + (("report_before_event",) if v.report_before_event else ())


def _assessed(v: CaseView) -> tuple[str, ...]:
    if v.assessment_outcome is None:
        return ("not_checked",)
    return ("insufficient_facts",) if v.assessment_outcome == "insufficient_facts" else ()


def _evidence_complete(v: CaseView) -> tuple[str, ...]:
    return tuple(f"evidence:{kind}" for kind in v.missing_evidence)


def _proposal(kind: str) -> Guard:
    def guard(v: CaseView) -> tuple[str, ...]:
        if v.proposal_kind != kind:
            return ("no_proposal",)
        return ("own_proposal",) if v.proposed_by_actor else ()

    return guard


def _returnable(v: CaseView) -> tuple[str, ...]:
    if v.proposal_kind is None:
        return ("no_proposal",)
    return ("own_proposal",) if v.proposed_by_actor else ()


def _any_proposal(v: CaseView) -> tuple[str, ...]:
    return () if v.proposal_kind else ("no_proposal",)


def _payment(v: CaseView) -> tuple[str, ...]:
    return () if v.payment_recorded else ("no_payment",)


def _judgment(v: CaseView) -> tuple[str, ...]:
    return () if v.judgment_recorded else ("no_judgment",)


LEGAL = frozenset({Role.LEGAL, Role.LEGAL_HEAD})
FILERS = frozenset({Role.FIELD, Role.LEGAL, Role.LEGAL_HEAD})


@dataclass(frozen=True)
class Transition:
    event: Event
    sources: frozenset[State]
    target: State | None  # None: back to where it came from is decided by the event (reopen → registered)
    roles: frozenset[Role]
    guards: tuple[Guard, ...] = ()
    needs_reason: bool = False
    field_states: frozenset[State] = field(default_factory=frozenset)  # where a field worker may use it


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Event.SUBMIT, frozenset({State.DRAFT}), State.REGISTERED, FILERS, (_intake_complete,),
               field_states=frozenset({State.DRAFT})),
    Transition(Event.CONFIRM_CHECK, frozenset({State.REGISTERED}), State.ASSESSED, LEGAL, (_assessed,)),
    Transition(Event.COMPLETE_EVIDENCE, frozenset({State.ASSESSED}), State.EVIDENCE_COMPLETE, LEGAL,
               (_evidence_complete,)),
    # Evidence withdrawn after the file was complete must stop a proposal too.
    Transition(Event.PROPOSE, frozenset({State.EVIDENCE_COMPLETE}), State.DECISION_PENDING, LEGAL,
               (_evidence_complete, _any_proposal)),
    # Approving and returning: any legal officer but the proposer; the head of legal where the proposal
    # needs one (see `judge`).
    Transition(Event.APPROVE_SETTLEMENT, frozenset({State.DECISION_PENDING}), State.SETTLED, LEGAL,
               (_proposal("settle"),)),
    Transition(Event.APPROVE_REJECTION, frozenset({State.DECISION_PENDING}), State.REJECTED, LEGAL,
               (_proposal("reject"),)),
    Transition(Event.APPROVE_ESCALATION, frozenset({State.DECISION_PENDING}), State.IN_LITIGATION, LEGAL,
               (_proposal("escalate"),)),
    Transition(Event.RETURN_PROPOSAL, frozenset({State.DECISION_PENDING}), State.EVIDENCE_COMPLETE, LEGAL,
               (_returnable,), needs_reason=True),
    Transition(Event.RECORD_PAYMENT, frozenset({State.SETTLED}), State.PAID, LEGAL, (_payment,)),
    Transition(Event.RECORD_JUDGMENT, frozenset({State.IN_LITIGATION}), State.JUDGED, LEGAL, (_judgment,)),
    Transition(Event.CLOSE, frozenset({State.PAID, State.REJECTED, State.JUDGED}), State.CLOSED, LEGAL),
    Transition(Event.WITHDRAW, BEFORE_DECISION, State.WITHDRAWN, FILERS, needs_reason=True,
               field_states=frozenset({State.DRAFT, State.REGISTERED})),
    Transition(Event.REOPEN, frozenset({State.CLOSED, State.WITHDRAWN}), State.REGISTERED, LEGAL,
               needs_reason=True),
)
BY_EVENT = {t.event: t for t in TRANSITIONS}
DECIDING = frozenset({Event.APPROVE_SETTLEMENT, Event.APPROVE_REJECTION, Event.APPROVE_ESCALATION,
                      Event.RETURN_PROPOSAL})


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    target: State | None
    reasons: tuple[str, ...] = ()


def judge(view: CaseView, event: Event, role: Role, *, reason: str = "") -> Verdict:
    """May `role` fire `event` on a case that looks like `view`? If not, every reason why."""
    t = BY_EVENT[event]
    if view.state not in t.sources:
        return Verdict(False, None, ("wrong_state",))
    if role not in t.roles:
        return Verdict(False, None, ("role",))
    if role is Role.FIELD and (view.state not in t.field_states or not view.field_owned):
        return Verdict(False, None, ("role",))
    reasons = tuple(r for guard in t.guards for r in guard(view))
    if event in DECIDING and view.needs_head and role is not Role.LEGAL_HEAD:
        reasons += ("needs_head",)
    if t.needs_reason and not reason.strip():
        reasons += ("reason_required",)
    return Verdict(not reasons, t.target if not reasons else None, reasons)


def available(view: CaseView, role: Role) -> list[tuple[Event, Verdict]]:
    """The events this role could fire from this state, each with whether its guards pass now.

    Events that need a written reason count as available: the form asks for it.
    """
    out = []
    for t in TRANSITIONS:
        verdict = judge(view, t.event, role, reason="-")
        if "wrong_state" in verdict.reasons or "role" in verdict.reasons:
            continue
        out.append((t.event, verdict))
    return out


def case_number(year: int, seq: int) -> str:
    """PC-2025-000123: the year the case was opened and its sequence within that year."""
    return f"PC-{year:04d}-{seq:06d}"
