"""Where on the grid a claim happened (issue 16): typed at intake with the register's names offered, kept in
the case's own columns, corrected later on the case page, every change audited; the register's import page."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.assets.models import Asset, AssetRegister
from casework.audit.models import AuditEvent
from casework.cases.models import Case
from casework.domain.access import Role
from casework.dossier.content import dossier_values
from casework.infra.db import db, utcnow
from casework.infra.storage import store_of
from tests.factories import ctx, load, login, make_case, make_units, make_user, token
from tests.web.test_intake import CLAIMANT, cases, post

REGISTER = ("单位编码,类型,名称,电压等级,所属线路,村\n"
            "K1,线路,10kV河西线,10kV,,\n"
            "S1,台区,河西村台区,0.4kV,10kV河西线,河西村\n"
            "S1,杆塔,河西线#12,,10kV河西线,河西村\n").encode("gb18030")
OTHER = "单位编码,类型,名称,村\nS2,台区,河西庄台区,河西庄\n".encode()


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    users = {"field": make_user("field1", Role.FIELD, units["S1"]), "legal": make_user("legal1", Role.LEGAL, units["K1"]),
             "legal2": make_user("legal2", Role.LEGAL, units["K2"])}
    return {"units": units, "users": users}


def _upload(client: Any, unit_id: int, data: bytes, name: str = "台账.csv") -> Any:
    return client.post("/assets/", data={"csrf_token": token(client, "/assets/"), "unit_id": str(unit_id),
                                         "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _imported(app: Flask, world: dict[str, Any]) -> None:
    for user, unit, data in (("legal1", "K1", REGISTER), ("legal2", "K2", OTHER)):
        client = app.test_client()
        login(client, user)
        assert _upload(client, world["units"][unit].id, data).status_code == 303


def test_legal_staff_import_a_register_and_read_its_versions(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "legal1")
    response = _upload(client, world["units"]["K1"].id, REGISTER)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "河西村台区" in page and "当前版本" in page and "台区" in page
    assert "district" not in page  # the kind is shown by its name, never its code
    listing = client.get("/assets/").text
    assert "第 1 版" in listing and "台账.csv" in listing


def test_a_bad_upload_lists_its_rows_and_changes_nothing(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "legal1")
    bad = REGISTER + "K1,变压器,河西变,,,\nS1,台区,,,,\n".encode("gb18030")
    response = _upload(client, world["units"]["K1"].id, bad)
    assert response.status_code == 422
    assert "第 5 行：类型“变压器”无法识别" in response.text and "第 6 行：未填写名称" in response.text
    assert "台账没有任何改动" in response.text
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(Asset)) == 0
        assert db.session.scalar(select(func.count()).select_from(AssetRegister)) == 0


def test_a_field_worker_cannot_import_and_legal_staff_only_for_their_company(app: Flask, world: dict[str, Any]) -> None:
    field = app.test_client()
    login(field, "field1")
    assert field.get("/assets/").status_code == 403
    legal = app.test_client()
    login(legal, "legal1")
    response = _upload(legal, world["units"]["K2"].id, OTHER)  # another company's unit is not offered
    assert response.status_code == 422 and "请从列表中选择" in response.text
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(AssetRegister)) == 0


def test_the_search_finds_hexi_within_the_viewers_units_only(app: Flask, world: dict[str, Any]) -> None:
    _imported(app, world)
    client = app.test_client()
    login(client, "field1")
    found = client.get("/assets/search", query_string={"q": "河西", "kind": "district"}).get_json()
    assert [a["name"] for a in found] == ["河西村台区"]  # not 河西庄台区 of the other company
    assert found[0]["village"] == "河西村" and found[0]["line"] == "10kV河西线"
    assert {a["name"] for a in client.get("/assets/search?q=河西").get_json()} == {"10kV河西线", "河西村台区", "河西线#12"}
    assert client.get("/assets/search?q=").get_json() == []
    assert client.get("/assets/search?q=河西&kind=substation").status_code == 400
    options = client.get("/assets/options/grid_district", query_string={"grid_district": "河西"}).text
    assert '<option value="河西村台区">' in options and "河西庄" not in options


def test_intake_offers_the_register_and_saves_the_place_as_typed(app: Flask, world: dict[str, Any]) -> None:
    _imported(app, world)
    client = app.test_client()
    login(client, "field1")
    form = client.get("/intake/new/appliance").text
    assert 'list="grid_district-options"' in form and 'id="grid_district-options"' in form
    assert "/assets/options/grid_district" in form and "<script>" not in form  # htmx, no inline script
    place = {"grid_line": "10kV河西线", "grid_district": "河西村台区", "grid_tower": "河西线#99",  # not in the register
             "customer_number": "3101234567", "meter_number": "ZD-0098"}
    assert post(client, "/intake/new/appliance", {**CLAIMANT, **place}).status_code == 302
    (case,) = cases()
    assert {name: getattr(case, name) for name in place} == place
    page = client.get(f"/cases/{case.number}").text
    assert "河西村台区" in page and "杆塔号" in page and "3101234567" in page

    edited = {**CLAIMANT, **place, "grid_district": "河西村2号台区", "meter_number": ""}
    assert post(client, f"/intake/{case.number}", edited).status_code == 302
    with ctx():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.edit")).one()
        assert event.before == {"grid_district": "河西村台区", "meter_number": "ZD-0098"}
        assert {k: event.after[k] for k in ("grid_district", "meter_number")} == {"grid_district": "河西村2号台区",
                                                                                  "meter_number": None}


def test_the_place_is_corrected_on_a_registered_case_and_audited(app: Flask, world: dict[str, Any]) -> None:
    case = make_case(world["units"]["S1"], world["users"]["field"], grid_district="河西村台区")
    client = app.test_client()
    login(client, "legal1")
    page = client.get(f"/cases/{case.number}/edit").text
    version = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', page)
    assert version and 'value="河西村台区"' in page
    # The edit page offers the register's names as intake does (the datalist filled as one types).
    assert 'list="grid_district-options"' in page and 'id="grid_district-options"' in page
    assert "/assets/options/grid_tower" in page
    data = {"csrf_token": token(client), "version": version.group(1) or version.group(2), "claimant_name": "张三",
            "event_on": "2025-07-20", "reported_on": "2025-07-22", "claimed_amount": "4800.00",
            "grid_district": "河西村台区", "grid_tower": "河西线#12", "customer_number": "3101234567"}
    assert client.post(f"/cases/{case.number}/edit", data=data).status_code == 302
    stored = load(Case, number=case.number)
    assert stored is not None and stored.grid_tower == "河西线#12" and stored.customer_number == "3101234567"
    with ctx():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.edit")).one()
        assert event.before == {"grid_tower": None, "customer_number": None}
        assert event.after["grid_tower"] == "河西线#12"
    history = client.get(f"/cases/{case.number}").text
    assert "杆塔号" in history


def test_the_dossier_lists_the_recorded_place_and_leaves_out_what_was_not(app: Flask, world: dict[str, Any]) -> None:
    case = make_case(world["units"]["S1"], world["users"]["field"], grid_district="河西村台区", grid_tower="河西线#12")
    with ctx():
        stored = db.session.get(Case, case.id)
        assert stored is not None
        values = dossier_values(db.session(), stored, store_of(app), sealed_at=utcnow(),
                                chain=(1, "0" * 64))
    facts = dict(values["facts"])
    assert facts["台区"] == "河西村台区" and facts["杆塔号"] == "河西线#12"
    assert "线路" not in facts and "表号" not in facts
