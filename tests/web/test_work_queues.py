"""待办 is each role's landing page and shows what that role must do now, within its scope; the menu counts it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.cases.models import Case
from casework.decision.models import Proposal
from casework.domain.access import Role
from casework.domain.lifecycle import State
from casework.infra.db import db, unit_of_work, utcnow
from casework.rulecheck.service import run_rule_check
from casework.ruletable.store import calendar, current_table
from tests.conftest import csrf_from
from tests.factories import FRIDGE, UTILITY, ctx, load_rule_table, login, make_case, make_units, make_user

SETTLE = {"kind": "settle", "amount": "1800", "payee": "张三", "payment_method": "bank_transfer",
          "bank_account": "6222020200112233445", "terms": "甲方支付上述款项后，损坏的家用电器归甲方所有。"}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def badge(html: str) -> int | None:
    """The number on the menu's 待办 item, None when it shows none."""
    found = re.search(r'data-waiting>(\d+)<', html)
    return int(found.group(1)) if found else None


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    load_rule_table()
    people = {"field": make_user("field1", Role.FIELD, units["S1"]),
              "field2": make_user("field2", Role.FIELD, units["S2"]),
              "legal": make_user("legal1", Role.LEGAL, units["C1"]),
              "legal2": make_user("legal2", Role.LEGAL, units["C1"]),
              "head": make_user("head1", Role.LEGAL_HEAD, units["C1"]),
              "auditor": make_user("auditor1", Role.AUDITOR, units["P"]),
              "admin": make_user("admin1", Role.ADMIN, units["P"])}
    return {"units": units, **people}


def _checked(world: dict[str, Any], unit: str = "S1", **fields: Any) -> Case:
    by = world["field"] if unit == "S1" else world["field2"]
    case = make_case(world["units"][unit], by, facts=FRIDGE, circumstances=UTILITY, address="前营村3组12号",
                     **fields)
    with ctx(), unit_of_work() as session:
        row = session.get(Case, case.id)
        run_rule_check(session, world["legal"].actor(), row, table=current_table(session),
                       calendar=calendar(session), now=utcnow())
    return case


