"""A stage left out of the flow refuses instead of waving a case through: without the evidence part the file
cannot be completed, without the decision part nothing can be approved; with the whole flow both pass."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from casework import flow
from casework.auth.models import User
from casework.cases import workflow
from casework.cases.models import Case
from casework.cases.workflow import REFUSING, TransitionRefused, fire
from casework.decision import service as decision
from casework.decision.models import Proposal
from casework.domain.access import Role
from casework.domain.evidence import checklist
from casework.domain.lifecycle import TRANSITIONS, CaseView, Event, State, Transition, judge
from casework.evidence import service as evidence
from casework.evidence.models import Evidence
from casework.infra.db import unit_of_work, utcnow
from casework.infra.settings import deadline_targets
from tests.factories import ctx, load, login, make_case, make_units, make_user, token

# The transitions whose guards need a later stage's word (evidence or decision); the others read only
# the case record itself and must not depend on which stages are installed.
VOUCHED_BY_A_STAGE = {Event.COMPLETE_EVIDENCE, Event.PROPOSE, Event.APPROVE_SETTLEMENT, Event.APPROVE_REJECTION,
                      Event.APPROVE_ESCALATION, Event.RETURN_PROPOSAL, Event.RECORD_PAYMENT, Event.RECORD_JUDGMENT}


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.event.value)
def test_nothing_reported_refuses_what_a_stage_must_vouch_for(transition: Transition) -> None:
    """Even the head of legal, on a checked case with its intake complete, with only REFUSING to go on."""
    view = CaseView(state=sorted(transition.sources)[0], missing_intake=(), report_before_event=False,
                    assessment_outcome="liable", field_owned=True, **REFUSING)
    verdict = judge(view, transition.event, Role.LEGAL_HEAD, reason="索赔人书面说明")
    assert verdict.allowed is (transition.event not in VOUCHED_BY_A_STAGE), verdict.reasons


@pytest.fixture
def office(app: Flask) -> dict[str, Any]:
    units = make_units()
    return {"units": units, "field": make_user("field1", Role.FIELD, units["S1"]),
            "legal": make_user("legal1", Role.LEGAL, units["C1"]),
            "legal2": make_user("legal2", Role.LEGAL, units["C1"]),
            "head": make_user("head1", Role.LEGAL_HEAD, units["C1"])}


def _without(monkeypatch: pytest.MonkeyPatch, part: Callable[..., Any]) -> None:
    """The app's flow with one stage's guard part left out, as if its module had never been wired."""
    assert part in flow.REACTIONS.view_parts
    parts = tuple(p for p in flow.REACTIONS.view_parts if p is not part)
    monkeypatch.setattr(workflow, "REACTIONS", dataclasses.replace(flow.REACTIONS, view_parts=parts))


def _fire(number: str, user: User, event: Event) -> tuple[str, ...]:
    """Fire `event` as `user` in one transaction; the reasons it was refused, () if it went through."""
    try:
        with ctx(), unit_of_work() as session:
            case = session.scalar(select(Case).where(Case.number == number))
            assert case is not None
            fire(session, user.actor(), case, event, now=utcnow(), targets=deadline_targets())
    except TransitionRefused as refused:
        return refused.reasons
    return ()


def _state(number: str) -> State:
    case = load(Case, number=number)
    assert case is not None
    return case.state


def _assessed_with_every_required_item(office: dict[str, Any]) -> str:
    case = make_case(office["units"]["S1"], office["field"], state=State.ASSESSED)
    with ctx(), unit_of_work() as session:
        for n, item in enumerate(i for i in checklist(case.category) if i.required):
            session.add(Evidence(public_id=f"failclosed{n}", case_id=case.id, kind=item.kind,
                                 original_name=f"{item.kind}.jpg", size=1, sha256=f"{n:064x}",
                                 media_type="image/jpeg", meta={}, uploaded_by_id=office["legal"].id,
                                 uploaded_at=utcnow()))
    return case.number


def test_evidence_cannot_be_completed_without_the_evidence_stage(app: Flask, office: dict[str, Any],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    number = _assessed_with_every_required_item(office)
    _without(monkeypatch, evidence.guard_view)
    assert _fire(number, office["head"], Event.COMPLETE_EVIDENCE) == ("evidence:not_reported",)
    assert _state(number) is State.ASSESSED
    # On the case page the refusal is in words, not its code.
    legal = app.test_client()
    login(legal, "legal1")
    page = legal.post(f"/cases/{number}/events/complete_evidence", data={"csrf_token": token(legal)},
                      follow_redirects=True).text
    assert "无法执行：证据清单未能核对，暂不能确认证据齐全" in page and "not_reported" not in page
    assert _state(number) is State.ASSESSED


def test_evidence_is_completed_with_the_whole_flow(app: Flask, office: dict[str, Any]) -> None:
    number = _assessed_with_every_required_item(office)
    assert workflow.REACTIONS is flow.REACTIONS  # create_app installed it
    assert _fire(number, office["legal"], Event.COMPLETE_EVIDENCE) == ()
    assert _state(number) is State.EVIDENCE_COMPLETE


def _settlement_proposed_by(office: dict[str, Any], proposer: User) -> str:
    case = make_case(office["units"]["S1"], office["field"], state=State.DECISION_PENDING)
    with ctx(), unit_of_work() as session:
        session.add(Proposal(case_id=case.id, kind="settle", status="open", proposed_by_id=proposer.id,
                             proposed_at=utcnow() - timedelta(hours=1), amount=Decimal("1800.00"), payee="张三",
                             needs_role=Role.LEGAL.value))
    return case.number


def test_a_settlement_cannot_be_approved_without_the_decision_stage(app: Flask, office: dict[str, Any],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    number = _settlement_proposed_by(office, office["legal"])
    _without(monkeypatch, decision.guard_view)
    # Unseen, the proposal counts as nobody's, as needing the head of legal, and as not there at all.
    assert _fire(number, office["legal2"], Event.APPROVE_SETTLEMENT) == ("no_proposal", "needs_head")
    assert _fire(number, office["head"], Event.APPROVE_SETTLEMENT) == ("no_proposal",)
    assert _state(number) is State.DECISION_PENDING


def test_a_settlement_is_approved_with_the_whole_flow(app: Flask, office: dict[str, Any]) -> None:
    number = _settlement_proposed_by(office, office["legal"])
    assert _fire(number, office["legal"], Event.APPROVE_SETTLEMENT) == ("own_proposal",)  # the guard still looks
    assert _fire(number, office["legal2"], Event.APPROVE_SETTLEMENT) == ()
    assert _state(number) is State.SETTLED
