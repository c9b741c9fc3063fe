"""Deciding a claim through the web: settle, reject, escalate, approvals and returns, the goodwill guard,
precedent risk, payment and judgment, and two people deciding at once."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.cases.models import Case
from casework.decision.models import Proposal
from casework.decision.service import Allowed, allowed_actions
from casework.domain.access import Actor, Role
from casework.domain.evidence import checklist
from casework.domain.lifecycle import State
from casework.evidence.service import waive
from casework.infra.db import db, unit_of_work, utcnow
from casework.rulecheck.service import run_rule_check
from casework.ruletable.store import calendar, current_table
from tests.conftest import csrf_from
from tests.factories import FRIDGE, UTILITY, ctx, load, load_rule_table, login, make_case, make_units, make_user

REASON = ("该用户冷库在停电期间货物受损，虽审查结论为不承担责任，但经现场核实损失真实且数额较小。"
          "为避免诉讼成本并维护客户关系，经协商一次性补偿，协议写明不构成责任承认。")


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    load_rule_table()
    people = {
        "field": make_user("field1", Role.FIELD, units["S1"]),
        "legal": make_user("legal1", Role.LEGAL, units["C1"]),
        "legal2": make_user("legal2", Role.LEGAL, units["C1"]),
        "head": make_user("head1", Role.LEGAL_HEAD, units["C1"]),
    }
    return {"units": units, **people}


def ready(world: dict[str, Any], **fields: Any) -> str:
    """A checked appliance case with its file complete (every required item waived), ready to decide."""
    values: dict[str, Any] = {"facts": FRIDGE, "circumstances": UTILITY, "address": "前营村3组12号"}
    values.update(fields)
    case = make_case(world["units"]["S1"], world["field"], state=State.EVIDENCE_COMPLETE, **values)
    with ctx(), unit_of_work() as session:
        row = session.get(Case, case.id)
        legal = world["legal"].actor()
        run_rule_check(session, legal, row, table=current_table(session), calendar=calendar(session), now=utcnow())
        for item in checklist(row.category):
            if item.required:
                waive(session, legal, row, item.kind, "由现场登记材料替代，已附照片说明。", now=utcnow())
    return case.number


def _client(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def _post(client: FlaskClient, number: str, action: str, **data: str) -> Any:
    token = csrf_from(client.get(f"/cases/{number}/decision").text)
    return client.post(f"/cases/{number}/decision/{action}", data={"csrf_token": token, **data})


def _case(number: str) -> Case:
    found = load(Case, number=number)
    assert found is not None
    return found


def _proposals(number: str) -> list[Proposal]:
    with ctx():
        rows = list(db.session.scalars(select(Proposal).join(Case, Case.id == Proposal.case_id)
                                       .where(Case.number == number).order_by(Proposal.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def _audits(action: str) -> int:
    with ctx():
        return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)) or 0


SETTLE = {"kind": "settle", "payee": "张三", "payment_method": "bank_transfer", "bank_account": "6222020200112233445",
          "terms": "甲方支付上述款项后，损坏的家用电器归甲方所有。"}


def test_a_settlement_within_the_law_is_approved_paid_and_closed(app: Flask, world: dict[str, Any]) -> None:
    number = ready(world)
    assert _case(number).assessment_outcome == "liable" and _case(number).assessment_amount == Decimal("1800.00")
    legal = _client(app, "legal1")
    page = legal.get(f"/cases/{number}/decision").text
    assert "类似案件" in page and "¥1,800.00" in page  # the assessment beside the form
    assert _post(legal, number, "propose", amount="1800", **SETTLE).status_code == 303
    proposal = _proposals(number)[0]
    assert _case(number).state == "decision_pending"
    assert not proposal.goodwill and proposal.needs_role == "legal" and proposal.amount == Decimal("1800.00")
    _post(legal, number, "decide", approve="1")  # one's own proposal: refused
    assert _case(number).state == "decision_pending"
    assert _post(_client(app, "legal2"), number, "decide", approve="1", comment="同意").status_code == 303
    assert _case(number).state == "settled" and not _case(number).goodwill_payment
    refused = _post(legal, number, "payment", pay_amount="1800", paid_on="", voucher="")
    assert refused.status_code == 422 and "必填" in refused.text and 'value="1800"' in refused.text
    assert _post(legal, number, "payment", pay_amount="1800", paid_on="2026-11-20", voucher="PZ-001").status_code == 303
    assert _case(number).state == "paid"
    for action in ("decision.propose", "decision.approve", "decision.payment"):
        assert _audits(action) == 1, action


def test_a_payment_without_legal_basis_needs_a_reason_and_the_head(app: Flask, world: dict[str, Any]) -> None:
    number = ready(world, reported_on=date(2025, 7, 20) + timedelta(days=10))  # past the 7-day window
    assert _case(number).assessment_outcome == "time_barred"
    legal = _client(app, "legal1")
    short = _post(legal, number, "propose", amount="500", reason="客户要求。", **SETTLE)
    assert short.status_code == 422 and "至少两句" in short.text and _proposals(number) == []
    assert _post(legal, number, "propose", amount="500", reason=REASON, **SETTLE).status_code == 303
    proposal = _proposals(number)[0]
    assert proposal.goodwill and proposal.needs_role == "legal_head"
    _post(_client(app, "legal2"), number, "decide", approve="1")
    assert _case(number).state == "decision_pending"  # an officer may not approve goodwill
    assert _post(_client(app, "head1"), number, "decide", approve="1").status_code == 303
    case = _case(number)
    assert case.state == "settled" and case.goodwill_payment
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    report = _client(app, "audit1").get("/reports/goodwill").text
    assert number in report and "¥500.00" in report and "单位S1" in report


def test_settling_above_the_assessed_amount_is_goodwill_too(app: Flask, world: dict[str, Any]) -> None:
    number = ready(world)
    legal = _client(app, "legal1")
    assert _post(legal, number, "propose", amount="1800.01", **SETTLE).status_code == 422
    assert _post(legal, number, "propose", amount="1800.01", reason=REASON, **SETTLE).status_code == 303
    assert _proposals(number)[0].goodwill


def test_a_rejection_keeps_the_legal_grounds_of_the_check(app: Flask, world: dict[str, Any]) -> None:
    number = ready(world, reported_on=date(2025, 7, 30))
    legal = _client(app, "legal1")
    assert _post(legal, number, "propose", kind="reject", note="已电话告知用户").status_code == 303
    grounds = _proposals(number)[0].grounds
    assert any(g["rule"] == "ha_report_7d" and "七日内" in g["quote"] for g in grounds)
    assert _post(_client(app, "legal2"), number, "decide", approve="1").status_code == 303
    assert _case(number).state == "rejected"


def test_an_escalation_needs_the_head_and_a_judgment_follows(app: Flask, world: dict[str, Any]) -> None:
    number = ready(world)
    legal = _client(app, "legal1")
    missing = _post(legal, number, "propose", kind="escalate")
    assert missing.status_code == 422 and _proposals(number) == []
    assert _post(legal, number, "propose", kind="escalate", litigation_role="defendant", court="江城市中级人民法院",
                 cause="财产损害赔偿纠纷", demand="赔偿 8000 元", counsel="王律师",
                 risk="对方证据不足，败诉风险低。").status_code == 303
    assert _proposals(number)[0].needs_role == "legal_head"
    head = _client(app, "head1")
    assert _post(head, number, "decide", approve="0").status_code == 303  # a return needs a comment
    assert _case(number).state == "decision_pending"
    assert _post(head, number, "decide", approve="1", comment="同意应诉").status_code == 303
    assert _case(number).state == "in_litigation"
    assert _post(legal, number, "litigation", step="judgment", on="2026-10-01", text="驳回原告诉讼请求",
                 awarded="0", result="won").status_code == 303
    assert _case(number).state == "judged"


def test_a_returned_proposal_goes_back_with_the_comment(app: Flask, world: dict[str, Any]) -> None:
    number = ready(world)
    _post(_client(app, "legal1"), number, "propose", amount="1000", **SETTLE)
    assert _post(_client(app, "head1"), number, "decide", approve="0", comment="金额依据不足，请补充维修报价").status_code == 303
    assert _case(number).state == "evidence_complete"
    proposal = _proposals(number)[0]
    assert proposal.status == "returned" and proposal.comment == "金额依据不足，请补充维修报价"
    page = _client(app, "legal1").get(f"/cases/{number}/decision").text
    assert "金额依据不足" in page and "提出处理意见" in page  # it can be proposed again


def test_paying_a_neighbour_for_an_event_whose_first_claim_was_refused_is_a_precedent_risk(
        app: Flask, world: dict[str, Any]) -> None:
    first = ready(world, claimant_name="李四", claimant_id_number="110105194912310021",
                  claimant_phone="13900001111", reported_on=date(2025, 7, 30))
    legal = _client(app, "legal1")
    _post(legal, first, "propose", kind="reject")
    _post(_client(app, "legal2"), first, "decide", approve="1")
    assert _case(first).state == "rejected"
    second = ready(world, claimant_name="王五", claimant_id_number="110105195001010016",
                   claimant_phone="13700002222", address="前营村5组3号")
    page = legal.get(f"/cases/{second}/decision").text
    assert first in page and "同一事件" in page
    refused = _post(legal, second, "propose", amount="1800", **SETTLE)
    assert refused.status_code == 422 and "类似案件" in refused.text
    assert _post(legal, second, "propose", amount="1800", reason=REASON, **SETTLE).status_code == 303
    proposal = _proposals(second)[0]
    assert proposal.precedent_risk and proposal.similar == [first]
    assert "先例风险" in legal.get(f"/cases/{second}").text


def test_control_characters_in_free_text_never_break_a_decision(app: Flask, world: dict[str, Any]) -> None:
    """NUL cannot be stored by PostgreSQL; nobody types it, so it is dropped from free text, not a 500."""
    number = ready(world)
    legal = _client(app, "legal1")
    got = _post(legal, number, "propose", kind="escalate", litigation_role="defendant", court="法院\x00",
                cause="案由\x01", risk="风险\x00评估", note="\x00")
    assert got.status_code == 303
    assert _proposals(number)[0].court == "法院" and _proposals(number)[0].risk == "风险评估"
    head = _client(app, "head1")
    assert _post(head, number, "decide", approve="0", comment="\x00补充材料").status_code == 303
    assert _proposals(number)[0].comment == "补充材料"


def test_text_longer_than_its_column_is_refused_and_shown_again(app: Flask, world: dict[str, Any]) -> None:
    """Refused with the cap in words next to the field, not cut short unseen; what was typed stays."""
    number = ready(world)
    legal = _client(app, "legal1")
    long = _post(legal, number, "propose", kind="escalate", litigation_role="defendant", court="法" * 201,
                 cause="财产损害赔偿纠纷", risk="对方证据不足。")
    assert long.status_code == 422 and "不能超过 200 个字符" in long.text
    assert "财产损害赔偿纠纷" in long.text and "法" * 201 in long.text and _proposals(number) == []
    assert _post(legal, number, "propose", kind="escalate", litigation_role="defendant", court="法" * 200,
                 cause="财产损害赔偿纠纷", risk="对方证据不足。").status_code == 303
    head = _client(app, "head1")
    assert _post(head, number, "decide", approve="0", comment="补" * 5001).status_code == 422
    assert _case(number).state == "decision_pending" and _proposals(number)[0].status == "open"


def test_only_legal_staff_act_and_never_on_their_own_proposal() -> None:
    def actor(user_id: int, role: Role) -> Actor:
        return Actor(user_id=user_id, username=f"u{user_id}", role=role, unit_path="/1/")

    officer, other, head, field = (actor(1, Role.LEGAL), actor(2, Role.LEGAL), actor(3, Role.LEGAL_HEAD),
                                   actor(4, Role.FIELD))
    nothing = Allowed(propose=False, decide=False, pay=False, litigate=False, letter=False)
    assert allowed_actions(officer, "evidence_complete", None) == Allowed(
        propose=True, decide=False, pay=False, litigate=False, letter=True)
    assert allowed_actions(field, "evidence_complete", None) == nothing
    for_officers = Proposal(needs_role="legal", proposed_by_id=officer.user_id)
    assert not allowed_actions(officer, "decision_pending", for_officers).decide  # one's own
    assert allowed_actions(other, "decision_pending", for_officers).decide
    assert allowed_actions(head, "decision_pending", for_officers).decide
    assert allowed_actions(field, "decision_pending", for_officers) == nothing
    for_the_head = Proposal(needs_role="legal_head", proposed_by_id=officer.user_id)
    assert not allowed_actions(other, "decision_pending", for_the_head).decide
    assert allowed_actions(head, "decision_pending", for_the_head).decide
    assert [allowed_actions(officer, state, None).pay for state in ("settled", "paid")] == [True, False]
    assert [allowed_actions(officer, state, None).litigate for state in ("in_litigation", "judged", "settled")] == [
        True, True, False]


def _race(calls: list[Any]) -> list[int]:
    start, statuses = threading.Barrier(len(calls)), []

    def run(call: Any) -> None:
        start.wait()
        statuses.append(call().status_code)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_two_officers_deciding_at_once_make_one_decision(app: Flask, world: dict[str, Any]) -> None:
    number = ready(world)
    officers = [_client(app, "legal1"), _client(app, "legal2")]
    tokens = [csrf_from(c.get(f"/cases/{number}/decision").text) for c in officers]
    calls = [lambda c=c, t=t: c.post(f"/cases/{number}/decision/propose", data={"csrf_token": t, "amount": "1800",
                                                                               **SETTLE})
             for c, t in zip(officers, tokens, strict=True)]
    assert sorted(_race(calls)) == [303, 303]
    assert len(_proposals(number)) == 1 and _audits("decision.propose") == 1
    told = [c.get(f"/cases/{number}/decision").text for c in officers]
    assert sum("可能已有他人处理" in page for page in told) == 1  # the other is told why
    head = _client(app, "head1")
    token = csrf_from(head.get(f"/cases/{number}/decision").text)
    twice = [lambda: head.post(f"/cases/{number}/decision/decide", data={"csrf_token": token, "approve": "1"})] * 2
    _race(twice)
    assert _case(number).state == "settled" and _audits("decision.approve") == 1
