"""The handling page times each step from registration (the site visit in hours, the first check, the decision
and the payment in days) and counts the utility's deadlines met and missed, by unit and by officer — checked
against hand-computed medians, 90th percentiles and shares, through real HTTP; a county officer sees only the
county."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, select

from casework.analytics import handling_facts
from casework.cases.models import HANDLING_COLUMNS, Case, CaseDeadline
from casework.cases.site_visit import SiteVisit
from casework.decision.models import Proposal
from casework.domain.access import Role
from casework.domain.lifecycle import State
from casework.infra.db import unit_of_work
from tests.analytics.test_overview import _table
from tests.factories import ctx, login, make_case, make_units, make_user

PERIOD = "from=2025-01&to=2025-12"
LATER = date(2099, 1, 1)  # a due day not yet reached whenever the test runs


def _at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=UTC)


def _shape(case: Case, *, dues: dict[str, date], visits: tuple[datetime, ...] = (),
           proposals: tuple[tuple[str, datetime], ...] = (), **columns: Any) -> None:
    """Set a case's steps as if it had been handled then: its columns, its duties' due days, its visits and
    proposals (status, moment)."""
    with ctx(), unit_of_work() as session:
        row = session.get(Case, case.id)
        assert row is not None
        for name, value in columns.items():
            setattr(row, name, value)
        session.execute(delete(CaseDeadline).where(CaseDeadline.case_id == case.id))
        session.add_all(CaseDeadline(case_id=case.id, kind=kind, due_on=due, source="rule") for kind, due in dues.items())
        session.add_all(SiteVisit(case_id=case.id, visited_at=at, visitors="李四", place="河西村", recorded_by_id=row.created_by_id,
                                  recorded_at=at) for at in visits)
        session.add_all(Proposal(case_id=case.id, kind="settle", status=status, proposed_by_id=row.created_by_id, proposed_at=at,
                                 needs_role="legal") for status, at in proposals)


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    field1, field2 = make_user("field1", Role.FIELD, units["S1"]), make_user("field2", Role.FIELD, units["S2"])
    officer1, officer2 = make_user("legal1", Role.LEGAL, units["K1"]), make_user("legal2", Role.LEGAL, units["K2"])
    make_user("audit1", Role.AUDITOR, units["P"])
    V, F, D = "on_site_investigation", "internal_first_check", "internal_decision"
    # A (city C1, officer 1): visit after 10 h (met), check on day 2 (met), decided day 10, paid day 20, proposal met.
    a = make_case(units["S1"], field1)
    _shape(a, state=State.PAID, registered_at=_at(3, 1), assignee_id=officer1.id, checked_at=_at(3, 3, 2),
           decided_on=date(2025, 3, 11), paid_on=date(2025, 3, 21), visits=(_at(3, 1, 10), _at(3, 9)),
           proposals=(("approved", _at(3, 10)),), dues={V: date(2025, 3, 2), F: date(2025, 3, 4), D: date(2025, 3, 20)})
    # B (C1, officer 1): visit after 48 h on 3月7日, a day late; checked the same day (met); the standing proposal
    # came after the decision target (missed) — the returned one before it does not count; decided day 20.
    b = make_case(units["S1"], field1)
    _shape(b, state=State.REJECTED, registered_at=_at(3, 5, 4), assignee_id=officer1.id, checked_at=_at(3, 5, 6),
           decided_on=date(2025, 3, 25), visits=(_at(3, 7, 4),),
           proposals=(("returned", _at(3, 15)), ("approved", _at(3, 24))),
           dues={V: date(2025, 3, 6), F: date(2025, 3, 8), D: date(2025, 3, 20)})
    # C (city C2, officer 2): never visited (missed), checked on day 7 after its target (missed), decided day 10,
    # paid day 14, proposal well before a target not yet reached (met: done).
    c = make_case(units["S2"], field2)
    _shape(c, state=State.PAID, registered_at=_at(4, 1), assignee_id=officer2.id, checked_at=_at(4, 8),
           decided_on=date(2025, 4, 11), paid_on=date(2025, 4, 15), proposals=(("approved", _at(4, 10)),),
           dues={V: date(2025, 4, 2), F: date(2025, 4, 4), D: LATER})
    # D (C2, nobody assigned): nothing done; its visit is not yet due (not counted), its first check is overdue.
    d = make_case(units["S2"], field2)
    _shape(d, state=State.REGISTERED, registered_at=_at(5, 1), assignee_id=None, dues={V: LATER, F: date(2025, 5, 4)})
    # E (C1, officer 1): withdrawn before anything was done: owes nothing.
    e = make_case(units["S1"], field1)
    _shape(e, state=State.WITHDRAWN, registered_at=_at(6, 1), assignee_id=officer1.id,
           dues={V: date(2025, 6, 2), F: date(2025, 6, 4)})
    # Registered in 2024: outside the period, whatever it did.
    old = make_case(units["S1"], field1)
    _shape(old, state=State.REGISTERED, registered_at=datetime(2024, 12, 31, 15, tzinfo=UTC), assignee_id=officer1.id,
           checked_at=_at(3, 1), dues={V: date(2025, 1, 1)})
    return {"units": units, "officers": (officer1, officer2)}


def test_each_step_is_timed_from_registration_with_its_median_and_90th_percentile(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    page = client.get(f"/analytics/handling?{PERIOD}")
    assert page.status_code == 200
    # visit hours 10, 48; check days 2, 0, 7; decision days 10, 20, 10; payment days 20, 14.
    assert _table(page.text, "durations") == [
        ["登记至现场调查（小时）", "2", "29.0", "48.0"], ["登记至确认审查结论（天）", "3", "2.0", "7.0"],
        ["登记至批准决定（天）", "3", "10.0", "20.0"], ["登记至支付（天）", "2", "17.0", "20.0"]]


def test_deadlines_met_and_missed_with_the_share_met(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    html = client.get(f"/analytics/handling?{PERIOD}").text
    assert _table(html, "duties") == [["现场调查期限", "1", "2", "33.3%", "1"],
                                      ["内部时限：首次法律审查", "2", "2", "50.0%", "0"],
                                      ["内部时限：作出处理决定", "2", "1", "66.7%", "0"]]


def test_by_unit_one_level_down_and_by_officer(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    html = client.get(f"/analytics/handling?{PERIOD}").text
    # unit, cases, medians (visit h, check, decision, payment), met, missed, share, shares by duty
    assert [row[:12] for row in _table(html, "by_unit")] == [
        ["单位C1", "3", "29.0", "1.0", "15.0", "20.0", "4", "2", "66.7%", "50.0%", "100.0%", "50.0%"],
        ["单位C2", "2", "—", "7.0", "10.0", "14.0", "1", "3", "25.0%", "0.0%", "0.0%", "100.0%"]]
    officers = _table(html, "by_officer")
    assert [row[:2] + row[6:9] for row in officers] == [["Legal1", "3", "4", "2", "66.7%"],
                                                        ["Legal2", "1", "1", "2", "33.3%"],
                                                        ["未分派", "1", "0", "1", "0.0%"]]
    # An officer's row lists that officer's cases of the period; the unassigned row the unassigned ones.
    links = re.findall(r'href="(/cases/\?[^"]*assignee=[^"]*)"', html)
    officer1 = world["officers"][0]
    mine = next(link for link in links if f"assignee={officer1.id}" in link)
    assert "共 3 件" in client.get(mine.replace("&amp;", "&")).text
    nobody = next(link for link in links if "assignee=none" in link)
    assert "共 1 件" in client.get(nobody.replace("&amp;", "&")).text


def test_a_county_officer_times_only_the_county(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "legal1")
    html = client.get(f"/analytics/handling?{PERIOD}").text
    assert _table(html, "durations")[1] == ["登记至确认审查结论（天）", "2", "1.0", "2.0"]
    assert [row[0] for row in _table(html, "by_officer")] == ["Legal1"]
    assert [row[:2] for row in _table(html, "by_unit")] == [["单位S1", "3"]]


def test_the_duties_table_downloads_as_numbers(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    response = client.get(f"/analytics/handling/duties.csv?{PERIOD}")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["期限", "按期", "逾期", "按期率", "未到期未完成（不计）"]
    assert rows[1] == ["现场调查期限", "1", "2", "0.3333", "1"]


def test_each_cases_figures_are_kept_at_every_flush_as_a_fresh_computation_gives_them(app: Flask, world: dict[str, Any]) -> None:
    with ctx(), unit_of_work() as session:
        ids = list(session.scalars(select(Case.id)))
        stored = {row.id: {name: getattr(row, name) for name in HANDLING_COLUMNS}
                  for row in session.execute(select(Case.id, *(getattr(Case, n) for n in HANDLING_COLUMNS)))}
        assert stored == handling_facts.computed(session.connection(), ids)
        d = session.scalar(select(Case).where(Case.state == State.REGISTERED, Case.assignee_id.is_(None)))
        assert d is not None and d.visit_minutes is None and d.visit_duty == "open"
        session.add(SiteVisit(case_id=d.id, visited_at=d.registered_at + timedelta(hours=3), visitors="李四", place="河西村",
                              recorded_by_id=d.created_by_id, recorded_at=d.registered_at))
        session.flush()
        session.refresh(d)
        assert (d.visit_minutes, d.visit_duty) == (180, "met")
