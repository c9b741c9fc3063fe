"""The asset register (issue 16): imported whole or not at all, from CSV (UTF-8, GB18030) or XLSX, kept as
versions, audited, and searched only within the viewer's units."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from openpyxl import Workbook
from sqlalchemy import func, select

from casework.assets.models import Asset, AssetRegister
from casework.assets.service import search_assets
from casework.audit.models import AuditEvent
from casework.auth.models import User
from casework.domain.access import Actor, Role
from casework.infra.db import db
from tests.factories import ctx, make_units, make_user

CSV = ("单位编码,类型,名称,编号,电压等级,所属线路,村,投运日期\n"
       "K1,线路,10kV河西线,L001,10kV,,,2015-06-01\n"
       "S1,台区,河西村台区,T-3,0.4kV,10kV河西线,河西村,2016-01-01\n"
       "S1,杆塔,河西线#12,12,,10kV河西线,河西村,\n")


def _import(app: Flask, path: Path, unit: str = "K1") -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["assets", "import", str(path), "--unit", unit])
    return result.exit_code, result.output


def _count(model: type) -> int:
    with ctx():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_file_with_bad_rows_names_each_row_and_stores_nothing(app: Flask, tmp_path: Path) -> None:
    make_units()
    path = tmp_path / "register.csv"
    path.write_text(CSV + "K1,变电站,河西变,,,,,\nK2,台区,前营村台区,,,,,\nS1,台区,河西村台区,,,,,\n", encoding="utf-8")
    code, output = _import(app, path)
    assert code != 0
    assert "第 5 行：类型“变电站”无法识别" in output
    assert "第 6 行：单位编码“K2”不存在，或不在导入的单位之下" in output
    assert "第 7 行：与第 3 行重复" in output
    assert "nothing was imported" in output
    assert _count(Asset) == 0 and _count(AssetRegister) == 0
    with ctx():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assets.import")) is None


def test_a_gb18030_file_imports_and_is_audited(app: Flask, tmp_path: Path) -> None:
    make_units()
    path = tmp_path / "导出.csv"
    path.write_bytes(CSV.encode("gb18030"))
    code, output = _import(app, path)
    assert code == 0, output
    assert "version 1 with 3 row(s)" in output
    with ctx():
        names = set(db.session.scalars(select(Asset.name)))
        assert names == {"10kV河西线", "河西村台区", "河西线#12"}
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assets.import"))
        assert event is not None and event.after["rows"] == 3 and event.after["unit"] == "K1"


def test_an_xlsx_file_imports_with_numbers_as_written(app: Flask, tmp_path: Path) -> None:
    make_units()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [["unit_code", "kind", "name", "code", "village"], ["S1", "tower", "河西线#13", 13, "河西村"],
                [None, None, None, None, None], ["K1", "line", "10kV前营线", "L002", None]]:
        sheet.append(row)
    path = tmp_path / "register.xlsx"
    book.save(path)
    code, output = _import(app, path)
    assert code == 0, output
    with ctx():
        rows = db.session.execute(select(Asset.line_no, Asset.kind, Asset.code).order_by(Asset.line_no)).all()
        assert [tuple(r) for r in rows] == [(2, "tower", "13"), (4, "line", "L002")]


def test_a_new_import_is_a_new_version_and_the_old_one_stays_readable(app: Flask, tmp_path: Path) -> None:
    units = make_units()
    first, second = tmp_path / "v1.csv", tmp_path / "v2.csv"
    first.write_text(CSV, encoding="utf-8")
    second.write_text("类型,名称\n台区,河东村台区\n", encoding="utf-8-sig")
    assert _import(app, first)[0] == 0
    code, output = _import(app, second)
    assert code == 0 and "version 2 with 1 row(s) is now current, replacing version 1" in output
    field = make_user("field1", Role.FIELD, units["S1"])
    with ctx():
        versions = db.session.execute(select(AssetRegister.version, AssetRegister.is_current, AssetRegister.row_count)
                                      .order_by(AssetRegister.version)).all()
        assert [tuple(v) for v in versions] == [(1, False, 3), (2, True, 1)]
        assert _count(Asset) == 4  # the first version's rows are still there
        found = search_assets(db.session(), _actor(field.id), "村台区")
        assert [a["name"] for a in found] == ["河东村台区"]  # intake is offered the current version only


def _actor(user_id: int) -> Actor:
    user = db.session.get(User, user_id)
    assert user is not None
    return user.actor()


def test_a_stations_user_sees_their_company_but_not_another_companys_assets(app: Flask, tmp_path: Path) -> None:
    units = make_units()
    mine, theirs = tmp_path / "k1.csv", tmp_path / "k2.csv"
    mine.write_text(CSV, encoding="utf-8")
    theirs.write_text("单位编码,类型,名称,村\nS2,台区,河西庄台区,河西庄\nK2,线路,10kV河西二线,\n", encoding="utf-8")
    assert _import(app, mine)[0] == 0 and _import(app, theirs, "K2")[0] == 0
    field = make_user("field1", Role.FIELD, units["S1"])
    other = make_user("field2", Role.FIELD, units["S2"])
    with ctx():
        session = db.session()
        names = {a["name"] for a in search_assets(session, _actor(field.id), "河西")}
        assert names == {"10kV河西线", "河西村台区", "河西线#12"}  # the county's line and the station's own
        names = {a["name"] for a in search_assets(session, _actor(other.id), "河西", kind="district")}
        assert names == {"河西庄台区"}
