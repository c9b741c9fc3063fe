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

from casework.cases.models import Case
from casework.domain.access import Role
from casework.domain.lifecycle import State
from casework.infra.db import unit_of_work
from tests.factories import ctx, login, make_case, make_units, make_user

PERIOD = "from=2025-01&to=2025-12"


def _register(case: Case, at: datetime, **columns: Any) -> None:
    """Set the registration moment (and decision columns) as if the case had been filed then."""
    with ctx(), unit_of_work() as session:
        row = session.get(Case, case.id)
        assert row is not None
        row.registered_at = at
        for name, value in columns.items():
            setattr(row, name, value)


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
