"""The case list page: search with marked matches, filters in a plain GET form, next-page links, scope."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from casework.auth.models import User
from casework.cases.models import Case
from casework.domain.access import Role
from casework.infra.db import unit_of_work
from tests.factories import ctx, login, make_case, make_units, make_user

_NUMBER = re.compile(r'class="case-row" role="row" href="/cases/(PC-\d{4}-\d{6})"')


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    field = make_user("field1", Role.FIELD, units["S1"])
    legal = make_user("legal1", Role.LEGAL, units["P"])
    make_case(units["S1"], field, claimant_name="王芳", address="前营村3号", claimant_phone="13812345678",
              description="雷击后电视机烧坏，邻居<script>也说</script>看见了")
    make_case(units["S1"], field, claimant_name="<b>王芳</b>", claimant_phone="13900001111")
    make_case(units["S2"], legal, claimant_name="王芳芳", address="东岗村三组", claimant_phone="13700005555")
    return {"units": units, "field": field, "legal": legal}


def _client(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def _results(page: str) -> str:
    """The page below the search form."""
    return page.split('role="search"', 1)[1].split("</form>", 1)[1]


def _numbers(page: str) -> list[str]:
    return sorted(set(_NUMBER.findall(page)))


def test_two_character_name_is_found_and_marked(app: Flask, world: dict[str, Any]) -> None:
    page = _client(app, "legal1").get("/cases/", query_string={"q": "王芳"})
    assert page.status_code == 200
    assert len(_numbers(page.text)) == 3
    assert "<mark>王芳</mark>芳" in page.text
    assert 'value="王芳"' in page.text  # the box keeps what was searched


def test_a_marked_name_is_escaped_first(app: Flask, world: dict[str, Any]) -> None:
    page = _client(app, "legal1").get("/cases/", query_string={"q": "王芳"}).text
    assert "&lt;b&gt;<mark>王芳</mark>&lt;/b&gt;" in page
    assert "<b>王芳" not in page


def test_a_match_in_the_description_shows_an_escaped_excerpt(app: Flask, world: dict[str, Any]) -> None:
    page = _client(app, "legal1").get("/cases/", query_string={"q": "电视机"}).text
    assert "<mark>电视机</mark>" in page
    assert "&lt;script&gt;" in page and "<script>也说" not in page


def test_village_and_phone_suffix_find_their_cases(app: Flask, world: dict[str, Any]) -> None:
    client = _client(app, "legal1")
    assert "<mark>东岗村三组</mark>" in client.get("/cases/", query_string={"q": "东岗村三组"}).text
    page = client.get("/cases/", query_string={"q": "5678"}).text
    assert len(_numbers(page)) == 1 and "138****<mark>5678</mark>" in page
    full = client.get("/cases/", query_string={"q": "138 1234 5678"}, follow_redirects=True)  # via a token (F-16)
    assert len(_numbers(full.text)) == 1
    assert "没有符合条件的案件" in client.get("/cases/", query_string={"q": "后营村"}).text


def test_a_field_worker_never_finds_another_stations_case(app: Flask, world: dict[str, Any]) -> None:
    client = _client(app, "field1")
    for q in ("王芳芳", "东岗村", "5555", "13700005555", "芳芳"):
        results = _results(client.get("/cases/", query_string={"q": q}, follow_redirects=True).text)
        assert "王芳芳" not in results and "东岗村" not in results and "没有符合条件的案件" in results, q
    assert len(_numbers(client.get("/cases/", query_string={"q": "王芳"}).text)) == 2
    units = world["units"]
    assert _numbers(client.get("/cases/", query_string={"unit": str(units["S2"].id)}).text) == []


def test_next_page_links_visit_every_case_once(app: Flask, world: dict[str, Any]) -> None:
    units, legal = world["units"], world["legal"]
    for i in range(8):
        make_case(units["S1" if i % 2 else "S2"], legal, claimant_name=f"刘{i}", claimed_amount=None if i == 3 else i)
    app.config["PAGE_SIZE"] = 3
    client = _client(app, "legal1")
    for sort in ("new", "old", "due", "amount"):
        seen: list[str] = []
        url: str | None = f"/cases/?sort={sort}&category=appliance"
        while url:
            page = client.get(url).text
            seen += _numbers(page)
            found = re.search(r'rel="next" href="([^"]+)"', page)
            url = html.unescape(found.group(1)) if found else None
            if url:
                assert "sort=" + sort in url and "category=appliance" in url  # filters travel with the page
        assert len(seen) == len(set(seen)) == 11, sort


def test_filters_round_trip_and_bad_values_are_ignored(app: Flask, world: dict[str, Any]) -> None:
    legal = world["legal"]
    with ctx(), unit_of_work() as session:
        session.execute(update(Case).where(Case.claimant_name == "王芳").values(
            duty_due_on=date(2020, 1, 1), assignee_id=legal.id, assessment_outcome="liable"))
    client = _client(app, "legal1")
    page = client.get("/cases/", query_string={"overdue": "1", "assignee": "me", "outcome": "liable"}).text
    assert len(_numbers(page)) == 1
    assert 'name="overdue" value="1" id="f-overdue" checked' in page
    assert '<span class="badge text-bg-secondary">3</span></summary>' in page  # the fold says 3 filters are set
    for unit, assignee in (("²", "¹"), ("9" * 30, "9" * 30), ("-1", "0")):
        assert client.get("/cases/", query_string={"unit": unit, "assignee": assignee}).status_code == 200
    bad = {"unit": "x", "assignee": "someone", "created_from": "2025-13-40", "event_to": "soon", "sort": "evil",
           "state": "nope", "after": "%%%", "outcome": "<i>"}
    page = client.get("/cases/", query_string=bad)
    assert page.status_code == 200 and len(_numbers(page.text)) == 3
    dated = client.get("/cases/", query_string={"created_from": "2000-01-01", "created_to": "2000-12-31"}).text
    assert _numbers(dated) == []


def test_filter_menus_keep_the_choice_and_escape_names(app: Flask, world: dict[str, Any]) -> None:
    make_user("legal2", Role.LEGAL, world["units"]["P"])
    with ctx(), unit_of_work() as session:
        session.execute(update(User).where(User.username == "legal2").values(display_name="<i>李</i>"))
    page = _client(app, "legal1").get("/cases/", query_string={
        "unit": str(world["units"]["K1"].id), "assignee": str(world["legal"].id), "state": "registered"}).text
    assert f'<option value="{world["units"]["K1"].id}" selected>单位K1</option>' in page
    assert "单位S1</option>" not in page  # stations are reached through their county
    assert f'<option value="{world["legal"].id}" selected>Legal1</option>' in page
    assert '<option value="registered" selected>' in page and "&lt;i&gt;李&lt;/i&gt;</option>" in page
    assert "<i>李</i>" not in page


def test_the_count_and_the_first_page_link(app: Flask, world: dict[str, Any]) -> None:
    app.config["PAGE_SIZE"] = 2
    client = _client(app, "legal1")
    first = client.get("/cases/").text
    assert "共 3 件" in first and "第一页" not in first
    after = re.search(r'rel="next" href="([^"]+)"', first)
    assert after
    second = client.get(html.unescape(after.group(1))).text
    assert "第一页" in second and 'rel="next"' not in second and len(_numbers(second)) == 1


@pytest.mark.parametrize("q", ['"王芳', "王芳*", "NEAR(王芳 芳)", "王芳 OR 李", "'; DROP TABLE case_record; --", "\x00",
                               "王芳\x00", "王" * 300, "ｐｃ－", "🙂🙂"])
def test_hostile_search_text_is_only_text(app: Flask, world: dict[str, Any], q: str) -> None:
    page = _client(app, "legal1").get("/cases/", query_string={"q": q})
    assert page.status_code in (200, 400)
    if page.status_code == 200 and q.startswith(('"王芳', "王芳*")):
        assert len(_numbers(page.text)) == 3
