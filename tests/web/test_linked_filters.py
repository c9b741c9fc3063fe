"""The case list's filters a figure links with (registration days, decision, goodwill, cause, grid place,
withdrawn claims left out): each lists exactly its cases, is named in words, is dropped by 去掉这些条件, and is
kept when the list's own search form refines the result."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.domain.access import Role
from casework.domain.lifecycle import State
from tests.conftest import csrf_from
from tests.factories import login, make_case, make_units, make_user, set_registered


def _case(unit: Any, by: Any, at: datetime, **columns: Any) -> str:
    case = make_case(unit, by, state=columns.pop("state", State.REGISTERED))
    set_registered(case, at, **columns)
    return case.number


@pytest.fixture
def cases(app: Flask) -> dict[str, str]:
    units = make_units()
    field = make_user("field1", Role.FIELD, units["S1"])
    make_user("legal1", Role.LEGAL, units["C1"])
    s1 = units["S1"]
    return {
        # 2025-01-31 16:00 UTC is 1 February in China
        "feb": _case(s1, field, datetime(2025, 1, 31, 16, tzinfo=UTC), decision_kind="settled", goodwill_payment=True,
                     cause="utility_fault", grid_line="10kV河西线", grid_district="河西村台区", grid_tower="河西线#12"),
        "jan": _case(s1, field, datetime(2025, 1, 31, 15, 59, tzinfo=UTC), decision_kind="rejected",
                     cause="force_majeure", grid_line="10kV河东线", grid_district="河东村台区", grid_tower="河西线#1"),
        "mar": _case(s1, field, datetime(2025, 3, 1, 2, tzinfo=UTC), decision_kind="court", cause="third_party",
                     grid_line="10kV河西线", grid_district="河西村台区二", grid_tower="河西线#12"),
        "gone": _case(s1, field, datetime(2025, 2, 10, 2, tzinfo=UTC), state=State.WITHDRAWN),
    }


def _listed(client: FlaskClient, query: str) -> tuple[set[str], str]:
    page = client.get(f"/cases/?{query}").text
    return set(re.findall(r'href="/cases/(PC-\d{4}-\d{6})"', page)), page


@pytest.mark.parametrize(("query", "expected", "words"), [
    ("reg_from=2025-02-01", {"feb", "mar", "gone"}, "登记 2025年2月1日 – …"),
    ("reg_to=2025-01-31", {"jan"}, "登记 … – 2025年1月31日"),
    ("reg_from=2025-02-01&reg_to=2025-02-28", {"feb", "gone"}, "登记 2025年2月1日 – 2025年2月28日"),
    ("decision=settled", {"feb"}, "已和解赔偿"),
    ("decision=rejected", {"jan"}, "不予赔偿"),
    ("decision=court", {"mar"}, "移交诉讼"),
    ("goodwill=1", {"feb"}, "酌情补偿"),
    ("cause=force_majeure", {"jan"}, "原因：不可抗力"),
    ("line=10kV河西线", {"feb", "mar"}, "线路：10kV河西线"),
    ("district=河西村台区", {"feb"}, "台区：河西村台区"),  # exact: not 河西村台区二
    ("tower=河西线%2312", {"feb", "mar"}, "杆塔：河西线#12"),
    ("reg_from=2025-02-01&withdrawn=0", {"feb", "mar"}, "不含已撤回"),
])
def test_each_linked_filter_lists_exactly_its_cases(app: Flask, cases: dict[str, str], query: str,
                                                     expected: set[str], words: str) -> None:
    client = app.test_client()
    login(client, "legal1")
    listed, page = _listed(client, query)
    assert listed == {cases[key] for key in expected}
    assert f"共 {len(expected)} 件" in page
    named = re.search(r"<p[^>]*data-linked-filters>(.*?)</p>", page, re.S)
    assert named is not None and words in re.sub(r"<[^>]+>", "", named.group(1))


def test_the_linked_filters_are_dropped_by_one_link_and_kept_by_the_search_form(app: Flask,
                                                                                cases: dict[str, str]) -> None:
    client = app.test_client()
    login(client, "legal1")
    query = "reg_from=2025-02-01&reg_to=2025-03-31&line=10kV河西线&category=appliance"
    listed, page = _listed(client, query)
    assert listed == {cases["feb"], cases["mar"]}
    drop = re.search(r'<a class="ms-2" href="([^"]+)">去掉这些条件</a>', page)
    assert drop is not None
    unlinked = client.get(drop.group(1).replace("&amp;", "&")).text
    assert "data-linked-filters" not in unlinked and "category=appliance" in drop.group(1)  # its own filter stays
    assert set(re.findall(r'href="/cases/(PC-\d{4}-\d{6})"', unlinked)) == set(cases.values())
    # Refining with the list's form (a different sort) keeps the figure's filters.
    form = page.split('role="search"', 1)[1].split("</form>", 1)[0]
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
    assert {k: hidden[k] for k in ("reg_from", "reg_to", "line")} == {
        "reg_from": "2025-02-01", "reg_to": "2025-03-31", "line": "10kV河西线"}
    sent = client.post("/cases/", data={**hidden, "sort": "old", "category": "appliance",
                                        "csrf_token": csrf_from(page)})
    assert sent.status_code == 303
    refined, _page = _listed(client, sent.headers["Location"].split("?", 1)[1])
    assert refined == {cases["feb"], cases["mar"]}
