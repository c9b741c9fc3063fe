"""Demo work for every role (issue 14): the site visits the stations made, and proposals waiting for the head.

Cases past registration had their visit (recorded the day of the report, 10:00 Beijing time); the registered
ones have not, so the station opens on visits due. Cases the demo puts in 待审批 get the proposal that put
them there, so the head opens on approvals."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cases import deadlines
from casework.cases.models import Case
from casework.cases.site_visit import SiteVisit
from casework.decision.models import Proposal
from casework.domain.deadlines import DEFAULT_TARGETS
from casework.domain.decision import approver
from casework.domain.lifecycle import State
from casework.rulecheck.present import applied_rules
from casework.rulecheck.service import latest_assessment, table_of
from casework.ui.filters import SHANGHAI

_NOT_VISITED = (State.DRAFT, State.REGISTERED)


def add_demo_work(session: Session, *, field: Any, legal: Any, threshold: Decimal, now: datetime) -> None:
    session.flush()
    for case in session.scalars(select(Case).where(Case.description.contains("示范数据")).order_by(Case.id)):
        if case.state not in _NOT_VISITED and case.reported_on is not None:
            when = datetime.combine(case.reported_on, time(10, 0), tzinfo=SHANGHAI)
            session.add(SiteVisit(case_id=case.id, visited_at=min(when, now), visitors=field.display_name,
                                  place=case.address or case.unit.name, attendees="村委会干部在场",
                                  notes="示范数据：已查看现场并拍照，登记笔录由用户签字确认。",
                                  recorded_by_id=field.id, recorded_at=now))
        if case.state is State.DECISION_PENDING:
            _proposal(session, case, legal, threshold, now)
    session.flush()
    for case in session.scalars(select(Case).where(Case.description.contains("示范数据"))):
        deadlines.refresh(session, case, targets=DEFAULT_TARGETS)


def _proposal(session: Session, case: Case, legal: Any, threshold: Decimal, now: datetime) -> None:
    settle = bool(case.assessment_amount and case.assessment_amount > 0)
    kind = "settle" if settle else "reject"
    grounds: list[dict[str, Any]] = []
    snapshot = latest_assessment(session, case.id)
    if not settle and snapshot is not None:
        grounds = [{"rule": r.rule_id, "title": r.title, "citation": r.citation, "quote": r.quote}
                   for r in applied_rules(table_of(session, snapshot.rule_table_version), snapshot.result)]
    amount = case.assessment_amount if settle else None
    session.add(Proposal(
        case_id=case.id, kind=kind, status="open", proposed_by_id=legal.id, proposed_at=now,
        assessment_outcome=case.assessment_outcome, assessed_amount=case.assessment_amount,
        claimed_amount=case.claimed_amount, amount=amount, payee=case.claimant_name if settle else None,
        bank_account=case.claimant_bank_account if settle else None,
        payment_method="bank_transfer" if settle else None, terms=[], grounds=grounds,
        needs_role=approver(kind, amount, goodwill=False, threshold=threshold).value))
