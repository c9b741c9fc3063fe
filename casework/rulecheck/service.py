"""Running the legal-basis check on cases: snapshots, re-checks after a rule change, and impact previews."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.cases import deadlines
from casework.cases.models import Case
from casework.cases.workflow import after, on_change
from casework.domain.access import Actor
from casework.domain.calendar import HolidayCalendar
from casework.domain.deadlines import DEFAULT_TARGETS
from casework.domain.lifecycle import DECIDED_STATES, OPEN_STATES, Event
from casework.domain.rules import RuleTable, assess
from casework.rulecheck.models import Assessment
from casework.rulecheck.tables import calendar, current_table


def _amount(result: dict[str, Any]) -> Decimal | None:
    return None if result.get("amount") is None else Decimal(result["amount"])


def run_rule_check(session: Session, actor: Actor, case: Case, *, table: RuleTable,
                   calendar: HolidayCalendar | None, now: datetime,
                   targets: Mapping[str, int] = DEFAULT_TARGETS) -> Assessment:
    """Assess the case's facts and keep the snapshot: version, facts as evaluated, result, who, when.

    The deadlines the assessment produced become the case's deadlines.
    """
    facts = case.contract_case()
    result = assess(facts, table, calendar)
    snapshot = Assessment(case_id=case.id, rule_table_version=result["rule_table_version"], facts=facts,
                          result=result, outcome=result["outcome"], amount=_amount(result),
                          run_by_id=actor.user_id, run_by_name=actor.username, run_at=now)
    session.add(snapshot)
    before = {"outcome": case.assessment_outcome, "amount": case.assessment_amount,
              "version": case.assessment_version}
    _copy_onto_case(case, snapshot)
    deadlines.refresh(session, case, targets=targets, assessment=result)
    session.flush()
    record(session, actor, "case.rule_check", now=now, object_type="case", object_id=case.number, case_id=case.id,
           before=before if before["outcome"] else None,
           after={"outcome": snapshot.outcome, "amount": snapshot.amount, "version": snapshot.rule_table_version})
    return snapshot


@after(Event.SUBMIT)
def check_on_submit(session: Session, actor: Actor, case: Case, now: datetime, targets: Mapping[str, int]) -> None:
    """Submitting a claim runs the check at once, so the officer who opens it sees the outcome."""
    run_rule_check(session, actor, case, table=current_table(session), calendar=calendar(session), now=now,
                   targets=targets)


@on_change
def recheck_on_change(session: Session, actor: Actor, case: Case, now: datetime, targets: Mapping[str, int]) -> None:
    """Once a case has been checked, corrected facts are checked again: outcome and deadlines follow them."""
    if case.assessment_outcome is not None:
        run_rule_check(session, actor, case, table=current_table(session), calendar=calendar(session), now=now,
                       targets=targets)


def _copy_onto_case(case: Case, snapshot: Assessment) -> None:
    case.assessment_outcome = snapshot.outcome
    case.assessment_amount = snapshot.amount
    case.assessment_version = snapshot.rule_table_version
    case.assessed_at = snapshot.run_at


def latest_assessment(session: Session, case_id: int) -> Assessment | None:
    row: Assessment | None = session.scalar(
        select(Assessment).where(Assessment.case_id == case_id).order_by(Assessment.id.desc()).limit(1))
    return row


def assessment_count(session: Session, case_id: int) -> int:
    return len(session.scalars(select(Assessment.id).where(Assessment.case_id == case_id)).all())


@dataclass(frozen=True)
class Change:
    number: str
    state: str
    old_outcome: str | None
    old_amount: Decimal | None
    new_outcome: str
    new_amount: Decimal | None


def _batches(session: Session, query: Any, size: int = 1000) -> Iterator[list[Case]]:
    """Cases in id order, a batch at a time, so memory stays flat however many there are."""
    last = 0
    while True:
        batch = list(session.scalars(query.where(Case.id > last).order_by(Case.id).limit(size)))
        if not batch:
            return
        yield batch
        last = batch[-1].id
        session.expunge_all()


def impact(session: Session, *, current: RuleTable, proposed: RuleTable, calendar: HolidayCalendar | None,
           now: datetime) -> list[Change]:
    """Open cases and cases decided in the last 12 months whose outcome or amount the proposal changes."""
    since = now - timedelta(days=365)
    query = select(Case).where(or_(Case.state.in_([s.value for s in OPEN_STATES - DECIDED_STATES]),
                                   Case.state.in_([s.value for s in DECIDED_STATES]) & (Case.updated_at >= since)))
    changes = []
    for batch in _batches(session, query):
        for case in batch:
            facts = case.contract_case()
            old, new = assess(facts, current, calendar), assess(facts, proposed, calendar)
            if (old["outcome"], old["amount"]) != (new["outcome"], new["amount"]):
                changes.append(Change(case.number, case.state, old["outcome"], _amount(old), new["outcome"],
                                      _amount(new)))
    return changes


@dataclass
class RecheckReport:
    checked: int = 0
    changed: list[Change] | None = None


def recheck_open_cases(session: Session, actor: Actor, *, table: RuleTable, calendar: HolidayCalendar | None,
                       now: datetime, progress: Callable[[int], None] = lambda n: None) -> RecheckReport:
    """Re-run every open case against `table`; a case whose result changed gets a new snapshot."""
    report = RecheckReport(changed=[])
    query = select(Case).where(Case.state.in_([s.value for s in OPEN_STATES]))
    for batch in _batches(session, query):
        for case in batch:
            facts = case.contract_case()
            result = assess(facts, table, calendar)
            new_amount = _amount(result)
            if (result["outcome"], new_amount, result["rule_table_version"]) != (
                    case.assessment_outcome, case.assessment_amount, case.assessment_version):
                if (result["outcome"], new_amount) != (case.assessment_outcome, case.assessment_amount):
                    change = Change(case.number, case.state, case.assessment_outcome, case.assessment_amount,
                                    result["outcome"], new_amount)
                    report.changed.append(change)  # type: ignore[union-attr]
                    record(session, actor, "case.rule_check", now=now, object_type="case", object_id=case.number,
                           case_id=case.id, before={"outcome": change.old_outcome, "amount": change.old_amount},
                           after={"outcome": change.new_outcome, "amount": change.new_amount,
                                  "version": result["rule_table_version"]})
                snapshot = Assessment(case_id=case.id, rule_table_version=result["rule_table_version"], facts=facts,
                                      result=result, outcome=result["outcome"], amount=new_amount,
                                      run_by_id=actor.user_id, run_by_name=actor.username, run_at=now)
                session.add(snapshot)
                _copy_onto_case(case, snapshot)
                deadlines.refresh(session, case, targets=DEFAULT_TARGETS, assessment=result)
        session.flush()
        report.checked += len(batch)
        progress(len(batch))
    record(session, actor, "rules.recheck", now=now, object_type="rule_table", object_id=table.version,
           after={"checked": report.checked, "changed": len(report.changed or [])})
    return report
