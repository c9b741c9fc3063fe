"""Review F-9: the administrator must not get case content by making or resetting an account.

An admin's grant of a role that reads cases (or of admin rights), and a password reset, wait for
the head of legal responsible for the unit (a second admin for admin accounts); the one-time
password is shown to that approver only, and the user is told at first login who asked and who approved.
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.auth.models import User
from casework.auth.passwords import verify_password
from casework.domain.access import Role
from casework.infra.db import db
from tests.factories import PASSWORD, load, load_rule_table, login, make_case, make_units, make_user, token

_CANDIDATE = re.compile(r"(?<![A-Za-z0-9_.-])[A-Za-z0-9_-]{12,24}(?![A-Za-z0-9_.-])")


def _client(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def _nothing_on_it_is_the_password(text: str, username: str) -> None:
    """Every word of the page that could be a one-time password, tried against the account's password hash."""
    user = load(User, username=username)
    assert user is not None
    assert not any(verify_password(user.password_hash, word) for word in set(_CANDIDATE.findall(text)))


def _approve(client: FlaskClient, username: str, *, approve: bool = True):  # type: ignore[no-untyped-def]
    page = client.get("/account/approvals").text
    row = re.search(rf"<td>{re.escape(username)}</td>.*?name=\"request_id\" value=\"(\d+)\"", page, re.S)
    assert row, f"no request for {username} to decide"
    return client.post("/account/approvals", data={"request_id": row.group(1), "csrf_token": token(client, "/account/approvals"),
                                                   "approve" if approve else "reject": "y"})


def _issued(response) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'一次性密码：<code[^>]*>([^<]+)</code>', response.text)
    assert found, response.text
    return found.group(1)


def test_admin_who_creates_an_auditor_gets_no_password_to_read_cases_with(app: Flask) -> None:
    """The review's repro: rt.admin created an auditor, logged in with the shown password, read a case."""
    units = make_units()
    field = make_user("field1", Role.FIELD, units["S1"])
    make_user("admin1", Role.ADMIN, units["P"])
    make_user("head.p", Role.LEGAL_HEAD, units["P"])
    load_rule_table()
    case = make_case(units["S1"], field, claimant_name="赵秘密")
    admin = _client(app, "admin1")
    created = admin.post("/admin/users", data={
        "username": "aud2", "display_name": "审计二", "role": "auditor", "unit_id": str(units["P"].id),
        "csrf_token": token(admin, "/admin/users")}, follow_redirects=True)
    assert created.status_code == 200 and "aud2" in created.text and "一次性密码：" not in created.text
    _nothing_on_it_is_the_password(created.text, "aud2")
    _nothing_on_it_is_the_password(admin.get(f"/admin/users/{load(User, username='aud2').id}").text, "aud2")  # type: ignore[union-attr]
    assert "/account/approvals" in admin.get("/admin/users").text  # the admin has an approvals page ...
    assert "<td>aud2</td>" not in admin.get("/account/approvals").text  # ... but not for this: the head of legal decides

    head = _client(app, "head.p")
    issued = _issued(_approve(head, "aud2"))
    _nothing_on_it_is_the_password(admin.get("/admin/users").text, "aud2")
    auditor = app.test_client()
    step = auditor.post("/login", data={"username": "aud2", "password": issued, "csrf_token": token(auditor, "/login")})
    assert step.headers["Location"].endswith("/login/enrol")  # the new auditor sets up a second factor first
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(
            load(User, username="aud2").id))).all()  # type: ignore[union-attr]
    assert {"user.create", "account.request", "account.approve"} <= set(actions)
    assert admin.get(f"/cases/{case.number}").status_code == 403


