"""The 24-hour on-site investigation as a recorded action: due until someone records who went, when and where;
overdue after its day; recorded (with or without the phone's position) it is audited and clears the duty."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.cases import site_visit
from casework.cases.models import Case, CaseDeadline
from casework.cases.site_visit import SiteVisit
from casework.domain.access import Role
from casework.domain.lifecycle import State
from casework.infra.db import db, unit_of_work
from casework.rulecheck.service import recheck_open_cases, run_rule_check
from casework.ruletable.store import calendar, current_table
from tests.conftest import csrf_from
from tests.factories import FRIDGE, UTILITY, ctx, load_rule_table, login, make_case, make_units, make_user

REPORTED = date(2026, 12, 3)
MORNING = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)  # 09:30 in Beijing, the day of the report


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = MORNING
        monkeypatch.setattr(site_visit, "utcnow", lambda: self.now)


@pytest.fixture
def world(app: Flask, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    units = make_units()
    load_rule_table()
    people = {"field": make_user("field1", Role.FIELD, units["S1"]),
              "field2": make_user("field2", Role.FIELD, units["S2"]),
              "legal": make_user("legal1", Role.LEGAL, units["C1"]),
              "auditor": make_user("auditor1", Role.AUDITOR, units["P"])}
    case = make_case(units["S1"], people["field"], state=State.REGISTERED, facts=FRIDGE, circumstances=UTILITY,
                     address="前营村3组12号", event_on=date(2026, 12, 2), reported_on=REPORTED)
    with ctx(), unit_of_work() as session:
        row = session.get(Case, case.id)
        run_rule_check(session, people["legal"].actor(), row, table=current_table(session),
                       calendar=calendar(session), now=MORNING)
    return {"units": units, "number": case.number, "case_id": case.id, "clock": Clock(monkeypatch), **people}


def _client(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def _due(world: dict[str, Any]) -> date:
    with ctx():
        due = db.session.scalar(select(CaseDeadline.due_on).where(CaseDeadline.case_id == world["case_id"],
                                                                  CaseDeadline.kind == "on_site_investigation"))
    assert due is not None
    return due


def _case(world: dict[str, Any]) -> Case:
    with ctx():
        case = db.session.get(Case, world["case_id"])
        assert case is not None
        db.session.expunge(case)
        return case


def _panel(page: str) -> str:
    """The site-visit section of the case page."""
    start = page.index('id="site-visit"')
    return text(page[start:page.index("</section>", start)])


def text(html: str) -> str:
    """What a reader sees: tags out, runs of white space as one."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _post(client: FlaskClient, number: str, **data: str) -> Any:
    token = csrf_from(client.get(f"/cases/{number}/site-visit").text)
    return client.post(f"/cases/{number}/site-visit", data={"csrf_token": token, **data})


GOOD = {"visited_at": "2026-12-03T14:05", "visitors": "王强、李四", "place": "前营村3组12号 用户家中",
        "attendees": "村委会主任赵某在场", "notes": "入户查看电冰箱，压缩机烧毁，表箱零线端子烧蚀。"}


def test_the_visit_is_due_until_recorded_and_overdue_after_its_day(app: Flask, world: dict[str, Any]) -> None:
    due = _due(world)
    assert due == REPORTED + timedelta(days=1)  # 24 hours after the report
    field = _client(app, "field1")
    panel = _panel(field.get(f"/cases/{world['number']}").text)
    assert "现场调查期限：2026年12月4日，还剩 1 天" in panel
    assert _case(world).duty_due_on == due  # the lists sort on it: the visit is still owed

    world["clock"].now = MORNING + timedelta(days=3)  # 6 December: two days past the due day
    assert "现场调查期限：2026年12月4日，逾期 2 天" in _panel(field.get(f"/cases/{world['number']}").text)
    todo = text(field.get("/work/").text)
    assert world["number"] in todo and "待现场调查" in todo and "逾期 2 天" in todo


