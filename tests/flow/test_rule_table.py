"""Keeping the rule table: drafts, parameter changes, impact, approval by the head of legal, re-checks."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from casework.cases.models import Case
from casework.domain.access import Role
from casework.infra.db import db, unit_of_work, utcnow
from casework.rulecheck.models import Assessment
from casework.rulecheck.service import run_rule_check
from casework.ruletable.models import RuleTableVersion
from casework.ruletable.store import TableError, calendar, create_draft, current_table, decide, in_force, submit
from tests.factories import UTILITY, load_rule_table, make_case, make_units, make_user

OLD_FRIDGE = {"customer_type": "residential", "supply_voltage_v": 220, "fault_type": "neutral_broken",
              "appliances": [{"name": "电冰箱", "class": "motor", "price": "3000.00", "purchase_date": "2005-01-01",
                              "invoice": True, "repairable": False}]}


@pytest.fixture
def office(app: Flask) -> dict:  # type: ignore[type-arg]
    units = make_units()
    load_rule_table()
    people = {"legal": make_user("legal1", Role.LEGAL, units["C1"]),
              "head": make_user("head1", Role.LEGAL_HEAD, units["C1"])}
    fridge = make_case(units["S1"], people["legal"], category="appliance", facts=OLD_FRIDGE,
                       circumstances=UTILITY, event_on=date(2025, 7, 20), reported_on=date(2025, 7, 22))
    with app.app_context(), unit_of_work() as session:
        run_rule_check(session, people["legal"].actor(), session.get(Case, fridge.id), table=current_table(session),
                       calendar=calendar(session), now=utcnow())
    return {**people, "units": units, "fridge": fridge}


def _draft_with_floor(app: Flask, office: dict, floor: str) -> str:  # type: ignore[type-arg]
    from casework.ruletable.store import set_parameter

    with app.app_context(), unit_of_work() as session:
        actor = session.merge(office["legal"]).actor()
        draft = create_draft(session, actor, base=in_force(session), version="2025.2",  # type: ignore[arg-type]
                             summary="残值比例调整（测试）", now=utcnow())
        set_parameter(session, actor, draft, name="ha_floor_rate", effective_from="1996-09-01", value=floor,
                      verified=True, now=utcnow())
        return draft.version


def test_the_first_check_is_kept_as_a_snapshot(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    with app.app_context():
        snapshot = db.session.scalars(select(Assessment)).one()
        assert snapshot.outcome == "liable" and snapshot.amount == Decimal("300.00")  # the 10 % floor
        assert snapshot.facts["facts"]["appliances"][0]["price"] == "3000.00"
        assert snapshot.run_by_name == "legal1"
        assert any("10%" in step or "10 %" in step or "百分之十" in step or "0.10" in step
                   for step in snapshot.result["explanation"])


def test_a_draft_shows_its_impact_and_needs_the_head_of_legal(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    from casework.ruletable.impact import impact

    version = _draft_with_floor(app, office, "0.20")
    with app.app_context():
        session = db.session()
        draft = session.scalar(select(RuleTableVersion).where(RuleTableVersion.version == version))
        from casework.ruletable.store import parse

        changes = impact(session, current=current_table(session), proposed=parse(draft), calendar=calendar(session),  # type: ignore[arg-type]
                         now=utcnow())
        assert [(c.number, c.old_amount, c.new_amount) for c in changes] == [
            (office["fridge"].number, Decimal("300.00"), Decimal("600.00"))]
        assert current_table(session).version != version  # a draft is never in force
    with app.app_context(), unit_of_work() as session:
        draft = session.scalar(select(RuleTableVersion).where(RuleTableVersion.version == version))
        submit(session, session.merge(office["legal"]).actor(), draft, now=utcnow())  # type: ignore[arg-type]
    for who, key in (("legal", "not_legal_head"),):
        with app.app_context(), pytest.raises(TableError) as refused, unit_of_work() as session:
            draft = session.scalar(select(RuleTableVersion).where(RuleTableVersion.version == version))
            decide(session, session.merge(office[who]).actor(), draft, approve=True, comment="", now=utcnow())  # type: ignore[arg-type]
        assert refused.value.key == key
    with app.app_context(), unit_of_work() as session:
        draft = session.scalar(select(RuleTableVersion).where(RuleTableVersion.version == version))
        decide(session, session.merge(office["head"]).actor(), draft, approve=True, comment="同意", now=utcnow())  # type: ignore[arg-type]
    with app.app_context():
        assert current_table(db.session()).version == version


def test_nobody_approves_their_own_draft(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    with app.app_context(), unit_of_work() as session:
        head = session.merge(office["head"]).actor()
        draft = create_draft(session, head, base=in_force(session), version="2025.3", summary="x",  # type: ignore[arg-type]
                             now=utcnow())
        submit(session, head, draft, now=utcnow())
    with app.app_context(), pytest.raises(TableError) as refused, unit_of_work() as session:
        draft = session.scalar(select(RuleTableVersion).where(RuleTableVersion.version == "2025.3"))
        decide(session, session.merge(office["head"]).actor(), draft, approve=True, comment="", now=utcnow())  # type: ignore[arg-type]
    assert refused.value.key == "own_draft"


def test_published_change_never_rewrites_a_stored_snapshot_and_recheck_reports_it(
    app: Flask, office: dict  # type: ignore[type-arg]
) -> None:
    version = _draft_with_floor(app, office, "0.20")
    with app.app_context(), unit_of_work() as session:
        draft = session.scalar(select(RuleTableVersion).where(RuleTableVersion.version == version))
        submit(session, session.merge(office["legal"]).actor(), draft, now=utcnow())  # type: ignore[arg-type]
        decide(session, session.merge(office["head"]).actor(), draft, approve=True, comment="", now=utcnow())  # type: ignore[arg-type]
    result = app.test_cli_runner().invoke(args=["recheck"])
    assert result.exit_code == 0, result.output
    assert f"{office['fridge'].number}: 应当赔偿 ¥300.00 → 应当赔偿 ¥600.00" in result.output
    assert "checked 1 open cases; 1 changed" in result.output
    with app.app_context():
        snapshots = db.session.scalars(select(Assessment).order_by(Assessment.id)).all()
        assert [(s.rule_table_version, s.amount) for s in snapshots] == [
            ("2026.1", Decimal("300.00")), (version, Decimal("600.00"))]
        assert db.session.get(Case, office["fridge"].id).assessment_amount == Decimal("600.00")  # type: ignore[union-attr]
    again = app.test_cli_runner().invoke(args=["recheck"])
    assert "checked 1 open cases; 0 changed" in again.output
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0  # bulk appends keep the chain


def test_export_and_import_round_trip_as_a_new_draft(app: Flask, office: dict, tmp_path: Path) -> None:  # type: ignore[type-arg]
    runner = app.test_cli_runner()
    out = tmp_path / "table.json"
    assert runner.invoke(args=["rules", "export", "--out", str(out)]).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["version"] == "2026.1" and len(data["rules"]) > 50
    imported = runner.invoke(args=["rules", "import", str(out), "--version", "2025.9", "--summary", "往返测试"])
    assert imported.exit_code == 0, imported.output
    with app.app_context():
        row = db.session.scalar(select(RuleTableVersion).where(RuleTableVersion.version == "2025.9"))
        assert row is not None and row.status == "draft"
        assert {k: v for k, v in row.data.items() if k != "version"} == {
            k: v for k, v in data.items() if k != "version"}
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**data, "rules": [{"id": "x"}]}), encoding="utf-8")
    refused = runner.invoke(args=["rules", "import", str(broken), "--version", "2025.10"])
    assert refused.exit_code != 0 and "table_invalid" in refused.output


def test_rates_import_from_csv_feeds_crop_claims(app: Flask, office: dict, tmp_path: Path) -> None:  # type: ignore[type-arg]
    schedule = tmp_path / "河南青苗2025.csv"
    schedule.write_text("类别,地区代码,作物或树种,生长期或规格,标准,生效日期,失效日期\n"
                        "青苗,419900,芝麻,,880.00,2025-01-01,\n"
                        "林木,419900,杨树,胸径10-20厘米,65,2025-01-01,2025-12-31\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["rates", "import", str(schedule), "--version", "2025.5"])
    assert result.exit_code == 0, result.output
    assert "1 crop and 1 tree rates" in result.output
    with app.app_context():
        from casework.domain.rules import assess
        from casework.ruletable.store import parse

        row = db.session.scalar(select(RuleTableVersion).where(RuleTableVersion.version == "2025.5"))
        case = {"category": "crop", "event_date": "2025-06-01", "report_date": "2025-06-02",
                "facts": {"work_kind": "construction", "area_mu": "2", "crop": "芝麻", "region": "419900"}}
        assert assess(case, parse(row))["amount"] == "1760.00"  # type: ignore[arg-type]
        assert assess(case, current_table(db.session()))["outcome"] == "insufficient_facts"  # not yet published
    bad = tmp_path / "bad.csv"
    bad.write_text("类别,地区代码,作物或树种,标准,生效日期\n青苗,419900,芝麻,abc,2025-01-01\n", encoding="utf-8")
    refused = runner.invoke(args=["rates", "import", str(bad), "--version", "2025.6"])
    assert refused.exit_code != 0 and "row 2, 标准" in refused.output


def test_rates_import_reads_xlsx(app: Flask, office: dict, tmp_path: Path) -> None:  # type: ignore[type-arg]
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["kind", "region", "item", "grade", "rate", "effective_from", "effective_to"])  # type: ignore[union-attr]
    sheet.append(["crop", "419900", "花生", "结荚期", 1020, date(2025, 1, 1), None])  # type: ignore[union-attr]
    book.save(tmp_path / "rates.xlsx")
    result = app.test_cli_runner().invoke(args=["rates", "import", str(tmp_path / "rates.xlsx"), "--version", "x1"])
    assert result.exit_code == 0 and "1 crop and 0 tree rates" in result.output
