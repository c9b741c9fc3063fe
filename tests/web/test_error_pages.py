"""Error pages a person can read: on a file route (whose policy blocks every stylesheet) a plain page that needs
none, and the 403 page does not send the system administrator to the system administrator (issue 14)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from casework.domain.access import Role
from casework.evidence.models import Evidence
from casework.infra.db import db
from tests import samples
from tests.factories import ctx, login, make_user
from tests.uploads import upload
from tests.visible import html_text
from tests.web.test_decision import _client, ready, world  # noqa: F401 - the shared fixture


def test_a_refused_file_gets_a_page_that_needs_no_stylesheet(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = ready(world)
    upload(_client(app, "legal1"), number, [("冰箱.jpg", samples.jpeg())], "appliance_photos")
    with ctx():
        public_id = db.session.scalar(select(Evidence.public_id))
    make_user("admin1", Role.ADMIN, world["units"]["P"])
    admin = app.test_client()
    login(admin, "admin1")
    response = admin.get(f"/cases/{number}/evidence/{public_id}/download")
    assert response.status_code == 403
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "stylesheet" not in response.text and "<script" not in response.text  # nothing the policy blocks
    text = html_text(response.text)
    assert "无权访问" in text and "请联系系统管理员" not in text and "不查看或办理案件" in text


def test_others_are_told_to_ask_the_administrator(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    response = _client(app, "field1").get("/exports/")
    assert response.status_code == 403
    assert "stylesheet" in response.text  # an ordinary page keeps the layout
    assert "如需权限，请联系系统管理员" in html_text(response.text)
