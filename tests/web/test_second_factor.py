"""A second factor (RELIABILITY A6, L1): required for legal_head, auditor and admin, optional for others.

Password, then a TOTP code from the phone; a code's time step works once; recovery codes work once;
another administrator resets a lost phone. Everything through the login form of the real app.
"""

from __future__ import annotations

import re

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from casework.audit.models import AuditEvent
from casework.auth.factor_models import SecondFactor
from casework.auth.models import LoginFailure, User
from casework.config import Defaults
from casework.domain.access import Role
from casework.infra.db import db, unit_of_work
from tests.conftest import csrf_from
from tests.factories import PASSWORD, RECOVERY, TOTP_SECRET, ctx, load, login, make_units, make_user, token


def _password_step(client: FlaskClient, username: str) -> str:
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": token(client, "/login")})
    assert response.status_code == 302
    return response.headers["Location"]


def _code_step(client: FlaskClient, code: str):  # type: ignore[no-untyped-def]
    return client.post("/login/code", data={"code": code, "csrf_token": token(client, "/login/code")})


def _actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def _logged_in(client: FlaskClient) -> bool:
    response = client.get("/password")
    return response.status_code == 200


def test_the_requirement_is_on_by_default() -> None:
    assert {"legal_head", "auditor", "admin"} <= set(Defaults.SECOND_FACTOR_ROLES.split(","))


def test_required_role_is_enrolled_after_the_password_and_has_no_session_before(app: Flask) -> None:
    make_user("admin1", Role.ADMIN, make_units()["P"], enrolled=False)
    client = app.test_client()
    assert _password_step(client, "admin1").endswith("/login/enrol")
    assert client.get("/admin/users").headers["Location"].startswith("/login")  # the password alone: no session
    page = client.get("/login/enrol").text
    images = re.findall(r'<img src="([^"]+)"', page)
    assert len(images) == 1 and images[0].startswith("data:image/svg+xml")  # drawn by the app: nothing is fetched
    secret = re.search(r'<code class="user-select-all">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")  # type: ignore[union-attr]
    wrong = client.post("/login/enrol", data={"code": "000000", "csrf_token": csrf_from(page)})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.text
    assert not _logged_in(client)
    done = client.post("/login/enrol", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_from(page)})
    assert done.status_code == 200
    codes = re.findall(r"<li>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</li>", done.text)
    assert len(codes) == 10  # shown once
    assert client.get("/admin/users").status_code == 200
    actions = _actions(app)
    assert "login.code_failed" in actions and "user.second_factor_enrolled" in actions
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login")).one()
        assert event.after == {"factor": "totp"}
        stored = db.session.scalars(select(SecondFactor)).one()
        raw = db.session.execute(text("SELECT secret FROM second_factor")).scalar_one()
    assert stored.secret == secret and secret not in str(raw)  # encrypted at rest


def test_code_step_refuses_a_wrong_and_a_replayed_code_and_accepts_the_right_one(app: Flask) -> None:
    make_user("audit1", Role.AUDITOR, make_units()["P"])
    client = app.test_client()
    assert _password_step(client, "audit1").endswith("/login/code")
    assert client.get("/cases/").status_code == 302  # no session between the steps
    wrong = _code_step(client, "123456" if pyotp.TOTP(TOTP_SECRET).now() != "123456" else "654321")
    assert wrong.status_code == 200 and "验证码不正确" in wrong.text and not _logged_in(client)
    code = pyotp.TOTP(TOTP_SECRET).now()
    assert _code_step(client, code).status_code == 302
    assert client.get("/cases/").status_code == 200
    client.post("/logout", data={"csrf_token": token(client)})

    again = app.test_client()
    _password_step(again, "audit1")
    replayed = _code_step(again, code)  # the same time step a second time (ASVS v5 6.5.1)
    assert replayed.status_code == 200 and "已经用过" in replayed.text and not _logged_in(again)
    with app.app_context():
        failures = db.session.scalars(select(LoginFailure.username)).all()
        reasons = [e.after["reason"] for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "login.code_failed").order_by(AuditEvent.seq))]
    assert failures == ["audit1"]  # the wrong code counted; the right one cleared this browser's; the replay counts
    assert reasons == ["wrong", "replayed"]


