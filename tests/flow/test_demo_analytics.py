"""The demo shows what the analytics look for (issue 16): repeats at a few places of the grid, a goodwill payment
followed by copycat claims, lawsuits won and lost, decisions and site visits spread over the last 18 months;
every place is in the imported asset register, the audit chain holds, and the summary needs no correction."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from casework.assets.models import Asset, AssetRegister
from casework.auth.models import User
from casework.cases.models import Case, CaseDeadline
from casework.cases.site_visit import KIND, SiteVisit
from casework.decision.models import LitigationEntry, Payment
from casework.infra.db import db, utcnow
from casework.ui.filters import SHANGHAI
from tests.factories import ctx


@pytest.fixture
def demo(app: Flask) -> dict[str, Any]:
    runner = app.test_cli_runner()
    loaded = runner.invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output
    with ctx():
        cases = list(db.session.scalars(select(Case)))
        for case in cases:
            db.session.expunge(case)
    return {"runner": runner, "output": loaded.output, "cases": cases,
            "today": utcnow().astimezone(SHANGHAI).date()}


def _registered(case: Case) -> date:
    assert case.registered_at is not None
    return case.registered_at.astimezone(SHANGHAI).date()


def _within_a_year(demo: dict[str, Any], **where: str) -> Counter[str]:
    """Claims by category at the place `where` names, registered in the last 12 months."""
    since = demo["today"] - timedelta(days=365)
    return Counter(c.category for c in demo["cases"] if c.registered_at and _registered(c) > since
                   and all(getattr(c, k) == v for k, v in where.items()))


def test_after_the_demo_the_summary_rebuild_has_nothing_to_correct(demo: dict[str, Any]) -> None:
    assert f"{len(demo['cases'])} cases" in demo["output"] and len(demo["cases"]) == 64
    rebuilt = demo["runner"].invoke(args=["analytics", "rebuild"])
    assert rebuilt.exit_code == 0 and "nothing to correct" in rebuilt.output, rebuilt.output
    assert "already loaded" in demo["runner"].invoke(args=["demo"]).output
    verified = demo["runner"].invoke(args=["audit", "verify"])  # every step was audited at its own moment
    assert verified.exit_code == 0 and "FAILED" not in verified.output, verified.output


def test_claims_keep_coming_from_a_few_places_and_others_have_one_or_two(demo: dict[str, Any]) -> None:
    assert _within_a_year(demo, grid_district="河西村台区")["appliance"] == 4  # a fifth, 14 months ago, is older
    assert sum(1 for c in demo["cases"] if c.grid_district == "河西村台区" and c.category == "appliance") == 5
    assert _within_a_year(demo, grid_district="杨庄村台区")["appliance"] >= 3
    assert _within_a_year(demo, grid_line="10kV石桥线")["outage"] == 3
    assert _within_a_year(demo, grid_tower="青山线#17")["trees"] == 3
    assert _within_a_year(demo, grid_district="石桥村台区")["outage"] == 2  # one short of the line's count
    assert _within_a_year(demo, grid_district="桃园村台区")["appliance"] == 2
    assert _within_a_year(demo, grid_district="白水镇南街台区")["power_quality"] == 1
    district_counts = Counter((c.grid_district, c.category) for c in demo["cases"] if c.grid_district)
    repeats = {place for (place, _), n in district_counts.items() if n >= 3}
    assert repeats == {"河西村台区", "杨庄村台区"}  # no repeat the patterns did not make
    with ctx():
        head = db.session.scalar(select(User).where(User.username == "demo.head"))
        registered = set(db.session.scalars(select(Asset.name).join(AssetRegister).where(
            AssetRegister.is_current.is_(True))))
        assert head is not None
        scope = head.unit.path
    places = {p for c in demo["cases"] for p in (c.grid_line, c.grid_district, c.grid_tower) if p}
    assert places <= registered and "河西村台区" in registered and "杨庄村台区" in registered
    assert all(c.unit_path.startswith(scope) for c in demo["cases"]
               if c.grid_district in ("河西村台区", "杨庄村台区") or c.grid_tower == "青山线#17")


def test_a_goodwill_payment_is_followed_by_copycat_claims(demo: dict[str, Any]) -> None:
    goodwill = [c for c in demo["cases"] if c.goodwill_payment]
    assert len(goodwill) == 1
    paid = goodwill[0]
    assert (paid.grid_district, paid.category, paid.state) == ("杨庄村台区", "appliance", "paid")
    assert paid.paid_amount and paid.assessment_amount and paid.paid_amount > paid.assessment_amount
    assert paid.paid_on is not None
    six_months = timedelta(days=183)
    first = min(_registered(c) for c in demo["cases"] if c.registered_at)
    assert paid.paid_on - six_months >= first  # the window fits inside the data
    assert paid.paid_on + six_months <= demo["today"]
    same = [_registered(c) for c in demo["cases"] if c.id != paid.id and c.grid_district == "杨庄村台区"
            and c.category == "appliance"]
    before = [d for d in same if paid.paid_on - six_months <= d < paid.paid_on]
    after = [d for d in same if paid.paid_on < d <= paid.paid_on + six_months]
    assert len(before) == 2 and len(after) == 6


def test_lawsuits_were_won_lost_and_mediated(demo: dict[str, Any]) -> None:
    with ctx():
        judged = {e.result: (e.amount, e.case_id) for e in db.session.scalars(
            select(LitigationEntry).where(LitigationEntry.kind == "judgment"))}
    assert set(judged) == {"won", "lost", "mediated"}
    assert judged["won"][0] == 0 and judged["lost"][0] and judged["lost"][0] > 0
    in_court = {c.id: c for c in demo["cases"] if c.decision_kind == "court"}
    assert all(in_court[case_id].state == "judged" for _, case_id in judged.values())


def test_decisions_and_site_visits_are_spread_over_the_last_year_and_a_half(demo: dict[str, Any]) -> None:
    decided = [c for c in demo["cases"] if c.decided_on]
    assert {c.decision_kind for c in decided} == {"settled", "rejected", "court"}
    months = {(c.decided_on.year, c.decided_on.month) for c in decided if c.decided_on}
    assert len(months) >= 12
    assert min(c.decided_on for c in decided if c.decided_on) >= demo["today"] - timedelta(days=18 * 31)
    with ctx():
        assert len(list(db.session.scalars(select(Payment)))) >= 15
        due = {case_id: on for case_id, on in db.session.execute(
            select(CaseDeadline.case_id, CaseDeadline.due_on).where(CaseDeadline.kind == KIND))}
        first: dict[int, date] = {}
        for visit in db.session.scalars(select(SiteVisit).order_by(SiteVisit.visited_at)):
            first.setdefault(visit.case_id, visit.visited_at.astimezone(SHANGHAI).date())
    on_time = [i for i, day in first.items() if i in due and day <= due[i]]
    late = [i for i, day in first.items() if i in due and day > due[i]]
    assert len(on_time) >= 10 and len(late) >= 3  # the 24-hour duty binds the supply claims (家电办法第四条)