def _client(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def _proposed(app: Flask, world: dict[str, Any]) -> str:
    """An appliance case waiting for approval: checked, its file complete, settled by legal1."""
    from casework.domain.evidence import checklist
    from casework.evidence.service import waive

    case = _checked(world, state=State.EVIDENCE_COMPLETE)
    with ctx(), unit_of_work() as session:
        row = session.get(Case, case.id)
        for item in checklist(row.category):
            if item.required:
                waive(session, world["legal"].actor(), row, item.kind, "由现场登记材料替代，已附照片说明。",
                      now=utcnow())
    legal = _client(app, "legal1")
    token = csrf_from(legal.get(f"/cases/{case.number}/decision").text)
    assert legal.post(f"/cases/{case.number}/decision/propose",
                      data={"csrf_token": token, **SETTLE}).status_code == 303
    return case.number


def test_the_head_sees_the_proposal_waiting_and_the_menu_counts_it(app: Flask, world: dict[str, Any]) -> None:
    number = _proposed(app, world)
    head = _client(app, "head1")
    page = head.get("/work/").text
    shown = text(page)
    assert "待审批" in shown and number in shown and "没有案件" not in shown
    assert "和解赔偿" in shown and "提议人：Legal1" in shown and "金额：¥1,800.00" in shown
    assert badge(page) == 1
    assert f"/cases/{number}/decision" in page  # the item opens where it is approved
    # The officer who proposed it may not approve it: not in their approvals, not counted.
    own = _client(app, "legal1").get("/work/").text
    assert "待审批" not in text(own)
    assert "待审批" in text(_client(app, "legal2").get("/work/").text)  # another officer may (within threshold)


def test_the_station_sees_the_visit_due_on_its_case_not_another_units(app: Flask, world: dict[str, Any]) -> None:
    ours, theirs = _checked(world), _checked(world, unit="S2", claimant_name="李四")
    field = _client(app, "field1")
    page = field.get("/work/").text
    shown = text(page)
    assert "待现场调查" in shown and ours.number in shown and theirs.number not in shown
    assert "现场调查期限：2025年7月23日，逾期" in shown  # reported 2025-07-22: long overdue, in red
    assert 'class="text-danger">现场调查期限' in page
    assert badge(page) == 1
    other = _client(app, "field2").get("/work/").text
    assert theirs.number in other and ours.number not in other and badge(other) == 1


def test_an_officer_sees_each_deadline_named_on_their_cases(app: Flask, world: dict[str, Any]) -> None:
    today = utcnow().date()
    case = _checked(world, reported_on=today, event_on=today)
    with ctx(), unit_of_work() as session:
        session.get(Case, case.id).assignee_id = world["legal"].id  # type: ignore[union-attr]
    shown = text(_client(app, "legal1").get("/work/").text)
    assert "我承办的案件" in shown and case.number in shown
    assert "现场调查期限：" in shown and "内部时限：首次法律审查：" in shown
    assert re.search(r"内部时限：首次法律审查：\d{4}年\d{1,2}月\d{1,2}日，还剩 \d+ 天", shown)
    assert "internal_first_check" not in shown and "on_site_investigation" not in shown


def test_a_returned_proposal_waits_for_its_proposer(app: Flask, world: dict[str, Any]) -> None:
    number = _proposed(app, world)
    head = _client(app, "head1")
    token = csrf_from(head.get(f"/cases/{number}/decision").text)
    head.post(f"/cases/{number}/decision/decide", data={"csrf_token": token, "approve": "",
                                                          "comment": "金额请按发票核对后再报。"})
    with ctx():
        assert db.session.scalar(select(Proposal.status)) == "returned"
    shown = text(_client(app, "legal1").get("/work/").text)
    assert "被退回的处理意见" in shown and number in shown and "金额请按发票核对后再报。" in shown
    assert "待审批" not in text(head.get("/work/").text)


@pytest.mark.parametrize(("username", "lands_on"), [("field1", "/work/"), ("legal1", "/work/"),
                                                    ("head1", "/work/"), ("auditor1", "/cases/"),
                                                    ("admin1", "/admin/users")])
def test_each_role_lands_on_its_work(app: Flask, world: dict[str, Any], username: str, lands_on: str) -> None:
    response = _client(app, username).get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith(lands_on)


def test_workload_numbers_open_the_filtered_case_list(app: Flask, world: dict[str, Any]) -> None:
    case = _checked(world)
    with ctx(), unit_of_work() as session:
        session.get(Case, case.id).assignee_id = world["legal"].id  # type: ignore[union-attr]
    head = _client(app, "head1")
    page = head.get("/work/workload").text
    link = re.search(rf'href="(/cases/\?[^"]*assignee={world["legal"].id}[^"]*overdue=1[^"]*)"', page)
    assert link, "the overdue count is a link to that officer's overdue cases"
    listed = text(head.get(link.group(1).replace("&amp;", "&")).text)
    assert case.number in listed


def test_each_demo_role_lands_on_its_own_work(app: Flask) -> None:
    output = app.test_cli_runner().invoke(args=["demo"]).output
    logins = dict(re.findall(r"^\s+(demo\.\w+)\s+\w+\s+\S+\s+password: (\S+)$", output, re.M))
    seen = {}
    for username, password in logins.items():
        client = app.test_client()
        assert login(client, username, password).status_code == 302
        first = client.get("/")
        seen[username] = (first.headers["Location"], text(client.get(first.headers["Location"]).text))
    assert seen["demo.head"][0].endswith("/work/") and "待审批" in seen["demo.head"][1]
    assert seen["demo.field"][0].endswith("/work/") and "待现场调查" in seen["demo.field"][1]
    assert seen["demo.legal"][0].endswith("/work/") and "我承办的案件" in seen["demo.legal"][1]
    assert "内部时限" in seen["demo.legal"][1]
    assert seen["demo.auditor"][0].endswith("/cases/")
    assert seen["demo.admin"][0].endswith("/admin/users")


def test_in_english_the_work_queue_is_english(app: Flask, world: dict[str, Any]) -> None:
    ours = _checked(world)
    field = _client(app, "field1")
    token = csrf_from(field.get("/work/").text)
    field.post("/language", data={"csrf_token": token, "lang": "en"})
    shown = text(field.get("/work/").text)
    assert ours.number in shown and "days overdue" in shown
    assert not re.search(r"待现场调查|现场调查期限|逾期|还剩|我的待办", shown)
