"""The claims summary follows every change through the real services, in the same transaction, and
`casework analytics rebuild` puts a tampered row right and says so."""

from __future__ import annotations

import contextlib
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from casework.audit.models import AuditEvent
from casework.cases.models import Case
from casework.cases.service import CaseError, edit_case
from casework.cases.summary import recomputed_summary, stored_summary
from casework.cases.workflow import TransitionRefused, fire
from casework.decision.service import DecisionError, Draft, decide, propose, record_payment
from casework.domain.access import SYSTEM, Role
from casework.domain.deadlines import DEFAULT_TARGETS
from casework.domain.evidence import checklist
from casework.domain.lifecycle import Event, State
from casework.evidence.service import waive
from casework.infra.db import db, unit_of_work, utcnow
from casework.intake.service import Intake, save_intake
from casework.rulecheck.service import recheck_open_cases, run_rule_check
from casework.ruletable.store import calendar, current_table
from tests.factories import FRIDGE, UTILITY, ctx, load_rule_table, make_units, make_user

REASON = ("该用户冷库在停电期间货物受损，虽审查结论为不承担责任，但经现场核实损失真实且数额较小。"
          "为避免诉讼成本并维护客户关系，经协商一次性补偿，协议写明不构成责任承认。")
WAIVED = "由现场登记材料替代，已附照片说明。"
SETTLE = {"payee": "张三", "payment_method": "bank_transfer", "bank_account": "6222020200112233445"}
OPS = ("intake", "intake_submit", "submit", "edit", "check", "ready", "settle", "reject", "escalate", "pay",
       "withdraw", "close")


@pytest.fixture
def office(app: Flask) -> dict[str, Any]:
    units = make_units()
    load_rule_table()
    return {"units": units, "field": make_user("field1", Role.FIELD, units["S1"]),
            "legal": make_user("legal1", Role.LEGAL, units["C1"]),
            "head": make_user("head1", Role.LEGAL_HEAD, units["C1"])}


def _intake(office: dict[str, Any], amount: int) -> Intake:
    today = date.today()
    return Intake(category="appliance", unit_id=office["units"]["S1"].id, circumstances=dict(UTILITY),
                  facts=dict(FRIDGE), fields={"claimant_name": "张三", "event_on": today - timedelta(days=3),
                                              "reported_on": today - timedelta(days=2),
                                              "claimed_amount": Decimal(amount) / 100})


def _pick(session: Any, states: tuple[State, ...], index: int) -> Case | None:
    rows = list(session.scalars(select(Case).where(Case.state.in_([s.value for s in states])).order_by(Case.id)))
    return rows[index % len(rows)] if rows else None


def _check(session: Any, actor: Any, case: Case) -> None:
    run_rule_check(session, actor, case, table=current_table(session), calendar=calendar(session), now=utcnow())


def _step(office: dict[str, Any], op: str, index: int, amount: int) -> None:
    """One operation through the services, in its own unit of work, as a request or a command runs it."""
    field, legal, head = (office[k].actor() for k in ("field", "legal", "head"))
    now, money = utcnow(), f"{Decimal(amount) / 100:.2f}"
    with unit_of_work() as session:
        if op in ("intake", "intake_submit"):
            save_intake(session, field, _intake(office, amount), case=None, loaded_version=0,
                        submit=op == "intake_submit", now=now, targets=DEFAULT_TARGETS)
            return
        if op == "ready":  # a claim filed complete, checked, its required evidence waived
            case = save_intake(session, field, _intake(office, amount), case=None, loaded_version=0, submit=True,
                               now=now, targets=DEFAULT_TARGETS)
            for item in checklist(case.category):
                if item.required:
                    waive(session, legal, case, item.kind, WAIVED, now=now)
            fire(session, legal, case, Event.CONFIRM_CHECK, now=now, targets=DEFAULT_TARGETS)
            fire(session, legal, case, Event.COMPLETE_EVIDENCE, now=now, targets=DEFAULT_TARGETS)
            return
        states = {"submit": (State.DRAFT,), "edit": (State.REGISTERED, State.ASSESSED, State.EVIDENCE_COMPLETE),
                  "check": (State.REGISTERED, State.ASSESSED), "settle": (State.EVIDENCE_COMPLETE,),
                  "reject": (State.EVIDENCE_COMPLETE,), "escalate": (State.EVIDENCE_COMPLETE,),
                  "pay": (State.SETTLED,), "withdraw": (State.REGISTERED, State.ASSESSED, State.EVIDENCE_COMPLETE),
                  "close": (State.PAID, State.REJECTED)}[op]
        case = _pick(session, states, index)
        if case is None:
            return
        if op == "submit":
            fire(session, field, case, Event.SUBMIT, now=now, targets=DEFAULT_TARGETS)
        elif op == "edit":
            edit_case(session, legal, case, {"claimed_amount": Decimal(money)}, loaded_version=case.version, now=now)
        elif op == "check":
            _check(session, legal, case)
        elif op in ("settle", "reject", "escalate"):
            extra = SETTLE if op == "settle" else {"litigation_role": "defendant", "court": "江城市人民法院",
                                                   "cause": "财产损害赔偿纠纷", "risk": "证据充分"} if op == "escalate" else {}
            draft = Draft(kind=op, amount=money if op == "settle" else "", reason=REASON, **extra)
            propose(session, legal, case, draft, now=now, threshold=Decimal("50000"), targets=DEFAULT_TARGETS)
            decide(session, head, case, approve=True, comment="同意", now=now, targets=DEFAULT_TARGETS)
        elif op == "pay":
            record_payment(session, legal, case, amount=money, paid_on=date.today(), voucher=f"V{index}", now=now,
                           targets=DEFAULT_TARGETS)
        elif op == "withdraw":
            fire(session, legal, case, Event.WITHDRAW, now=now, targets=DEFAULT_TARGETS, reason="申请人撤回索赔")
        elif op == "close":
            fire(session, legal, case, Event.CLOSE, now=now, targets=DEFAULT_TARGETS)


