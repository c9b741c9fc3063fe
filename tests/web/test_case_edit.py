"""Editing a case: optimistic locking, masked identifiers, and bad input that never loses what was typed."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select, text

from casework.audit.models import AuditEvent
from casework.cases.models import Case
from casework.domain.access import Role
from casework.infra.db import db
from tests.factories import load, login, make_case, make_units, make_user, token


@pytest.fixture
def setup(app: Flask) -> dict:  # type: ignore[type-arg]
    units = make_units()
    field = make_user("field1", Role.FIELD, units["S1"])
    make_user("legal1", Role.LEGAL, units["C1"])
    make_user("audit1", Role.AUDITOR, units["P"])
    return {"case": make_case(units["S1"], field)}


def _form(client, number: str, **changes: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    page = client.get(f"/cases/{number}/edit").text
    version = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', page)
    assert version
    data = {"csrf_token": token(client), "version": version.group(1) or version.group(2),
            "claimant_name": "张三", "claimed_amount": "4800.00"}
    data.update(changes)
    return data


def test_second_of_two_edits_from_the_same_version_is_refused(app: Flask, setup: dict) -> None:  # type: ignore[type-arg]
    number = setup["case"].number
    first, second = app.test_client(), app.test_client()
    login(first, "legal1")
    login(second, "field1")
    form_a = _form(first, number, claimed_amount="5000.00")
    form_b = _form(second, number, claimed_amount="9999.00", address="李家村")
    assert first.post(f"/cases/{number}/edit", data=form_a).status_code == 302
    refused = second.post(f"/cases/{number}/edit", data=form_b)
    assert refused.status_code == 409
    assert "已被他人修改" in refused.text
    assert "legal1" in refused.text  # who saved in between
    assert "李家村" in refused.text  # what the second user typed is still in the form
    stored = load(Case, number=number)
    assert stored is not None and str(stored.claimed_amount) == "5000.00" and stored.address is None


def test_resubmitting_after_a_conflict_saves(app: Flask, setup: dict) -> None:  # type: ignore[type-arg]
    number = setup["case"].number
    first, second = app.test_client(), app.test_client()
    login(first, "legal1")
    login(second, "field1")
    form_a, form_b = _form(first, number, claimed_amount="5000.00"), _form(second, number, address="李家村")
    first.post(f"/cases/{number}/edit", data=form_a)
    second.post(f"/cases/{number}/edit", data=form_b)
    retry = _form(second, number, address="李家村", claimed_amount="5000.00")
    assert second.post(f"/cases/{number}/edit", data=retry).status_code == 302
    stored = load(Case, number=number)
    assert stored is not None and stored.address == "李家村" and stored.version == 3


def test_edit_is_audited_with_before_and_after_and_masked_identifiers(app: Flask, setup: dict) -> None:  # type: ignore[type-arg]
    number = setup["case"].number
    client = app.test_client()
    login(client, "legal1")
    form = _form(client, number, claimed_amount="5200.00", claimant_id_number="110105195001010012")
    assert client.post(f"/cases/{number}/edit", data=form).status_code == 302
    with app.app_context():
        entry = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.edit")).one()
        assert entry.before["claimed_amount"] == "4800.00" and entry.after["claimed_amount"] == "5200.00"
        assert entry.after["claimant_id_number"] == "110***********0012"
        assert entry.actor_name == "legal1"
    history = client.get(f"/cases/{number}").text
    assert "¥4,800.00</del> → ¥5,200.00" in history and "修改案件" in history  # the history in words


def test_identifiers_are_masked_for_field_and_auditor_and_full_for_legal(app: Flask, setup: dict) -> None:  # type: ignore[type-arg]
    number = setup["case"].number
    views = {}
    for user in ("field1", "audit1", "legal1"):
        client = app.test_client()
        login(client, user)
        views[user] = client.get(f"/cases/{number}").text
    assert "11010519491231002X" not in views["field1"] and "110***********002X" in views["field1"]
    assert "11010519491231002X" not in views["audit1"] and "138****5678" in views["audit1"]
    assert "6222020200112233445" not in views["audit1"] and "**** 3445" in views["audit1"]
    assert "11010519491231002X" in views["legal1"] and "6222020200112233445" in views["legal1"]
    with app.app_context():
        seen = db.session.scalars(select(AuditEvent.actor_name).where(
            AuditEvent.action == "case.view_identifiers")).all()
    assert seen == ["legal1"]  # only the unmasked view is on record


def test_list_never_shows_full_identifiers(app: Flask, setup: dict) -> None:  # type: ignore[type-arg]
    client = app.test_client()
    login(client, "legal1")
    listing = client.get("/cases/").text
    assert "13812345678" not in listing and "138****5678" in listing
    assert "11010519491231002X" not in listing


def test_identifiers_are_encrypted_at_rest(app: Flask, setup: dict) -> None:  # type: ignore[type-arg]
    with app.app_context():
        raw = db.session.execute(text(
            "SELECT claimant_id_number, claimant_phone, claimant_bank_account FROM case_record")).one()
    assert all(value and "1101051949" not in value and "138123" not in value and "62220202" not in value
               for value in raw)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("claimant_name", "", "此项必填"),
    ("claimant_name", "张" * 101, "不能超过 100 个字符"),
    ("claimant_name", "张三\x07", "控制字符"),
    ("claimant_id_number", "110105194912310022", "身份证号无效"),
    ("claimant_phone", "12345", "电话号码无效"),
    ("claimed_amount", "NaN", "请输入有效金额"),
    ("claimed_amount", "-5", "金额须在"),
    ("claimed_amount", "abc", "金额"),
    ("event_on", "2025-02-30", "日期"),
])
def test_bad_input_rerenders_with_a_chinese_message_and_keeps_the_rest(
    app: Flask, setup: dict, field: str, value: str, message: str  # type: ignore[type-arg]
) -> None:
    number = setup["case"].number
    client = app.test_client()
    login(client, "legal1")
    form = _form(client, number, address="东岗村三组")
    form[field] = value
    response = client.post(f"/cases/{number}/edit", data=form)
    assert response.status_code == 200
    assert message in response.text
    assert "东岗村三组" in response.text
    stored = load(Case, number=number)
    assert stored is not None and stored.version == 1


def test_script_in_a_name_is_stored_as_text_and_shown_escaped(app: Flask, setup: dict) -> None:  # type: ignore[type-arg]
    number = setup["case"].number
    client = app.test_client()
    login(client, "legal1")
    name = "<script>alert(1)</script>{{7*7}}"
    assert client.post(f"/cases/{number}/edit", data=_form(client, number, claimant_name=name)).status_code == 302
    page = client.get(f"/cases/{number}").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in page
    assert load(Case, number=number).claimant_name == name  # type: ignore[union-attr]


def test_extra_fields_in_the_post_are_ignored(app: Flask, setup: dict) -> None:  # type: ignore[type-arg]
    number = setup["case"].number
    client = app.test_client()
    login(client, "field1")
    form = _form(client, number, state="paid", unit_path="/", created_by_id="99")
    assert client.post(f"/cases/{number}/edit", data=form).status_code == 302
    stored = load(Case, number=number)
    assert stored is not None and stored.state == "registered" and stored.unit_path != "/"
