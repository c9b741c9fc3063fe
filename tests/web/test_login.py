"""Logging in and out: sessions live on the server, so a replayed cookie gets nothing after they end."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.auth.models import User
from casework.domain.access import Role
from casework.infra.db import db, unit_of_work
from tests.factories import PASSWORD, login, make_units, make_user, token


def _cookie(client) -> str:  # type: ignore[no-untyped-def]
    cookie = client.get_cookie("__Host-casework")
    assert cookie is not None
    return cookie.value


def test_login_lands_on_case_list_and_logout_ends_it(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    units = make_units()
    make_user("li", Role.LEGAL, units["C1"])
    response = login(client, "li")
    assert response.status_code == 302
    assert client.get("/cases/").status_code == 200
    client.post("/logout", data={"csrf_token": token(client)})
    assert client.get("/cases/").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_answer(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    make_user("li", Role.LEGAL, make_units()["C1"])
    wrong = login(client, "li", "not the password")
    unknown = login(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 200
    assert "用户名或密码不正确" in wrong.text and "用户名或密码不正确" in unknown.text
    assert 'value="li"' in wrong.text  # what was typed stays in the form
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("login.failed") == 2


def test_replayed_cookie_after_logout_is_refused(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    make_user("li", Role.LEGAL, make_units()["C1"])
    login(client, "li")
    captured = _cookie(client)
    client.post("/logout", data={"csrf_token": token(client)})
    thief = app.test_client()
    thief.set_cookie("__Host-casework", captured)
    response = thief.get("/cases/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_ends_other_sessions_but_keeps_this_one(app: Flask) -> None:
    make_user("li", Role.LEGAL, make_units()["C1"])
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "li")
    login(phone, "li")
    response = laptop.post("/password", data={"current": PASSWORD, "new": "a brand new passphrase",
                                              "confirm": "a brand new passphrase", "csrf_token": token(laptop)})
    assert response.status_code == 302
    assert laptop.get("/cases/").status_code == 200
    assert phone.get("/cases/").status_code == 302
    assert login(app.test_client(), "li", "a brand new passphrase").status_code == 302


def test_disabling_a_user_ends_their_sessions(app: Flask) -> None:
    units = make_units()
    make_user("admin", Role.ADMIN, units["P"])
    victim = make_user("li", Role.LEGAL, units["C1"])
    admin_client, user_client = app.test_client(), app.test_client()
    login(admin_client, "admin")
    login(user_client, "li")
    form = {"username": "li", "display_name": "Li", "role": "legal", "unit_id": str(units["C1"].id),
            "csrf_token": token(admin_client)}  # "active" unchecked
    assert admin_client.post(f"/admin/users/{victim.id}", data=form).status_code == 302
    assert user_client.get("/cases/").status_code == 302
    assert login(app.test_client(), "li").status_code == 200  # a disabled user cannot log in again


def test_demotion_applies_on_the_next_request(app: Flask) -> None:
    units = make_units()
    user = make_user("li", Role.AUDITOR, units["P"])
    client = app.test_client()
    login(client, "li")
    assert client.get("/cases/").status_code == 200
    with app.app_context(), unit_of_work() as session:
        session.get(User, user.id).role = Role.ADMIN.value  # type: ignore[union-attr]
    assert client.get("/cases/").status_code == 403


def test_too_many_failures_slow_the_guessing_browser_but_not_others_from_the_same_address(app: Flask) -> None:
    units = make_units()
    make_user("li", Role.LEGAL, units["C1"])
    make_user("wang", Role.LEGAL, units["C1"])
    attacker = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]):
        assert login(attacker, "li", "guess").status_code == 200
    blocked = login(attacker, "li", PASSWORD)  # the guessing browser: even the right password waits
    assert blocked.status_code == 429
    assert "登录失败次数过多" in blocked.text
    assert login(app.test_client(), "wang").status_code == 302


def test_too_many_failures_from_one_address_are_throttled(app: Flask) -> None:
    units = make_units()
    make_user("wang", Role.LEGAL, units["C1"])
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    client = app.test_client()
    for name in ("a", "b", "c"):
        login(client, name, "guess")
    assert login(client, "wang").status_code == 429


def test_post_without_csrf_token_is_refused(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    make_user("li", Role.LEGAL, make_units()["C1"])
    response = client.post("/login", data={"username": "li", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/cases/").status_code == 302


def test_login_sets_a_fresh_secure_cookie(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    make_user("li", Role.LEGAL, make_units()["C1"])
    before = client.get("/login")
    response = login(client, "li")
    headers = response.headers.getlist("Set-Cookie")
    assert any(h.startswith("__Host-casework=") for h in headers)
    for header in headers:  # the session cookie and the device cookie alike
        assert header.startswith("__Host-")
        for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
            assert attribute in header
        assert "Domain=" not in header
    assert before.headers.get("Content-Security-Policy", "").find("object-src 'none'") >= 0


def test_stored_password_is_argon2id_at_asvs_strength(app: Flask) -> None:
    user = make_user("li", Role.LEGAL, make_units()["C1"])
    params = user.password_hash.split("$")
    assert params[1] == "argon2id"
    settings = dict(kv.split("=") for kv in params[3].split(","))
    assert int(settings["m"]) >= 19 * 1024 and int(settings["t"]) >= 2