def test_recording_the_visit_with_gps_is_audited_and_clears_it(app: Flask, world: dict[str, Any]) -> None:
    world["clock"].now = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)  # 16:00 in Beijing
    field = _client(app, "field1")
    response = _post(field, world["number"], **GOOD, gps_lat="36.651234", gps_lng="117.123456", gps_accuracy="12.5")
    assert response.status_code == 303
    page = field.get(response.headers["Location"]).text
    assert "已于 2026年12月3日 14:05 完成（记录人 Field1）" in page
    assert "36.651234, 117.123456" in page and "村委会主任赵某在场" in page
    with ctx():
        [visit] = db.session.scalars(select(SiteVisit)).all()
        assert visit.visited_at == datetime(2026, 12, 3, 6, 5, tzinfo=UTC)  # 14:05 Beijing, kept in UTC
        assert visit.gps_accuracy_m == Decimal("12.5")
        [entry] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.site_visit")).all()
        assert entry.case_id == world["case_id"] and entry.actor_name == "field1"
        assert entry.before == {"duty_due_on": "2026-12-04"}
        assert entry.after["place"] == GOOD["place"] and entry.after["gps"] == ["36.651234", "117.123456", "12.5"]
    assert _case(world).duty_due_on != _due(world)  # the next duty is another one now
    assert world["number"] not in field.get("/work/").text  # nothing left to do on it for the station


def test_recording_without_gps_still_meets_the_duty(app: Flask, world: dict[str, Any]) -> None:
    world["clock"].now = MORNING + timedelta(days=5)  # recorded late: it is still recorded, and met
    legal = _client(app, "legal1")
    assert _post(legal, world["number"], **GOOD).status_code == 303
    panel = _panel(legal.get(f"/cases/{world['number']}").text)
    assert "已于 2026年12月3日 14:05 完成（记录人 Legal1）" in panel and "现场定位" not in panel
    with ctx():
        assert db.session.scalar(select(SiteVisit.gps_lat)) is None


@pytest.mark.parametrize(("when", "message"), [("2026-12-02T23:00", "调查时间不能早于报案日"),
                                               ("2026-12-03T18:00", "调查时间不能晚于现在"),
                                               ("", "请填写调查时间（日期和时刻）")])
def test_a_bad_time_is_refused_and_the_form_keeps_what_was_typed(app: Flask, world: dict[str, Any], when: str,
                                                                 message: str) -> None:
    field = _client(app, "field1")  # the clock: 09:30 on the day of the report
    response = _post(field, world["number"], **{**GOOD, "visited_at": when})
    assert response.status_code == 422
    assert message in response.text and GOOD["notes"] in response.text and GOOD["attendees"] in response.text
    with ctx():
        assert db.session.scalars(select(SiteVisit)).all() == []
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.site_visit")).all() == []


def test_another_unit_cannot_see_it_and_the_auditor_only_reads(app: Flask, world: dict[str, Any]) -> None:
    other = _client(app, "field2")
    assert other.get(f"/cases/{world['number']}/site-visit").status_code == 404
    assert world["number"] not in other.get("/work/").text
    auditor = _client(app, "auditor1")
    page = auditor.get(f"/cases/{world['number']}/site-visit")
    assert page.status_code == 200 and "尚未记录现场调查" in page.text and "site-visit-form" not in page.text
    token = csrf_from(auditor.get("/cases/").text)
    refused = auditor.post(f"/cases/{world['number']}/site-visit", data={"csrf_token": token, **GOOD})
    assert refused.status_code == 403
    with ctx():
        assert db.session.scalars(select(SiteVisit)).all() == []


def test_a_recheck_of_every_open_case_keeps_a_recorded_visit_met(app: Flask, world: dict[str, Any]) -> None:
    world["clock"].now = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    assert _post(_client(app, "field1"), world["number"], **GOOD).status_code == 303
    after_visit = _case(world).duty_due_on
    assert after_visit != _due(world)
    with ctx(), unit_of_work() as session:
        table = dataclasses.replace(current_table(session), version="2026.test")  # every case counts as changed
        recheck_open_cases(session, world["legal"].actor(), table=table, calendar=calendar(session),
                           now=world["clock"].now)
    assert _case(world).assessment_version == "2026.test"
    assert _case(world).duty_due_on == after_visit  # not back to the visit's due day
