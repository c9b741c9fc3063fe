"""A case moving through its lifecycle: submission runs the check and assigns it, refusals say why,
every transition is audited, deadlines follow corrected facts, and the work lists show what is due."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.cases.models import Case, CaseDeadline
from casework.domain.access import Role
from casework.domain.lifecycle import State
from casework.infra.db import db
from casework.ui.filters import SHANGHAI
from tests.factories import FRIDGE, UTILITY, load, load_rule_table, login, make_case, make_units, make_user, token


@pytest.fixture
def office(app: Flask) -> dict:  # type: ignore[type-arg]
    units = make_units()
    load_rule_table()
    people = {
        "field": make_user("field1", Role.FIELD, units["S1"]),
        "busy": make_user("legal1", Role.LEGAL, units["C1"]),
        "free": make_user("legal2", Role.LEGAL, units["C1"]),
        "far": make_user("legal9", Role.LEGAL, units["C2"]),
        "head": make_user("head1", Role.LEGAL_HEAD, units["C1"]),
    }
    make_case(units["S1"], people["field"], state=State.REGISTERED, assignee_id=people["busy"].id)
    return {"units": units, **people}


def _post(client, url: str, **data: str):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": token(client), **data}, follow_redirects=True)


def _entries(app: Flask, number: str, action: str) -> list[AuditEvent]:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.number == number))
        return list(db.session.scalars(select(AuditEvent).where(
            AuditEvent.case_id == case.id, AuditEvent.action == action).order_by(AuditEvent.seq)))  # type: ignore[union-attr]


def test_submission_checks_assigns_and_audits(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    today = date.today()
    draft = make_case(office["units"]["S1"], office["field"], state=State.DRAFT, facts=FRIDGE, circumstances=UTILITY,
                      event_on=today - timedelta(days=2), reported_on=today - timedelta(days=1))
    field = app.test_client()
    login(field, "field1")
    page = _post(field, f"/cases/{draft.number}/events/submit")
    assert "已完成：提交登记" in page.text
    stored = load(Case, number=draft.number)
    assert stored is not None and stored.state == "registered" and stored.assessment_outcome == "liable"
    assert stored.assignee_id == office["free"].id  # the least-loaded officer of the company, not legal9
    transition = _entries(app, draft.number, "case.transition")[0]
    assert transition.before == {"state": "draft"} and transition.after == {"state": "registered", "event": "submit"}
    assert transition.actor_name == "field1"
    with app.app_context():
        kinds = {d.kind for d in db.session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == stored.id))}
    assert {"report_window", "on_site_investigation", "limitation", "internal_first_check"} <= kinds


def test_refused_transition_says_why_in_chinese(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    half = make_case(office["units"]["S1"], office["field"], state=State.DRAFT, event_on=None, reported_on=None)
    field = app.test_client()
    login(field, "field1")
    page = _post(field, f"/cases/{half.number}/events/submit")
    assert "无法执行" in page.text and "缺少：事发日期" in page.text and "缺少：报案日期" in page.text
    assert load(Case, number=half.number).state == "draft"  # type: ignore[union-attr]
    insufficient = make_case(office["units"]["S1"], office["field"], state=State.DRAFT, facts={},
                             circumstances=UTILITY)
    _post(field, f"/cases/{insufficient.number}/events/submit")
    legal = app.test_client()
    login(legal, "legal1")
    page = _post(legal, f"/cases/{insufficient.number}/events/confirm_check")
    assert "事实不足" in page.text
    assert load(Case, number=insufficient.number).state == "registered"  # type: ignore[union-attr]


def test_field_worker_cannot_confirm_the_check(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    case = make_case(office["units"]["S1"], office["field"], state=State.REGISTERED)
    field = app.test_client()
    login(field, "field1")
    page = field.get(f"/cases/{case.number}").text
    assert "确认审查结论" not in page and "撤回" in page
    refused = _post(field, f"/cases/{case.number}/events/confirm_check")
    assert "您的角色不能执行此操作" in refused.text


def test_withdraw_needs_a_reason_and_reopen_is_a_new_event(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    case = make_case(office["units"]["S1"], office["field"], state=State.REGISTERED)
    legal = app.test_client()
    login(legal, "legal1")
    assert "请填写理由" in _post(legal, f"/cases/{case.number}/events/withdraw", reason=" ", confirm="1").text
    _post(legal, f"/cases/{case.number}/events/withdraw", reason="索赔人书面撤回", confirm="1")
    assert load(Case, number=case.number).state == "withdrawn"  # type: ignore[union-attr]
    _post(legal, f"/cases/{case.number}/events/reopen", reason="索赔人补充了新证据")
    entries = _entries(app, case.number, "case.transition")
    assert [(e.before["state"], e.after["state"], e.after.get("reason")) for e in entries] == [  # type: ignore[index]
        ("registered", "withdrawn", "索赔人书面撤回"), ("withdrawn", "registered", "索赔人补充了新证据")]
    assert "索赔人书面撤回" in legal.get(f"/cases/{case.number}").text


def test_correcting_the_event_date_moves_the_deadlines(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    case = make_case(office["units"]["S1"], office["field"], state=State.DRAFT, facts=FRIDGE, circumstances=UTILITY,
                     event_on=date(2025, 7, 20), reported_on=date(2025, 7, 22))
    legal = app.test_client()
    login(legal, "legal1")
    _post(legal, f"/cases/{case.number}/events/submit")
    page = legal.get(f"/cases/{case.number}").text
    assert "2025年7月28日" in page  # report window: 7 days after 20 July, a Monday
    form = legal.get(f"/cases/{case.number}/edit").text
    version = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', form)
    assert version
    _post(legal, f"/cases/{case.number}/edit", version=version.group(1) or version.group(2), claimant_name="张三",
          event_on="2025-07-21", reported_on="2025-07-22", claimed_amount="4800.00")
    with app.app_context():
        due = db.session.scalar(select(CaseDeadline.due_on).join(Case).where(
            Case.number == case.number, CaseDeadline.kind == "report_window"))
    assert due == date(2025, 7, 28)  # 21 July + 7 = 28 July, a Monday: unchanged by the weekend rule
    with app.app_context():
        limitation = db.session.scalar(select(CaseDeadline.due_on).join(Case).where(
            Case.number == case.number, CaseDeadline.kind == "limitation"))
    assert limitation == date(2028, 7, 21)


def test_work_lists_show_what_is_due_and_overdue(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    today = __import__("datetime").datetime.now(SHANGHAI).date()
    late = make_case(office["units"]["S1"], office["field"], state=State.DRAFT, facts=FRIDGE, circumstances=UTILITY,
                     event_on=today - timedelta(days=20), reported_on=today - timedelta(days=10))
    fresh = make_case(office["units"]["S1"], office["field"], state=State.DRAFT, facts=FRIDGE, circumstances=UTILITY,
                      event_on=today - timedelta(days=1), reported_on=today - timedelta(days=1))
    legal, head = app.test_client(), app.test_client()
    login(legal, "legal2")
    login(head, "head1")
    for case in (late, fresh):
        _post(legal, f"/cases/{case.number}/events/submit")
        _post(head, f"/cases/{case.number}/assign", assignee=str(office["free"].id))
    overdue = legal.get("/work/overdue").text
    assert late.number in overdue and fresh.number not in overdue
    mine = legal.get("/work/").text
    assert mine.index(late.number) < mine.index(fresh.number)  # earliest duty first
    far = app.test_client()
    login(far, "legal9")
    assert late.number not in far.get("/work/overdue").text  # another company's cases stay out of sight
    workload = head.get("/work/workload").text
    assert "Legal2" in workload


def test_reassignment_is_audited_and_limited_to_the_company(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    case = make_case(office["units"]["S1"], office["field"], state=State.REGISTERED)
    head = app.test_client()
    login(head, "head1")
    _post(head, f"/cases/{case.number}/assign", assignee=str(office["free"].id))
    refused = _post(head, f"/cases/{case.number}/assign", assignee=str(office["far"].id))
    assert "只能分派给本单位的法务人员" in refused.text
    entries = _entries(app, case.number, "case.assign")
    assert [(e.before, e.after) for e in entries] == [({"assignee": None}, {"assignee": "legal2"})]


def test_confirming_the_check_records_when_it_was_first_confirmed(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    today = date.today()
    draft = make_case(office["units"]["S1"], office["field"], state=State.DRAFT, facts=FRIDGE, circumstances=UTILITY,
                      event_on=today - timedelta(days=2), reported_on=today - timedelta(days=1))
    field = app.test_client()
    login(field, "field1")
    _post(field, f"/cases/{draft.number}/events/submit")
    assert load(Case, number=draft.number).checked_at is None  # type: ignore[union-attr]  # the automatic check is not it
    legal = app.test_client()
    login(legal, "legal2")
    _post(legal, f"/cases/{draft.number}/events/confirm_check")
    stored = load(Case, number=draft.number)
    assert stored is not None and stored.state == "assessed" and stored.checked_at is not None
    confirmed = _entries(app, draft.number, "case.transition")[-1]
    assert confirmed.after == {"state": "assessed", "event": "confirm_check"} and stored.checked_at == confirmed.at