def test_wrong_codes_count_toward_the_throttle(app: Flask) -> None:
    make_user("head1", Role.LEGAL_HEAD, make_units()["C1"])
    client = app.test_client()
    _password_step(client, "head1")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]):
        assert _code_step(client, "000000" if pyotp.TOTP(TOTP_SECRET).now() != "000000" else "111111").status_code == 200
    blocked = _code_step(client, pyotp.TOTP(TOTP_SECRET).now())
    assert blocked.status_code == 429 and not _logged_in(client)


def test_a_recovery_code_works_once_only(app: Flask) -> None:
    make_user("admin1", Role.ADMIN, make_units()["P"])
    recovery = RECOVERY["admin1"][0]
    first = app.test_client()
    _password_step(first, "admin1")
    assert _code_step(first, recovery.upper().replace("-", " ")).status_code == 302  # however it was typed
    assert first.get("/admin/users").status_code == 200
    second = app.test_client()
    _password_step(second, "admin1")
    assert _code_step(second, recovery).status_code == 200 and not _logged_in(second)
    assert "9 个" in first.get("/account/second-factor").text  # nine left
    with app.app_context():
        used = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.recovery_code_used")).one()
        login_event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login")).one()
    assert used.after == {"unused": 9} and login_event.after == {"factor": "recovery_code"}


def test_another_admin_resets_a_lost_factor_but_nobody_their_own(app: Flask) -> None:
    units = make_units()
    make_user("admin1", Role.ADMIN, units["P"])
    lost = make_user("admin2", Role.ADMIN, units["P"])
    helper, owner = app.test_client(), app.test_client()
    login(helper, "admin1")
    login(owner, "admin2")
    own = helper.post(f"/admin/users/{load(User, username='admin1').id}/reset-second-factor",  # type: ignore[union-attr]
                      data={"csrf_token": token(helper)}, follow_redirects=True)
    assert "不能重置自己的两步验证" in own.text
    assert helper.post(f"/admin/users/{lost.id}/reset-second-factor",
                       data={"csrf_token": token(helper)}).status_code == 302
    assert not _logged_in(owner)  # the session opened with the lost phone has ended
    assert _password_step(owner, "admin2").endswith("/login/enrol")  # a new phone at next login
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.second_factor_reset")).one()
        assert db.session.get(SecondFactor, lost.id) is None
    assert event.actor_name == "admin1" and event.object_id == str(lost.id)
    assert event.after == {"had_factor": True, "sessions_ended": 1}


def test_a_field_user_may_set_one_up_and_is_then_asked_for_it(app: Flask) -> None:
    make_user("field1", Role.FIELD, make_units()["S1"])
    client = app.test_client()
    assert login(client, "field1").status_code == 302  # optional: no code asked
    page = client.get("/account/second-factor").text
    secret = re.search(r'<code class="user-select-all">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")  # type: ignore[union-attr]
    done = client.post("/account/second-factor", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_from(page)})
    assert "两步验证已启用" in done.text
    client.post("/logout", data={"csrf_token": token(client)})
    assert _password_step(app.test_client(), "field1").endswith("/login/code")


def test_a_session_of_a_required_role_without_a_factor_is_sent_to_enrol(app: Flask) -> None:
    """E.g. a session from before the requirement: it may do nothing but set one up."""
    user = make_user("audit1", Role.AUDITOR, make_units()["P"])
    client = app.test_client()
    login(client, "audit1")
    with ctx(), unit_of_work() as session:
        session.delete(session.get(SecondFactor, user.id))
    response = client.get("/cases/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/second-factor")
    assert client.get("/account/second-factor").status_code == 200
