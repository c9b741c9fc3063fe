"""Importing a year's State Council holiday arrangement: checked whole, audited, and read by the assessment
(issue 15, D4: a period ending outside the calendar's coverage is flagged until its year is imported)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.domain.rules import assess, load_bundled_table
from casework.infra.db import db
from casework.ruletable.models import CalendarDay
from casework.ruletable.store import calendar

#: An arrangement for a year the bundled calendar does not hold (invented for the test, shaped like a notice).
YEAR_2027 = {"years": [{"year": 2027, "title": "国务院办公厅关于2027年部分节假日安排的通知（测试）", "periods": [
    {"name": "元旦", "rest_from": "2027-01-01", "rest_to": "2027-01-03", "work": []},
    {"name": "春节", "rest_from": "2027-02-05", "rest_to": "2027-02-12", "work": ["2027-01-31", "2027-02-20"]},
    {"name": "清明节", "rest_from": "2027-04-03", "rest_to": "2027-04-05", "work": []},
    {"name": "劳动节", "rest_from": "2027-05-01", "rest_to": "2027-05-05", "work": ["2027-04-25"]},
    {"name": "端午节", "rest_from": "2027-06-09", "rest_to": "2027-06-11", "work": []},
    {"name": "中秋节", "rest_from": "2027-09-15", "rest_to": "2027-09-17", "work": []},
    {"name": "国庆节", "rest_from": "2027-10-01", "rest_to": "2027-10-07", "work": ["2027-09-26", "2027-10-09"]},
]}]}


def test_the_bundled_arrangements_import_and_cover_2016_to_2026(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["holidays", "import", "--bundled"])
    assert result.exit_code == 0, result.output
    assert "11 year(s)" in result.output and "2016, 2017" in result.output
    with app.app_context():
        cal = calendar(db.session())
        assert cal is not None and cal.covered == frozenset(range(2016, 2027))
        assert cal.is_rest_day(date(2016, 2, 10)) and not cal.is_rest_day(date(2016, 2, 14))  # 春节; 调休上班
        again = runner.invoke(args=["holidays", "import", "--bundled"])
        assert "0 days added, 0 corrected" in again.output
        entries = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "calendar.import")).all()
        assert len(entries) == 2


def test_a_new_year_removes_the_flag_on_periods_ending_in_it(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["holidays", "import", "--bundled"]).exit_code == 0
    case = {"category": "crop", "event_date": "2024-02-08", "report_date": "2024-03-01",
            "facts": {"work_kind": "construction", "area_mu": "1", "crop": "小麦", "region": "410000",
                      "local_rate_per_mu": "1000.00"}}
    table = load_bundled_table()
    with app.app_context():
        before = assess(case, table, calendar(db.session()))
    # 2027-02-08 lies in the test's 2027 Spring Festival break: outside coverage it was counted as a Monday
    assert {"kind": "limitation", "due": "2027-02-08"} in [{k: d[k] for k in ("kind", "due")}
                                                           for d in before["deadlines"]]
    assert any("2027年2月8日" in note["zh"] for note in before["to_verify"])
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(YEAR_2027, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["holidays", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "2027" in result.output.splitlines()[-1]
    with app.app_context():
        after = assess(case, table, calendar(db.session()))
    assert {"kind": "limitation", "due": "2027-02-15"} in [{k: d[k] for k in ("kind", "due")}
                                                           for d in after["deadlines"]]
    assert not any("2027年2月" in note["zh"] for note in after.get("to_verify", []))


def test_a_bad_file_is_refused_whole_naming_each_field(app: Flask, tmp_path: Path) -> None:
    bad = json.loads(json.dumps(YEAR_2027))
    bad["years"][0]["periods"][1]["rest_to"] = "2027-02-01"  # before its start
    bad["years"][0]["periods"][6]["work"] = ["2027-10-08"]  # a Friday is no adjusted working day
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["holidays", "import", str(path)])
    assert result.exit_code != 0
    assert "years[0].periods[1].rest_to: before years[0].periods[1].rest_from" in result.output
    assert "years[0].periods[6].work[0]: 2027-10-08 is a weekday" in result.output
    with app.app_context():
        assert db.session.scalar(select(CalendarDay).limit(1)) is None  # nothing half-read
    assert app.test_cli_runner().invoke(args=["holidays", "import"]).exit_code != 0  # FILE or --bundled
