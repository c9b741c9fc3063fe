"""Oversized ids and deeply nested JSON are refused, never a 500 (review F-11): ids past what an INTEGER column
holds are 404 in URLs and 400 in forms, JSON nested past a sane depth is a clear 422 or a refused upload."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.domain.access import Role
from casework.ruletable.models import RuleTableVersion
from tests.factories import load, load_rule_table, login, make_case, make_units, make_user, token
from tests.web.test_denied_audit import _letter_and_dossier

# The review's values, and the first ids past PostgreSQL's INTEGER and SQLite's (and BIGINT's) INTEGER.
HUGE = ("99999999999999999999", "9223372036854775808", "2147483648")


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    version = load_rule_table()
    field = make_user("field1", Role.FIELD, units["S1"])
    legal = make_user("legal1", Role.LEGAL, units["C1"])
    make_user("admin1", Role.ADMIN, units["P"])
    case = make_case(units["S1"], field)
    _letter_and_dossier(case, legal)
    return {"case": case.number, "legal": legal, "version": version}


def _client(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


@pytest.mark.parametrize("huge", HUGE)
def test_an_oversized_id_in_a_url_is_not_found(app: Flask, world: dict[str, Any], huge: str) -> None:
    legal, admin = _client(app, "legal1"), _client(app, "admin1")
    for url in (f"/cases/{world['case']}/documents/{huge}", f"/cases/{world['case']}/dossier/{huge}"):
        with legal.get(url) as response:
            assert response.status_code == 404, url
    assert admin.get(f"/admin/users/{huge}").status_code == 404
    assert admin.post(f"/admin/users/{huge}/reset-password", data={"csrf_token": token(admin)}).status_code == 404
    assert admin.post(f"/admin/users/{huge}/end-sessions", data={"csrf_token": token(admin)}).status_code == 404


def test_ids_that_fit_still_work(app: Flask, world: dict[str, Any]) -> None:
    legal = _client(app, "legal1")
    with legal.get(f"/cases/{world['case']}/dossier/1") as response:
        assert response.status_code == 200
    assert _client(app, "admin1").get(f"/admin/users/{world['legal'].id}").status_code == 200


@pytest.mark.parametrize("huge", HUGE)
def test_an_oversized_assignee_is_a_bad_request(app: Flask, world: dict[str, Any], huge: str) -> None:
    legal = _client(app, "legal1")
    got = legal.post(f"/cases/{world['case']}/assign", data={"csrf_token": token(legal), "assignee": huge})
    assert got.status_code == 400


def test_a_malformed_assignee_is_a_bad_request_not_an_unassignment(app: Flask, world: dict[str, Any]) -> None:
    legal = _client(app, "legal1")
    csrf = token(legal)
    url = f"/cases/{world['case']}/assign"
    assert legal.post(url, data={"csrf_token": csrf, "assignee": str(world["legal"].id)}).status_code == 303
    for bad in ("abc", "-1", "1.5", "１"):
        assert legal.post(url, data={"csrf_token": csrf, "assignee": bad}).status_code == 400, bad
    assert "Legal1" in legal.get(f"/cases/{world['case']}").text  # still assigned
    assert legal.post(url, data={"csrf_token": csrf, "assignee": ""}).status_code == 303  # the form's "none"


def test_an_impossible_calendar_year_shows_this_year(app: Flask, world: dict[str, Any]) -> None:
    admin = _client(app, "admin1")
    for year in ("99999", "0", "99999999999999999999"):
        assert admin.get(f"/admin/calendar/?year={year}").status_code == 200, year


@pytest.fixture
def api_token(app: Flask, world: dict[str, Any]) -> str:
    created = app.test_cli_runner().invoke(args=["tokens", "create", "--user", "legal1", "--name", "f11"])
    assert created.exit_code == 0, created.output
    return created.output.strip()


def _nested(depth: int, kind: str = "list") -> bytes:
    if kind == "list":
        return ("[" * depth + "]" * depth).encode()
    return ('{"a":' * depth + "1" + "}" * depth).encode()


@pytest.mark.parametrize(("depth", "kind"), [(1000, "list"), (1000, "object"), (100_000, "list")])
def test_deeply_nested_json_to_the_api_is_refused_clearly(app: Flask, api_token: str, depth: int, kind: str) -> None:
    response = app.test_client().post("/api/v1/assess", data=_nested(depth, kind), content_type="application/json",
                                      headers={"Authorization": f"Bearer {api_token}"})
    assert response.status_code == 422
    assert "nested" in response.get_json()["errors"][0]["message"]


def test_json_strings_with_brackets_are_not_nesting(app: Flask, api_token: str) -> None:
    """Brackets inside strings (and escaped quotes) do not count: a case with such text is assessed as usual."""
    body = json.dumps({"category": "appliance", "note": "[[[[" * 500 + '\\"{{{{' * 500}).encode()
    response = app.test_client().post("/api/v1/assess", data=body, content_type="application/json",
                                      headers={"Authorization": f"Bearer {api_token}"})
    assert response.status_code == 422
    assert all("nested" not in e["message"] for e in response.get_json()["errors"])  # the usual field errors


def _upload_body(csrf: str, data: bytes) -> tuple[bytes, str]:
    """The upload form's body, built here: the test client would spool a large file to a temporary file it
    never closes."""
    boundary = "casework-f11"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.json\"\r\n"
            "Content-Type: application/json\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_deeply_nested_rule_table_upload_is_refused_and_the_draft_kept(app: Flask, world: dict[str, Any]) -> None:
    legal = _client(app, "legal1")
    csrf = token(legal)
    assert legal.post("/rules/drafts", data={"version": "2099.1", "summary": "深层嵌套测试",
                                             "csrf_token": csrf}).status_code == 302
    before = load(RuleTableVersion, version="2099.1")
    assert before is not None
    for depth in (1000, 100_000):
        body, content_type = _upload_body(csrf, _nested(depth, "object"))
        with legal.post("/rules/2099.1/upload", data=body, content_type=content_type) as got:
            assert got.status_code == 302, depth  # back to the draft, with the reason
        page = legal.get("/rules/2099.1").text
        assert "规则表内容无效" in page and "嵌套" in page
    after = load(RuleTableVersion, version="2099.1")
    assert after is not None and after.data == before.data
