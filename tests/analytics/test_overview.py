"""The overview counts the claims registered in the period within the viewer's scope, by category, unit and
month, with the money claimed, assessed and paid, to the fen; each row links to the case list showing exactly
its cases; the downloads are the tables."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook

from casework.domain.access import Role
from casework.domain.lifecycle import State
from tests.factories import login, make_case, make_units, make_user, set_registered

PERIOD = "from=2025-01&to=2025-12"


_register = set_registered


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    field1, field2 = make_user("field1", Role.FIELD, units["S1"]), make_user("field2", Role.FIELD, units["S2"])
    people = {"auditor": make_user("audit1", Role.AUDITOR, units["P"]),
              "county": make_user("legal1", Role.LEGAL, units["K1"])}
    cases = [
        # S1 (county K1): two appliance claims in March, one crop claim in July (settled and paid above the check)
        (units["S1"], field1, "appliance", datetime(2025, 3, 1, 16, 30, tzinfo=UTC), Decimal("1200.50"), {}),
        (units["S1"], field1, "appliance", datetime(2025, 3, 20, 2, tzinfo=UTC), Decimal("300.25"), {}),
        (units["S1"], field1, "crop", datetime(2025, 7, 5, 8, tzinfo=UTC), Decimal("5000.00"),
         {"assessment_outcome": "not_liable", "decision_kind": "settled", "settled_amount": Decimal("800.00"),
          "paid_amount": Decimal("800.00"), "goodwill_payment": True}),
        # S2 (county K2): one appliance claim in March; and one registered in 2024, outside the period
        (units["S2"], field2, "appliance", datetime(2025, 3, 10, 8, tzinfo=UTC), Decimal("99.99"), {}),
        (units["S2"], field2, "appliance", datetime(2024, 12, 31, 15, 59, tzinfo=UTC), Decimal("7.00"), {}),
    ]
    made = []
    for unit, by, category, at, amount, columns in cases:
        case = make_case(unit, by, category=category, claimed_amount=amount)
        _register(case, at, **columns)
        made.append(case)
    # A draft is not a claim yet: never counted.
    make_case(units["S1"], field1, state=State.DRAFT, claimed_amount=Decimal("1000000"))
    return {"units": units, "cases": made, **people}


def _table(html: str, name: str) -> list[list[str]]:
    """The text of a table's body rows, cell by cell."""
    import re

    if f'data-table="{name}"' not in html:
        return []
    body = html.split(f'data-table="{name}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in rows]


def test_the_province_overview_counts_registered_claims_by_category_unit_and_month(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    page = client.get(f"/analytics/?{PERIOD}")
    assert page.status_code == 200
    html = page.text
    # 2025-03-01 16:30 UTC is 3月2日 in China; 2024-12-31 15:59 UTC is still 2024 there: not counted.
    by_category = _table(html, "by_category")
    assert by_category[0][:6] == ["家电损坏", "3", "¥1,600.74", "¥0.00", "¥0.00", "¥0.00"]
    assert by_category[1][:6] == ["青苗补偿", "1", "¥5,000.00", "¥0.00", "¥800.00", "¥800.00"]
    months = {row[0]: row[1] for row in _table(html, "by_month")}
    assert len(months) == 12 and months["2025年3月"] == "3" and months["2025年7月"] == "1" and months["2025年1月"] == "0"
    by_unit = _table(html, "by_unit")  # the province's children: the two cities
    assert [(row[0], row[1]) for row in by_unit] == [("单位C1", "3"), ("单位C2", "1")]
    # The figures' links open the case list on exactly those cases.
    import re

    link = re.search(r'href="(/cases/\?[^"]*category=appliance[^"]*)"', html)
    assert link is not None
    listed = client.get(link.group(1).replace("&amp;", "&")).text
    assert "共 3 件" in listed and "来自统计的筛选" in listed


def test_a_county_officer_counts_only_the_county(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "legal1")
    html = client.get(f"/analytics/?{PERIOD}").text
    assert [row[:2] for row in _table(html, "by_category")] == [["家电损坏", "2"], ["青苗补偿", "1"]]
    other = world["units"]["K2"].id
    refused = client.get(f"/analytics/?{PERIOD}&unit={other}").text
    assert "所选单位不在您可查看的范围内" in refused
    assert [row[:2] for row in _table(refused, "by_category")] == [["家电损坏", "2"], ["青苗补偿", "1"]]


def test_drilling_down_from_the_province_to_a_station(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    units = world["units"]
    html = client.get(f"/analytics/?{PERIOD}&unit={units['K1'].id}").text
    assert [row[:2] for row in _table(html, "by_unit")] == [["单位S1", "3"]]
    assert f"unit={units['S1'].id}" in html


def test_claims_filed_at_the_viewed_unit_itself_have_their_own_row(app: Flask, world: dict[str, Any]) -> None:
    """A county company files a claim itself: it counts in the county's total and in a row of its own, so the
    rows add up to the total."""
    units = world["units"]
    legal = make_user("legal9", Role.LEGAL, units["K1"])
    case = make_case(units["K1"], legal, claimed_amount=Decimal("10.00"))
    _register(case, datetime(2025, 5, 5, 8, tzinfo=UTC))
    client = app.test_client()
    login(client, "audit1")
    html = client.get(f"/analytics/?{PERIOD}&unit={units['K1'].id}").text
    assert [row[:2] for row in _table(html, "by_unit")] == [["单位S1", "3"], ["单位K1（本级）", "1"]]


def test_downloads_are_the_tables_opened_back(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    response = client.get(f"/analytics/overview/by_category.csv?{PERIOD}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["类别", "案件数", "索赔金额"]
    assert rows[1][:3] == ["家电损坏", "3", "1600.74"]
    book = load_workbook(io.BytesIO(client.get(f"/analytics/overview.xlsx?{PERIOD}").data))
    sheet = book[book.sheetnames[0]]
    assert [c.value for c in sheet[2]][:3] == ["家电损坏", 3, 1600.74]
    assert len(book.sheetnames) >= 6


def test_field_staff_have_no_analytics(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "field1")
    assert client.get("/analytics/").status_code == 403


def _cases_behind(client: Any, html: str, pattern: str) -> str:
    """The case list behind the first link of the page matching `pattern`."""
    import re

    found = re.search(rf'href="(/cases/\?[^"]*{pattern}[^"]*)"', html)
    assert found is not None, pattern
    return str(client.get(found.group(1).replace("&amp;", "&")).text)


def test_a_claim_registered_on_march_31_at_16_30_utc_counts_in_april(app: Flask, world: dict[str, Any]) -> None:
    late = make_case(world["units"]["S1"], world["auditor"], category="crop", claimed_amount=Decimal("10.00"))
    _register(late, datetime(2025, 3, 31, 16, 30, tzinfo=UTC))  # 2025-04-01 00:30 in China
    client = app.test_client()
    login(client, "audit1")
    html = client.get("/analytics/?from=2025-03&to=2025-04").text
    months = {row[0]: row[1] for row in _table(html, "by_month")}
    assert months == {"2025年3月": "3", "2025年4月": "1"}
    april = _cases_behind(client, html, "reg_from=2025-04-01")
    assert "共 1 件" in april and late.number in april
    march = _cases_behind(client, html, "reg_from=2025-03-01&amp;reg_to=2025-03-31")
    assert "共 3 件" in march and late.number not in march


def test_ten_years_count_every_month(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    html = client.get("/analytics/?from=2016-01&to=2025-12").text
    months = _table(html, "by_month")
    assert len(months) == 120 and months[0][0] == "2016年1月" and months[-1][0] == "2025年12月"
    assert {row[0]: row[1] for row in months}["2024年12月"] == "1"  # 2024-12-31 23:59 in China
    assert [row[:2] for row in _table(html, "by_category")] == [["家电损坏", "4"], ["青苗补偿", "1"]]
    assert sum(int(row[1]) for row in months) == 5


def test_a_bad_period_is_named_and_the_default_shown(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    page = client.get("/analytics/?from=2025-13&to=2025-12")
    assert page.status_code == 200
    assert "请按“年-月”填写统计期间" in page.text and 'data-problem="from"' in page.text
    months = _table(page.text, "by_month")  # the last 12 months, ending with this one
    assert len(months) == 12
    from casework.domain.summary import CHINA
    from casework.infra.db import utcnow

    today = utcnow().astimezone(CHINA)
    assert months[-1][0] == f"{today.year}年{today.month}月"


def test_the_drill_down_from_the_province_to_a_station_links_each_level(app: Flask, world: dict[str, Any]) -> None:
    import re

    client = app.test_client()
    login(client, "audit1")
    units = world["units"]
    html = client.get(f"/analytics/?{PERIOD}").text
    for parent, child, count in (("P", "C1", "3"), ("C1", "K1", "3"), ("K1", "S1", "3")):
        rows = _table(html, "by_unit")
        row = next(r for r in rows if r[0] == f"单位{child}")
        assert row[1] == count, (parent, rows)
        drill = re.search(rf'<a href="(/analytics/\?[^"]*unit={units[child].id}[^"]*)">单位{child}</a>', html)
        assert drill is not None, child
        listed = _cases_behind(client, html, f"unit={units[child].id}")
        assert f"共 {count} 件" in listed
        html = client.get(drill.group(1).replace("&amp;", "&")).text
        assert f"单位{child}" in html.split("</h1>", 1)[0]
    assert _table(html, "by_unit") == []  # a station has no units below it
    assert [row[:2] for row in _table(html, "by_category")] == [["家电损坏", "2"], ["青苗补偿", "1"]]


def test_the_overview_in_english(app: Flask, world: dict[str, Any]) -> None:
    from tests.conftest import csrf_from

    client = app.test_client()
    login(client, "audit1")
    client.post("/language", data={"lang": "en", "csrf_token": csrf_from(client.get("/password").text)})
    html = client.get(f"/analytics/?{PERIOD}").text
    rows = _table(html, "by_category")
    assert rows[0][:2] == ["Appliance damage", "3"], rows
    assert "Jul 2025" in html or "July 2025" in html
    import re

    assert not re.search(r"[\u4e00-\u9fff]", re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1])
                         .replace("单位", "").replace("中文", "")), "Chinese left untranslated"  # names, the switch
