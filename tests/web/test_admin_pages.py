"""The administrator creates units and users; a new user must replace the one-time password."""

from __future__ import annotations

import re

from flask import Flask

from casework.auth.models import Unit, User
from casework.domain.access import Role
from tests.factories import load, login, make_units, make_user, token


def _admin(app: Flask):  # type: ignore[no-untyped-def]
    units = make_units()
    make_user("admin1", Role.ADMIN, units["P"])
    client = app.test_client()
    login(client, "admin1")
    return client, units


def test_admin_creates_a_user_who_must_change_the_one_time_password(app: Flask) -> None:
    client, units = _admin(app)
    make_user("head1", Role.LEGAL_HEAD, units["C1"])
    page = client.post("/admin/users", data={
        "username": "wang.li", "display_name": "王立", "role": "field", "unit_id": str(units["S1"].id),
        "active": "y", "csrf_token": token(client, "/admin/users")}, follow_redirects=True)
    assert "等待" in page.text and "一次性密码：" not in page.text  # the admin never sees it (review F-9)
    head = app.test_client()
    login(head, "head1")
    request_id = re.search(r'name="request_id" value="(\d+)"', head.get("/account/approvals").text)
    assert request_id, "the head of legal has the request to approve"
    approved = head.post("/account/approvals", data={"request_id": request_id.group(1), "approve": "y",
                                                     "csrf_token": token(head, "/account/approvals")})
    secret = re.search(r'一次性密码：<code[^>]*>([^<]+)</code>', approved.text)
    assert secret, approved.text
    newcomer = app.test_client()
    assert login(newcomer, "wang.li", secret.group(1)).status_code == 302
    assert newcomer.get("/cases/").headers["Location"].endswith("/password")
    changed = newcomer.post("/password", data={"current": secret.group(1), "new": "麦田守望者 2025",
                                               "confirm": "麦田守望者 2025", "csrf_token": token(newcomer)})
    assert changed.status_code == 302
    assert newcomer.get("/cases/").status_code == 200


def test_weak_new_passwords_are_refused_with_the_reason(app: Flask) -> None:
    client, _ = _admin(app)
    for weak, reason in (("short", "至少需要 8 个字符"), ("password123", "太常见"), ("admin1-secret", "不能包含用户名"),
                         ("国网供电公司2025", "与本单位相关")):
        response = client.post("/password", data={"current": "correct horse battery", "new": weak,
                                                  "confirm": weak, "csrf_token": token(client)})
        assert response.status_code == 200 and reason in response.text, weak


def test_duplicate_username_rerenders_the_form_with_what_was_typed(app: Flask) -> None:
    client, units = _admin(app)
    response = client.post("/admin/users", data={
        "username": "admin1", "display_name": "重名的人", "role": "legal", "unit_id": str(units["C1"].id),
        "csrf_token": token(client, "/admin/users")})
    assert response.status_code == 200
    assert "该用户名已被使用" in response.text and "重名的人" in response.text


def test_unknown_role_or_unit_is_refused_cleanly(app: Flask) -> None:
    client, _ = _admin(app)
    response = client.post("/admin/users", data={
        "username": "x1", "display_name": "X", "role": "superuser", "unit_id": "99999",
        "csrf_token": token(client, "/admin/users")})
    assert response.status_code == 200
    assert load(User, username="x1") is None


def test_units_follow_the_province_city_county_station_ladder(app: Flask) -> None:
    client, units = _admin(app)
    csrf = token(client, "/admin/units")
    wrong = client.post("/admin/units", data={"code": "S9", "name": "跳级供电所", "kind": "station",
                                              "parent_id": str(units["C1"].id), "csrf_token": csrf})
    assert wrong.status_code == 200 and "层级不符" in wrong.text and "跳级供电所" in wrong.text
    right = client.post("/admin/units", data={"code": "S9", "name": "新供电所", "kind": "station",
                                              "parent_id": str(units["K1"].id), "csrf_token": csrf})
    assert right.status_code == 302
    created = load(Unit, code="S9")
    assert created is not None and created.path == units["K1"].path + f"{created.id}/"


def test_admin_sees_no_case_content(app: Flask) -> None:
    client, _ = _admin(app)
    assert client.get("/cases/").status_code == 403
    assert "案件" not in client.get("/admin/users").text.split("<main")[0]  # no case menu for admins