def test_admin_who_resets_a_field_users_password_cannot_take_over_unnoticed(app: Flask) -> None:
    """The review's repro: rt.admin reset qs.field2's password, logged in as them, read a case."""
    units = make_units()
    field = make_user("field1", Role.FIELD, units["S1"])
    make_user("admin1", Role.ADMIN, units["P"])
    make_user("head1", Role.LEGAL_HEAD, units["C1"])
    owner = _client(app, "field1")
    admin = _client(app, "admin1")
    asked = admin.post(f"/admin/users/{field.id}/reset-password", data={"csrf_token": token(admin)},
                       follow_redirects=True)
    assert "等待" in asked.text and "一次性密码：" not in asked.text
    _nothing_on_it_is_the_password(asked.text, "field1")
    assert owner.get("/cases/").status_code == 200  # a request changes nothing yet
    assert login(app.test_client(), "field1", PASSWORD).status_code == 302

    issued = _issued(_approve(_client(app, "head1"), "field1"))
    assert owner.get("/cases/").status_code == 302  # the owner's sessions ended at the reset
    assert login(app.test_client(), "field1", PASSWORD).status_code == 200  # the old password is gone
    user = app.test_client()
    assert login(user, "field1", issued).status_code == 302
    page = user.get("/cases/", follow_redirects=True)
    assert "请先设置自己的密码" in page.text  # a first login with it must set a new password ...
    assert "由 Admin1 申请重置" in page.text and "经 Head1 批准" in page.text  # ... who reset it, by name
    with app.app_context():
        reset = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.password_reset")).one()
    assert reset.actor_name == "head1" and reset.after == {"sessions_ended": 2}


def test_raising_a_role_waits_for_approval_and_lowering_does_not(app: Flask) -> None:
    units = make_units()
    field = make_user("field1", Role.FIELD, units["S1"])
    make_user("admin1", Role.ADMIN, units["P"])
    make_user("head1", Role.LEGAL_HEAD, units["C1"])
    worker, admin = _client(app, "field1"), _client(app, "admin1")
    form = {"username": "field1", "display_name": "Field1", "role": "legal", "unit_id": str(units["C1"].id),
            "active": "y"}
    saved = admin.post(f"/admin/users/{field.id}", data={**form, "csrf_token": token(admin)}, follow_redirects=True)
    assert "须经负责该单位的法务负责人批准" in saved.text
    assert load(User, username="field1").role == "field"  # type: ignore[union-attr]
    assert worker.get("/rules/").status_code == 403  # still a field worker
    _approve(_client(app, "head1"), "field1")
    assert worker.get("/rules/").status_code == 200  # legal, from the next request, with the same password
    lower = {**form, "role": "field", "unit_id": str(units["S1"].id)}
    assert admin.post(f"/admin/users/{field.id}", data={**lower, "csrf_token": token(admin)}).status_code == 302
    assert load(User, username="field1").role == "field"  # type: ignore[union-attr]


def test_an_admin_account_needs_a_second_admin(app: Flask) -> None:
    units = make_units()
    make_user("admin1", Role.ADMIN, units["P"])
    make_user("admin2", Role.ADMIN, units["P"])
    make_user("head.p", Role.LEGAL_HEAD, units["P"])
    first = _client(app, "admin1")
    first.post("/admin/users", data={"username": "admin3", "display_name": "A3", "role": "admin",
                                     "unit_id": str(units["P"].id), "csrf_token": token(first, "/admin/users")})
    assert "<td>admin3</td>" not in first.get("/account/approvals").text  # not the one who asked
    assert "<td>admin3</td>" not in _client(app, "head.p").get("/account/approvals").text
    issued = _issued(_approve(_client(app, "admin2"), "admin3"))
    newcomer = app.test_client()
    step = newcomer.post("/login", data={"username": "admin3", "password": issued,
                                         "csrf_token": token(newcomer, "/login")})
    assert step.headers["Location"].endswith("/login/enrol")


def test_a_head_of_another_company_cannot_approve_and_a_refusal_disables_the_new_account(app: Flask) -> None:
    units = make_units()
    make_user("admin1", Role.ADMIN, units["P"])
    make_user("head2", Role.LEGAL_HEAD, units["C2"])
    make_user("head1", Role.LEGAL_HEAD, units["C1"])
    admin = _client(app, "admin1")
    admin.post("/admin/users", data={"username": "new.field", "display_name": "新人", "role": "field",
                                     "unit_id": str(units["S1"].id), "csrf_token": token(admin, "/admin/users")})
    other = _client(app, "head2")
    assert "<td>new.field</td>" not in other.get("/account/approvals").text
    with app.app_context():
        request_id = db.session.execute(select(AuditEvent.after).where(AuditEvent.action == "account.request")
                                        ).scalar_one()["request"]
    forged = other.post("/account/approvals", data={"request_id": str(request_id), "approve": "y",
                                                    "csrf_token": token(other, "/account/approvals")})
    assert forged.status_code == 404
    refused = _approve(_client(app, "head1"), "new.field", approve=False)
    assert refused.status_code == 302
    assert load(User, username="new.field").active is False  # type: ignore[union-attr]
