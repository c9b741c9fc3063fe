"""Headers, error pages and fail-closed behaviour that every response shares."""

from __future__ import annotations

import pytest
from flask import Flask

from casework.domain.access import Role
from tests.factories import login, make_case, make_units, make_user, token


@pytest.mark.parametrize("path", ["/login", "/no-such-page", "/.git/HEAD", "/instance/casework.sqlite"])
def test_every_response_carries_the_security_headers(client, path: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'",
                      "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response.headers.get("Strict-Transport-Security", "max-age=31536000")
    if path != "/login":
        assert response.status_code == 404


def test_pages_behind_login_are_not_cached(app: Flask) -> None:
    make_user("li", Role.LEGAL, make_units()["C1"])
    client = app.test_client()
    login(client, "li")
    assert client.get("/cases/").headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script(app: Flask) -> None:
    units = make_units()
    user = make_user("li", Role.LEGAL, units["C1"])
    case = make_case(units["S1"], user)
    client = app.test_client()
    login(client, "li")
    for path in ("/cases/", f"/cases/{case.number}", f"/cases/{case.number}/edit", "/password"):
        html = client.get(path).text
        for chunk in html.split("<script")[1:]:
            assert chunk.lstrip().startswith("src="), f"inline script on {path}"
        assert " style=" not in html, f"inline style on {path}"
        assert " onclick=" not in html.lower()


def test_an_unexpected_error_shows_an_incident_number_and_no_traceback(app: Flask, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    make_user("li", Role.LEGAL, make_units()["C1"])
    client = app.test_client()
    login(client, "li")
    import casework.cases.views as views

    def boom(*_a, **_k):  # type: ignore[no-untyped-def]
        raise RuntimeError("database on fire")

    monkeypatch.setattr(views, "list_cases", boom)
    response = client.get("/cases/")
    assert response.status_code == 500
    assert "事件编号" in response.text
    assert "database on fire" not in response.text and "Traceback" not in response.text


def test_permission_check_failing_fails_closed(app: Flask, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    make_user("li", Role.LEGAL, make_units()["C1"])
    client = app.test_client()
    login(client, "li")
    from casework.domain import access

    def broken(self, perm):  # type: ignore[no-untyped-def]
        raise RuntimeError("permission store unavailable")

    monkeypatch.setattr(access.Actor, "can", broken)
    assert client.get("/cases/").status_code == 500


def test_login_next_parameter_cannot_leave_the_site(app: Flask) -> None:
    make_user("li", Role.LEGAL, make_units()["C1"])
    client = app.test_client()
    csrf = token(client, "/login")
    response = client.post("/login?next=//evil.example/x", data={"username": "li", "password": "correct horse battery",
                                                                 "csrf_token": csrf})
    assert response.status_code == 302 and "evil.example" not in response.headers["Location"]


def test_language_switch_speaks_english_and_back(app: Flask) -> None:
    make_user("li", Role.LEGAL, make_units()["C1"])
    client = app.test_client()
    assert "登录" in client.get("/login").text
    client.post("/language", data={"lang": "en", "csrf_token": token(client, "/login")})
    english = client.get("/login").text
    assert "Log in" in english and 'lang="en"' in english
    client.post("/language", data={"lang": "zh", "csrf_token": token(client, "/login")})
    assert 'lang="zh-CN"' in client.get("/login").text


def test_htmx_is_served_by_the_app_itself(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/login").text
    assert '<script src="/vendor/htmx.min.js">' in page
    with client.get("/vendor/htmx.min.js") as script:
        assert script.status_code == 200 and b"htmx" in script.data[:2000]
    assert client.get("/vendor/package.json").status_code == 404