def _summary_matches_a_rebuild() -> dict[Any, Any]:
    with ctx():
        stored = stored_summary(db.session)
        fresh, _ = recomputed_summary(db.session)
        assert stored == fresh
        return stored


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 50), st.integers(1, 900_000)), min_size=1,
                max_size=14))
def test_the_summary_equals_a_rebuild_after_any_sequence_of_changes(
        office: dict[str, Any], steps: list[tuple[str, int, int]]) -> None:
    with ctx():
        for op, index, amount in steps:
            # A refused step: its unit of work rolled back, and the summary with it.
            with contextlib.suppress(TransitionRefused, DecisionError, CaseError):
                _step(office, op, index, amount)
        _summary_matches_a_rebuild()


def test_a_decision_and_its_payment_move_the_money_in_the_same_transaction(office: dict[str, Any]) -> None:
    with ctx():
        _step(office, "ready", 0, 480_000)
        _step(office, "settle", 0, 50_000)  # 500.00 against the check's amount
        _step(office, "pay", 0, 50_001)
        case = db.session.scalar(select(Case))
        assert case is not None and case.decision_kind == "settled" and case.settled_amount == Decimal("500.00")
        assert case.paid_amount == Decimal("500.01") and case.paid_on == date.today() and case.cause == "utility_fault"
        (row,) = _summary_matches_a_rebuild().values()
        assert row["cases"] == 1 and row["decided_settled"] == 1 and row["claimed_amount"] == Decimal("4800.00")
        assert row["settled_amount"] == Decimal("500.00") and row["paid_amount"] == Decimal("500.01")


def test_a_refused_change_leaves_the_summary_as_it_was(office: dict[str, Any]) -> None:
    with ctx():
        _step(office, "ready", 0, 100_000)
        before = _summary_matches_a_rebuild()
        # A settlement with no payee: refused, and the unit of work rolls back the edit made before it.
        with pytest.raises(DecisionError), unit_of_work() as session:
            case = session.scalar(select(Case))
            assert case is not None
            case.claimed_amount = Decimal("1.00")
            session.flush()
            draft = Draft(kind="settle", amount="100.00", payment_method="cash", reason=REASON)
            propose(session, office["legal"].actor(), case, draft, now=utcnow(), threshold=Decimal("50000"),
                    targets=DEFAULT_TARGETS)
        assert _summary_matches_a_rebuild() == before


def test_rebuild_corrects_a_tampered_row_and_says_so(app: Flask, office: dict[str, Any]) -> None:
    with ctx():
        _step(office, "intake_submit", 0, 123_456)
        _step(office, "intake_submit", 0, 10_000)
        with unit_of_work() as session:
            session.execute(text("UPDATE case_summary SET cases = cases + 5, claimed_amount = claimed_amount - 0.01"))
    result = app.test_cli_runner().invoke(args=["analytics", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "案件数: 7 → 2" in result.output and "索赔金额: 1334.55 → 1334.56" in result.output
    line = next(line for line in result.output.splitlines() if "案件数: 7 → 2" in line)
    assert re.search(r"\d{4}年\d{1,2}月", line) and "家电损坏" in line and "/" not in line  # in words, no path
    assert "corrected 1 rows (2 figures)" in result.output
    with ctx():
        _summary_matches_a_rebuild()
        entry = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "analytics.rebuild"))
        assert entry is not None and entry.after["corrected_rows"] == 1 and entry.after["corrected_figures"] == 2
    again = app.test_cli_runner().invoke(args=["analytics", "rebuild"])
    assert "nothing to correct" in again.output


def test_a_bulk_recheck_moves_the_outcome_counts_too(office: dict[str, Any]) -> None:
    with ctx():
        _step(office, "intake_submit", 0, 100_000)
        _step(office, "intake_submit", 0, 200_000)
        with unit_of_work() as session:  # the cause corrected where the check is not re-run at once
            case = session.scalar(select(Case).order_by(Case.id))
            case.circumstances = {**UTILITY, "cause": "force_majeure"}
        assert _summary_matches_a_rebuild()
        with unit_of_work() as session:
            report = recheck_open_cases(session, SYSTEM, table=current_table(session), calendar=calendar(session),
                                        now=utcnow())
        assert report.changed == 1
        (row,) = _summary_matches_a_rebuild().values()
        assert row["cases"] == 2 and row["check_liable"] == 1
        assert sum(v for k, v in row.items() if k.startswith("check_")) == 2
