"""`casework bench seed` leaves a data set the analytics can be measured on: the summary as a rebuild would
sum it, ten years of claims bunched at a few places, and decisions that agree with their records."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from casework.auth.models import User
from casework.cases.models import Case
from casework.cases.site_visit import SiteVisit
from casework.decision.models import LitigationEntry, Payment, Proposal
from casework.demo.decisions import RESULTS
from casework.infra.db import db
from tests.factories import load_rule_table


def _seed(app: Flask, cases: int, units: int = 40) -> None:
    load_rule_table()
    result = app.test_cli_runner().invoke(args=["bench", "seed", "--cases", str(cases), "--units", str(units)])
    assert result.exit_code == 0, result.output
    assert f"seeded {cases} cases" in result.output


def test_a_seeded_summary_leaves_nothing_for_the_rebuild_to_correct(app: Flask) -> None:
    _seed(app, 2000)
    result = app.test_cli_runner().invoke(args=["analytics", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "summed 2000 cases" in result.output
    assert "nothing to correct" in result.output


def test_seeded_claims_cover_ten_years_and_bunch_up_at_a_few_places(app: Flask) -> None:
    _seed(app, 2000, units=12)
    with app.app_context():
        rows = db.session.execute(select(Case.event_on, Case.grid_district, Case.grid_line, Case.grid_tower,
                                         Case.customer_number, Case.cause, Case.circumstances, Case.state,
                                         Case.registered_at)).all()
    years = Counter(r.event_on.year for r in rows)
    assert set(range(2016, 2026)) <= set(years) and min(years) == 2016
    share = {name: sum(getattr(r, name) is not None for r in rows) / len(rows)
             for name in ("grid_district", "grid_line", "grid_tower")}
    assert 0.65 < share["grid_district"] < 0.75 and 0.45 < share["grid_line"] < 0.55
    assert 0.25 < share["grid_tower"] < 0.35
    assert all(r.grid_line for r in rows if r.grid_tower)  # a tower stands on a line
    per_place = Counter(r.grid_district for r in rows if r.grid_district)
    busiest, *_ = per_place.most_common(1)
    assert busiest[1] >= 8 * statistics.median(per_place.values())  # hotspots, and a long tail of few claims
    assert sum(r.customer_number is not None for r in rows) > len(rows) / 3
    assert {r.cause for r in rows} == {"utility_fault", "third_party", "force_majeure", "victim_fault", "unknown"}
    assert all(r.cause == r.circumstances["cause"] for r in rows)
    assert all((r.registered_at is None) == (r.state == "draft") for r in rows)


def _by_case(rows: Any) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for row in rows:
        out.setdefault(row.case_id, []).append(row)
    return out


def test_seeded_decisions_agree_with_their_proposals_payments_and_judgments(app: Flask) -> None:
    _seed(app, 1500, units=12)
    with app.app_context():
        session = db.session
        cases = session.scalars(select(Case)).all()
        proposals = _by_case(session.scalars(select(Proposal)))
        payments = _by_case(session.scalars(select(Payment)))
        entries = _by_case(session.scalars(select(LitigationEntry)))
        heads = set(session.scalars(select(User.id).where(User.role == "legal_head")))
        visits = session.execute(select(SiteVisit.case_id, SiteVisit.visited_at)).all()
        assert session.scalar(select(func.count()).select_from(Proposal).where(Proposal.precedent_risk)) > 0
    decided = [c for c in cases if c.decision_kind]
    assert {c.decision_kind for c in decided} == {"settled", "rejected", "court"}
    for case in decided:
        approved = [p for p in proposals[case.id] if p.status == "approved"]
        assert len(approved) == 1 and approved[0].decided_by_id in heads
        assert {"settle": "settled", "reject": "rejected", "escalate": "court"}[approved[0].kind] == case.decision_kind
        assert approved[0].decided_at.date() <= case.decided_on + timedelta(days=1)
        assert case.goodwill_payment == approved[0].goodwill
        paid = sum((p.amount for p in payments.get(case.id, [])), Decimal(0))
        assert (case.paid_amount or Decimal(0)) == paid
        if case.state in ("paid",):
            assert case.paid_amount == case.settled_amount and case.paid_on >= case.decided_on
        if case.state == "judged":
            judgments = [e for e in entries[case.id] if e.kind == "judgment"]
            assert len(judgments) == 1 and judgments[0].result in RESULTS
    assert all(c.decision_kind is None for c in cases if c.state in ("draft", "registered", "decision_pending"))
    settled = [c for c in decided if c.decision_kind == "settled"]
    assert 0 < sum(c.goodwill_payment for c in settled) < len(settled) / 4  # a few goodwill payments
    registered = {c.id: c.registered_at for c in cases}
    late = [v.visited_at - registered[v.case_id] > timedelta(hours=24) for v in visits]
    assert 0 < sum(late) < len(late) / 2  # most visits within the 24 hours, some late
