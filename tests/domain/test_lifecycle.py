"""The lifecycle table: every (state, event) pair for every role, allowed or refused, and each guard's words."""

from __future__ import annotations

import itertools

import pytest

from casework.domain.access import Role
from casework.domain.lifecycle import NOT_REPORTED, CaseView, Event, State, available, judge

S, E, R = State, Event, Role
LEGAL = {R.LEGAL, R.LEGAL_HEAD}
HEAD = {R.LEGAL_HEAD}
FILERS = {R.FIELD, R.LEGAL, R.LEGAL_HEAD}

# Written from DESIGN.md's diagram, independently of the code: (state, event) -> (target, roles).
EXPECTED: dict[tuple[State, Event], tuple[State, set[Role]]] = {
    (S.DRAFT, E.SUBMIT): (S.REGISTERED, FILERS),
    (S.REGISTERED, E.CONFIRM_CHECK): (S.ASSESSED, LEGAL),
    (S.ASSESSED, E.COMPLETE_EVIDENCE): (S.EVIDENCE_COMPLETE, LEGAL),
    (S.EVIDENCE_COMPLETE, E.PROPOSE): (S.DECISION_PENDING, LEGAL),
    # Any legal officer but the proposer approves; the head of legal where the proposal needs one (below).
    (S.DECISION_PENDING, E.APPROVE_SETTLEMENT): (S.SETTLED, LEGAL),
    (S.DECISION_PENDING, E.APPROVE_REJECTION): (S.REJECTED, LEGAL),
    (S.DECISION_PENDING, E.APPROVE_ESCALATION): (S.IN_LITIGATION, LEGAL),
    (S.DECISION_PENDING, E.RETURN_PROPOSAL): (S.EVIDENCE_COMPLETE, LEGAL),
    (S.SETTLED, E.RECORD_PAYMENT): (S.PAID, LEGAL),
    (S.IN_LITIGATION, E.RECORD_JUDGMENT): (S.JUDGED, LEGAL),
    (S.PAID, E.CLOSE): (S.CLOSED, LEGAL),
    (S.REJECTED, E.CLOSE): (S.CLOSED, LEGAL),
    (S.JUDGED, E.CLOSE): (S.CLOSED, LEGAL),
    (S.DRAFT, E.WITHDRAW): (S.WITHDRAWN, FILERS),
    (S.REGISTERED, E.WITHDRAW): (S.WITHDRAWN, FILERS),
    (S.ASSESSED, E.WITHDRAW): (S.WITHDRAWN, LEGAL),
    (S.EVIDENCE_COMPLETE, E.WITHDRAW): (S.WITHDRAWN, LEGAL),
    (S.CLOSED, E.REOPEN): (S.REGISTERED, LEGAL),
    (S.WITHDRAWN, E.REOPEN): (S.REGISTERED, LEGAL),
}


def view(state: State, **given: object) -> CaseView:
    """A case in `state` with no intake gaps, no evidence missing and no proposal, then what `given` says."""
    plain: dict[str, object] = {
        "missing_intake": (), "report_before_event": False, "assessment_outcome": None, "missing_evidence": (),
        "proposal_kind": None, "proposed_by_actor": False, "needs_head": False, "payment_recorded": False,
        "judgment_recorded": False, "field_owned": True,
    }
    return CaseView(state=state, **{**plain, **given})  # type: ignore[arg-type]


def _ready(state: State, event: Event) -> CaseView:
    """A case on which every guard of `event` passes."""
    kind = {E.APPROVE_SETTLEMENT: "settle", E.APPROVE_REJECTION: "reject", E.APPROVE_ESCALATION: "escalate"}
    return view(state, assessment_outcome="liable", proposal_kind=kind.get(event, "settle"),
                    payment_recorded=True, judgment_recorded=True)


@pytest.mark.parametrize(("state", "event", "role"), list(itertools.product(State, Event, Role)))
def test_every_state_event_role(state: State, event: Event, role: Role) -> None:
    verdict = judge(_ready(state, event), event, role, reason="理由充分")
    target, roles = EXPECTED.get((state, event), (None, set()))
    if target is not None and role in roles:
        assert verdict.allowed and verdict.target is target, verdict.reasons
    else:
        assert not verdict.allowed and verdict.target is None
        assert verdict.reasons in (("wrong_state",), ("role",))


