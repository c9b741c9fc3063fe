"""The copycat signal: each settlement decided in the period at a 台区, with the claims of its category there
registered in the 6 months before and after (Beijing days, the window edges included, the decision day and
the settled case itself excluded); flagged when after ≥ 2 × before and after ≥ 3; scope."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from casework.assets.service import import_register
from casework.auth.models import Unit, User
from casework.domain.access import Role
from casework.domain.summary import CHINA
from casework.infra.db import unit_of_work, utcnow
from tests.analytics.test_overview import _register, _table
from tests.factories import ctx, login, make_case, make_units, make_user, token
from tests.visible import html_text, leaks

PERIOD = "from=2025-01&to=2025-12"
HEXI = {"grid_district": "河西村台区"}


def _china(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """A moment given in Beijing time, as UTC."""
    return datetime(y, m, d, h, mi, tzinfo=CHINA).astimezone(UTC)


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    field1, field2 = make_user("field1", Role.FIELD, units["S1"]), make_user("field2", Role.FIELD, units["S2"])
    make_user("audit1", Role.AUDITOR, units["P"])
    legal = make_user("legal1", Role.LEGAL, units["K1"])
    settled = {"decision_kind": "settled", "settled_amount": Decimal("800.00")}
    cases = [
        # The goodwill settlement at 河西村台区, decided 2025年6月15日 (the case itself is not counted).
        ("goodwill", units["S1"], field1, "appliance", _china(2025, 5, 1, 10),
         {**HEXI, **settled, "goodwill_payment": True, "decided_on": date(2025, 6, 15)}),
        # Before: [2024年12月15日, 2025年6月14日]
        ("b-out", units["S1"], field1, "appliance", _china(2024, 12, 14, 23, 59), HEXI),
        ("b-edge", units["S1"], field1, "appliance", _china(2024, 12, 15, 0, 0), HEXI),
        ("b-in", units["S1"], field1, "appliance", _china(2025, 3, 1, 9), HEXI),
        ("same-day", units["S1"], field1, "appliance", _china(2025, 6, 15, 12), HEXI),
        # After: [2025年6月16日, 2025年12月15日]
        ("a-first", units["S1"], field1, "appliance", _china(2025, 6, 16, 0, 0), HEXI),
        ("a-in", units["S1"], field1, "appliance", _china(2025, 8, 1, 9), HEXI),
        ("a-edge", units["S1"], field1, "appliance", _china(2025, 12, 15, 23, 59), HEXI),
        ("a-out", units["S1"], field1, "appliance", _china(2025, 12, 16, 0, 0), HEXI),
        ("other-kind", units["S1"], field1, "crop", _china(2025, 8, 2, 9), HEXI),
        # A 台区 of the same name in county K2: counted for the province, not for county K1's officer.
        ("k2", units["S2"], field2, "appliance", _china(2025, 8, 3, 9), HEXI),
        # An ordinary settlement at 东山台区 with no claims around it; a rejection is no settlement.
        ("plain", units["S1"], field1, "crop", _china(2025, 1, 5, 9),
         {"grid_district": "东山台区", **settled, "settled_amount": Decimal("120.05"), "decided_on": date(2025, 3, 1)}),
        ("rejected", units["S1"], field1, "appliance", _china(2025, 1, 6, 9),
         {"grid_district": "东山台区", "decision_kind": "rejected", "decided_on": date(2025, 3, 2)}),
    ]
    made = {}
    for key, unit, by, category, at, columns in cases:
        case = make_case(unit, by, category=category)
        _register(case, at, **columns)
        made[key] = case.number
    with ctx(), unit_of_work() as session:  # the register names the 台区's village
        actor = session.get(User, legal.id).actor()  # type: ignore[union-attr]
        import_register(session, actor, session.get(Unit, units["K1"].id),  # type: ignore[arg-type]
                        "类型,名称,所在村\n台区,河西村台区,河西村\n".encode(), source_name="k1.csv", now=utcnow())
    return {"units": units, "numbers": made}


def test_the_province_counts_the_claims_around_each_settlement(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    html = client.get(f"/analytics/copycat?{PERIOD}").text
    n = world["numbers"]
    rows = _table(html, "signals")
    assert [row[:10] for row in rows] == [
        ["河西村台区", "河西村", "家电损坏", "2025年6月15日", "酌情补偿", "¥800.00", n["goodwill"], "2", "4", "索赔激增"],
        ["东山台区", "—", "青苗补偿", "2025年3月1日", "和解赔偿", "¥120.05", n["plain"], "0", "0", "—"],
    ]
    assert "不少于决定前的 2 倍、且不少于 3 起" in html


def test_a_flag_links_to_the_claims_after_the_settlement(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    html = client.get(f"/analytics/copycat?{PERIOD}").text
    href = re.findall(r'href="(/cases/\?[^"]*)" data-cases-link', html)[0].replace("&amp;", "&")
    assert "reg_from=2025-06-16" in href and "reg_to=2025-12-15" in href
    listed = client.get(href).text
    n = world["numbers"]
    assert "共 4 件" in listed
    assert all(n[key] in listed for key in ("a-first", "a-in", "a-edge", "k2"))
    assert n["a-out"] not in listed and n["same-day"] not in listed


def test_a_county_officer_counts_only_the_county(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "legal1")
    rows = _table(client.get(f"/analytics/copycat?{PERIOD}").text, "signals")
    # 3 after against 2 before: below twice as many, so not flagged.
    assert [row[7:10] for row in rows if row[0] == "河西村台区"] == [["2", "3", "—"]]


def test_a_settlement_outside_the_period_is_not_listed(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    assert _table(client.get("/analytics/copycat?from=2025-04&to=2025-05").text, "signals") == []


@pytest.mark.parametrize("english", [False, True])
def test_the_page_shows_no_internal_code(app: Flask, world: dict[str, Any], english: bool) -> None:
    client = app.test_client()
    login(client, "audit1")
    if english:
        client.post("/language", data={"lang": "en", "csrf_token": token(client)})
    html = client.get(f"/analytics/copycat?{PERIOD}").text
    assert ("Copycat claims" in html) is english
    data = [*world["numbers"].values(), "河西村台区", "东山台区", "河西村", *(u.name for u in world["units"].values())]
    assert list(leaks("copycat", html_text(html), english=english, data=data)) == []
