"""The rectification list: places with at least N claims of one category registered in the period, ranked by
claims then money paid (to the fen), each linking to exactly its cases; the work list opened back; scope."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.domain.access import Role
from casework.domain.lifecycle import State
from casework.infra.db import db
from tests.analytics.test_overview import _register, _table
from tests.factories import ctx, login, make_case, make_units, make_user, token
from tests.visible import html_text, leaks

PERIOD = "from=2025-01&to=2025-12"  # its middle day is 2025年7月2日


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    field1, field2 = make_user("field1", Role.FIELD, units["S1"]), make_user("field2", Role.FIELD, units["S2"])
    make_user("audit1", Role.AUDITOR, units["P"])
    make_user("legal1", Role.LEGAL, units["K1"])
    here = {"grid_line": "河西线", "grid_district": "河西村台区"}
    cases = [
        # County K1: three appliance claims at 河西村台区 on 河西线, two of them at its tower 12.
        ("a1", units["S1"], field1, "appliance", datetime(2025, 2, 10, 2, tzinfo=UTC),
         {**here, "grid_tower": "12", "paid_amount": Decimal("100.10")}),
        ("a2", units["S1"], field1, "appliance", datetime(2025, 8, 1, 2, tzinfo=UTC),
         {**here, "grid_tower": "12", "paid_amount": Decimal("0.01")}),
        ("a3", units["S1"], field1, "appliance", datetime(2025, 9, 30, 16, 30, tzinfo=UTC), here),  # 10月1日 in China
        # Tower 12 of another line is another place.
        ("b1", units["S1"], field1, "appliance", datetime(2025, 5, 1, 2, tzinfo=UTC),
         {"grid_line": "东山线", "grid_district": "东山台区", "grid_tower": "12"}),
        # Two crop claims at 河西村台区: one short of the threshold.
        ("c1", units["S1"], field1, "crop", datetime(2025, 4, 1, 2, tzinfo=UTC), here),
        ("c2", units["S1"], field1, "crop", datetime(2025, 4, 2, 2, tzinfo=UTC), here),
        # Before the period (23:59 on 31 December 2024 in China): not counted.
        ("old", units["S1"], field1, "appliance", datetime(2024, 12, 31, 15, 59, tzinfo=UTC), here),
        # County K2 has a 台区 of the same name: the province counts it, county K1's officer does not.
        ("k2", units["S2"], field2, "appliance", datetime(2025, 6, 1, 2, tzinfo=UTC),
         {"grid_district": "河西村台区", "paid_amount": Decimal("50.00")}),
    ]
    made = {}
    for key, unit, by, category, at, columns in cases:
        case = make_case(unit, by, category=category)
        _register(case, at, **columns)
        made[key] = case.number
    draft = make_case(units["S1"], field1, state=State.DRAFT)  # a draft is no claim
    _register(draft, None, **here)
    return {"units": units, "numbers": made}


def _get(client: Any, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, url
    return str(page.text)


def test_the_province_lists_places_from_the_threshold_ranked_by_claims_then_money(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    n = world["numbers"]
    rows = _table(_get(client, f"/analytics/places?{PERIOD}"), "worklist")
    assert [row[:12] for row in rows] == [
        ["单位S1、单位S2", "台区", "河西村台区", "—", "家电损坏", "4", "2025年2月10日", "2025年10月1日", "¥150.11",
         "持平", "2", "2"],  # 2月10日 and 6月1日 before 7月2日; 8月1日 and 10月1日 after
        ["单位S1", "线路", "河西线", "—", "家电损坏", "3", "2025年2月10日", "2025年10月1日", "¥100.11", "上升", "1", "2"],
    ]
    assert rows[0][12] == "、".join(sorted([n["a1"], n["k2"], n["a2"], n["a3"]]))
    # At N = 2 the tower (2 claims on 河西线, ¥100.11) comes before the crop claims (2, nothing paid).
    rows = _table(_get(client, f"/analytics/places?{PERIOD}&min=2"), "worklist")
    assert [row[1:6] for row in rows[2:]] == [["杆塔", "12", "河西线", "家电损坏", "2"], ["台区", "河西村台区", "—", "青苗补偿", "2"],
                                       ["线路", "河西线", "—", "青苗补偿", "2"]]  # equal: the 台区 first


def test_each_row_links_to_exactly_its_cases(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    html = _get(client, f"/analytics/places?{PERIOD}&min=2")
    links = [href.replace("&amp;", "&") for href in re.findall(r'href="(/cases/\?[^"]*)" data-cases-link', html)]
    counts = []
    for href in links[:4]:  # the work list's rows (the chart's table repeats them)
        counts.append(re.search(r"共 (\d+) 件", _get(client, href)).group(1))  # type: ignore[union-attr]
    assert counts == ["4", "3", "2", "2"]
    assert "tower=12" in links[2] and "line=" in links[2]


def test_a_threshold_outside_its_bounds_is_said_and_bounded(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    html = _get(client, f"/analytics/places?{PERIOD}&min=1")
    assert "起数应为 2 至 50 之间的整数" in html and 'name="min" id="a-min"\n      value="2"' in html
    assert len(_table(_get(client, f"/analytics/places?{PERIOD}&min=abc"), "worklist")) == 2  # the default, 3


def test_a_county_officer_sees_only_the_county_places(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "legal1")
    rows = _table(_get(client, f"/analytics/places?{PERIOD}"), "worklist")
    assert [(row[0], row[2], row[5], row[8]) for row in rows] == [("单位S1", "河西村台区", "3", "¥100.11"),
                                                                ("单位S1", "河西线", "3", "¥100.11")]
    assert world["numbers"]["k2"] not in rows[0][12]


def test_the_work_list_downloads_as_xlsx_and_is_audited(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    html = _get(client, f"/analytics/places?{PERIOD}&min=2")
    href = re.search(r'href="([^"]*worklist\.xlsx[^"]*)" data-worklist', html).group(1)  # type: ignore[union-attr]
    assert href.startswith("/analytics/places/worklist.xlsx?") and "min=2" in href
    response = client.get(href.replace("&amp;", "&"))
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:9] == ["单位", "位置类型", "位置", "所属线路", "故障类型", "案件数", "首次登记", "最近登记", "已支付金额"]
    assert len(values) == 6
    first = values[1]
    assert first[:3] == ["单位S1、单位S2", "台区", "河西村台区"] and first[4:8] == ["家电损坏", 4, "2025年2月10日", "2025年10月1日"]
    assert Decimal(str(first[8])) == Decimal("150.11")
    n = world["numbers"]
    assert first[12] == "、".join(sorted([n["a1"], n["k2"], n["a2"], n["a3"]]))
    assert values[3][1:4] == ["杆塔", "12", "河西线"]
    with ctx():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "analytics.download")).one()
        assert event.object_id == "places" and event.after["tables"] == ["worklist"] and event.after["rows"] == 5


@pytest.mark.parametrize("english", [False, True])
def test_the_page_and_work_list_show_no_internal_code(app: Flask, world: dict[str, Any], english: bool) -> None:
    client = app.test_client()
    login(client, "audit1")
    if english:
        client.post("/language", data={"lang": "en", "csrf_token": token(client)})
    data = [*world["numbers"].values(), "河西线", "河西村台区", "东山线", "东山台区", *(u.name for u in world["units"].values())]
    html = _get(client, f"/analytics/places?{PERIOD}&min=2")
    assert ("Rectification list" in html) is english
    sheet = load_workbook(io.BytesIO(client.get(f"/analytics/places/worklist.xlsx?{PERIOD}&min=2").data)).active
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)  # type: ignore[union-attr]
    found = [*leaks("places", html_text(html), english=english, data=data),
             *leaks("worklist", cells, english=english, data=data)]
    assert found == []
