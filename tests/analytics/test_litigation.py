"""The litigation page counts the view's cases sent to court by result (the latest judgment's), by cause (the
escalation's 案由, else the category) and by unit, with the amounts claimed and awarded to the fen — hand-computed
answers through real HTTP; a county officer sees only the county."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook

from casework.cases.models import Case
from casework.decision.models import LitigationEntry, Proposal
from casework.domain.access import Role
from casework.domain.lifecycle import State
from casework.infra.db import unit_of_work
from tests.analytics.test_overview import _table
from tests.factories import ctx, login, make_case, make_units, make_user

PERIOD = "from=2025-01&to=2025-12"
REGISTERED = datetime(2025, 5, 1, tzinfo=UTC)


def _suit(unit: Any, by: Any, *, claimed: str, cause: str | None, judgments: tuple[tuple[str | None, str], ...] = (),
          state: State = State.JUDGED, decision: str = "court", category: str = "appliance",
          registered_at: datetime = REGISTERED) -> None:
    """A case sent to court (an approved escalation with its 案由) and its judgments (result, amount awarded)."""
    case = make_case(unit, by, category=category, claimed_amount=Decimal(claimed))
    with ctx(), unit_of_work() as session:
        row = session.get(Case, case.id)
        assert row is not None
        row.state, row.decision_kind, row.decided_on, row.registered_at = state, decision, date(2025, 6, 1), registered_at
        session.add(Proposal(case_id=case.id, kind="escalate" if decision == "court" else "settle", status="approved",
                             proposed_by_id=by.id, proposed_at=registered_at, needs_role="legal_head", cause=cause))
        for result, amount in judgments:
            session.add(LitigationEntry(case_id=case.id, kind="judgment", on=date(2025, 9, 1), text="判决",
                                        amount=Decimal(amount), result=result, recorded_by_id=by.id,
                                        recorded_at=registered_at))
            session.flush()


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    field1, field2 = make_user("field1", Role.FIELD, units["S1"]), make_user("field2", Role.FIELD, units["S2"])
    make_user("audit1", Role.AUDITOR, units["P"])
    make_user("legal1", Role.LEGAL, units["K1"])
    _suit(units["S1"], field1, claimed="10000.50", cause="  财产损害赔偿纠纷 ", judgments=(("won", "1000.25"),))
    # Lost at first instance, partly won on appeal: the latest judgment counts.
    _suit(units["S1"], field1, claimed="5000.00", cause="财产损害赔偿纠纷",
          judgments=(("lost", "5000.00"), ("partly", "2500.10")))
    _suit(units["S2"], field2, claimed="800.00", cause=None, state=State.IN_LITIGATION, category="crop")
    _suit(units["S2"], field2, claimed="3000.00", cause="触电人身损害责任纠纷", judgments=(("mediated", "1200.00"),),
          category="injury")
    # Not in court, or registered before the period: not counted.
    _suit(units["S1"], field1, claimed="99.00", cause=None, decision="settled", state=State.SETTLED)
    _suit(units["S1"], field1, claimed="77.00", cause="x", judgments=(("won", "1.00"),),
          registered_at=datetime(2024, 12, 1, tzinfo=UTC))
    return {"units": units}


def test_suits_by_result_with_amounts_claimed_and_awarded(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    page = client.get(f"/analytics/litigation?{PERIOD}")
    assert page.status_code == 200
    assert [row[:5] for row in _table(page.text, "results")] == [
        ["胜诉", "1", "¥10,000.50", "¥10,000.50", "¥1,000.25"],
        ["部分胜诉", "1", "¥5,000.00", "¥5,000.00", "¥2,500.10"],
        ["调解或撤诉结案", "1", "¥3,000.00", "¥3,000.00", "¥1,200.00"],
        ["审理中", "1", "¥800.00", "¥0.00", "¥0.00"]]


def test_suits_by_cause_typed_or_by_category(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    html = client.get(f"/analytics/litigation?{PERIOD}").text
    # cause, cases, won, partly, lost, settled, pending, unrecorded, claimed, judged claimed, awarded
    assert _table(html, "by_cause") == [
        ["财产损害赔偿纠纷", "2", "1", "1", "0", "0", "0", "0", "¥15,000.50", "¥15,000.50", "¥3,500.35"],
        ["触电人身损害责任纠纷", "1", "0", "0", "0", "1", "0", "0", "¥3,000.00", "¥3,000.00", "¥1,200.00"],
        ["未填案由：青苗补偿", "1", "0", "0", "0", "0", "1", "0", "¥800.00", "¥0.00", "¥0.00"]]


def test_suits_by_unit_link_to_the_units_cases_in_court(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    html = client.get(f"/analytics/litigation?{PERIOD}").text
    by_unit = _table(html, "by_unit")
    assert [row[:2] + row[8:11] for row in by_unit] == [["单位C1", "2", "¥15,000.50", "¥15,000.50", "¥3,500.35"],
                                                        ["单位C2", "2", "¥3,800.00", "¥3,000.00", "¥1,200.00"]]
    import re

    links = [link.replace("&amp;", "&") for link in re.findall(r'href="(/cases/\?[^"]*decision=court[^"]*)"', html)]
    unit_link = next(link for link in links if f"unit={world['units']['C1'].id}" in link)
    assert "共 2 件" in client.get(unit_link).text
    pending = next(link for link in links if "state=in_litigation" in link)
    assert "共 1 件" in client.get(pending).text


def test_a_county_officer_counts_only_the_countys_suits(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "legal1")
    html = client.get(f"/analytics/litigation?{PERIOD}").text
    assert [row[:2] for row in _table(html, "results")] == [["胜诉", "1"], ["部分胜诉", "1"]]


def test_the_workbook_holds_the_amounts_as_numbers(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    book = load_workbook(io.BytesIO(client.get(f"/analytics/litigation.xlsx?{PERIOD}").data))
    sheet = book[book.sheetnames[0]]
    assert [c.value for c in sheet[2]][:5] == ["胜诉", 1, 10000.5, 10000.5, 1000.25]
    assert [c.value for c in sheet[5]][:5] == ["审理中", 1, 800, 0, 0]