@pytest.mark.parametrize(("view", "event", "role", "reasons"), [
    (view(S.DRAFT, missing_intake=("event_on", "reported_on")), E.SUBMIT, R.FIELD,
     ("missing:event_on", "missing:reported_on")),
    (view(S.DRAFT, report_before_event=True), E.SUBMIT, R.LEGAL, ("report_before_event",)),
    (view(S.REGISTERED), E.CONFIRM_CHECK, R.LEGAL, ("not_checked",)),
    (view(S.REGISTERED, assessment_outcome="insufficient_facts"), E.CONFIRM_CHECK, R.LEGAL,
     ("insufficient_facts",)),
    (view(S.ASSESSED, missing_evidence=("signed_registration",)), E.COMPLETE_EVIDENCE, R.LEGAL,
     ("evidence:signed_registration",)),
    (view(S.ASSESSED, missing_evidence=(NOT_REPORTED,)), E.COMPLETE_EVIDENCE, R.LEGAL_HEAD,
     ("evidence:not_reported",)),
    (view(S.EVIDENCE_COMPLETE), E.PROPOSE, R.LEGAL, ("no_proposal",)),
    (view(S.DECISION_PENDING, proposal_kind="settle", proposed_by_actor=True), E.APPROVE_SETTLEMENT,
     R.LEGAL_HEAD, ("own_proposal",)),
    (view(S.DECISION_PENDING, proposal_kind="reject"), E.APPROVE_SETTLEMENT, R.LEGAL_HEAD, ("no_proposal",)),
    (view(S.DECISION_PENDING, proposal_kind="settle", needs_head=True), E.APPROVE_SETTLEMENT, R.LEGAL,
     ("needs_head",)),
    (view(S.DECISION_PENDING, proposal_kind="escalate", needs_head=True), E.RETURN_PROPOSAL, R.LEGAL,
     ("needs_head",)),
    (view(S.SETTLED), E.RECORD_PAYMENT, R.LEGAL, ("no_payment",)),
    (view(S.IN_LITIGATION), E.RECORD_JUDGMENT, R.LEGAL, ("no_judgment",)),
])
def test_guards_say_why(view: CaseView, event: Event, role: Role, reasons: tuple[str, ...]) -> None:
    verdict = judge(view, event, role, reason="x")
    assert not verdict.allowed and verdict.reasons == reasons


def test_withdraw_and_reopen_need_a_reason() -> None:
    assert judge(view(S.REGISTERED), E.WITHDRAW, R.LEGAL).reasons == ("reason_required",)
    assert judge(view(S.CLOSED), E.REOPEN, R.LEGAL, reason="  ").reasons == ("reason_required",)
    assert judge(view(S.CLOSED), E.REOPEN, R.LEGAL, reason="新证据").allowed


def test_field_worker_acts_only_on_their_own_units_cases() -> None:
    foreign = view(S.DRAFT, field_owned=False)
    assert judge(foreign, E.SUBMIT, R.FIELD).reasons == ("role",)
    assert judge(foreign, E.SUBMIT, R.LEGAL).allowed


def test_available_lists_only_what_the_role_may_try_here() -> None:
    events = [e for e, _ in available(view(S.REGISTERED, assessment_outcome="liable"), R.FIELD)]
    assert events == [E.WITHDRAW]
    head = dict(available(view(S.DECISION_PENDING, proposal_kind="reject"), R.LEGAL_HEAD))
    assert head[E.APPROVE_REJECTION].allowed and not head[E.APPROVE_SETTLEMENT].allowed


def test_a_case_view_cannot_be_built_from_its_state_alone() -> None:
    # No field has a default: a part nobody filled in cannot silently let a guard pass.
    with pytest.raises(TypeError, match="missing 10 required keyword-only arguments"):
        CaseView(state=S.ASSESSED)  # type: ignore[call-arg]
