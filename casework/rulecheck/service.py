"""Running the legal-basis check on cases: snapshots, re-checks after a rule change, and impact previews."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from casework.audit.service import record, record_many
from casework.cases import deadlines, summary
from casework.cases.models import CONTRACT_COLUMNS, Case, CaseDeadline, contract_case
from casework.cases.site_visit import visited_among
from casework.domain.access import Actor
from casework.domain.calendar import HolidayCalendar
from casework.domain.deadlines import DEFAULT_TARGETS, from_assessment, internal_targets, next_duty
from casework.domain.lifecycle import OPEN_STATES, State
from casework.domain.rules import RuleTable, assess, load_bundled_table
from casework.rulecheck.models import Assessment
from casework.ruletable.impact import Change, amount_of
from casework.ruletable.models import RuleTableVersion
from casework.ruletable.store import calendar, current_table, parse


def run_rule_check(session: Session, actor: Actor, case: Case, *, table: RuleTable,
                   calendar: HolidayCalendar | None, now: datetime,
                   targets: Mapping[str, int] = DEFAULT_TARGETS) -> Assessment:
    """Assess the case's facts and keep the snapshot: version, facts as evaluated, result, who, when.

    The deadlines the assessment produced become the case's deadlines.
    """
    facts = case.contract_case()
    result = assess(facts, table, calendar)
    snapshot = Assessment(case_id=case.id, rule_table_version=result["rule_table_version"], facts=facts,
                          result=result, outcome=result["outcome"], amount=amount_of(result),
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


def check_on_submit(session: Session, actor: Actor, case: Case, now: datetime, targets: Mapping[str, int]) -> None:
    """Submitting a claim runs the check at once, so the officer who opens it sees the outcome."""
    run_rule_check(session, actor, case, table=current_table(session), calendar=calendar(session), now=now,
                   targets=targets)


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


def table_of(session: Session, version: str) -> RuleTable:
    """The table a snapshot was made with, so its quotes are the ones that applied then."""
    row = session.scalar(select(RuleTableVersion).where(RuleTableVersion.version == version))
    return parse(row) if row else load_bundled_table()


def latest_assessment(session: Session, case_id: int) -> Assessment | None:
    row: Assessment | None = session.scalar(
        select(Assessment).where(Assessment.case_id == case_id).order_by(Assessment.id.desc()).limit(1))
    return row


def assessment_count(session: Session, case_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Assessment).where(Assessment.case_id == case_id)) or 0


@dataclass
class RecheckReport:
    checked: int = 0
    changed: int = 0


def recheck_open_cases(session: Session, actor: Actor, *, table: RuleTable, calendar: HolidayCalendar | None,
                       now: datetime, targets: Mapping[str, int] = DEFAULT_TARGETS,
                       progress: Callable[[int], None] = lambda n: None,
                       on_change: Callable[[Change], None] = lambda c: None) -> RecheckReport:
    """Re-run every open case against `table`; a case whose result changed gets a new snapshot.

    Works on rows in batches with bulk writes — 100,000 cases must take seconds, not hours — and
    reports each changed outcome or amount through `on_change` instead of keeping them all.
    """
    report = RecheckReport()
    open_states = [s.value for s in OPEN_STATES]
    columns = (Case.id, Case.number, Case.state, Case.complete_on, Case.assessment_outcome, Case.assessment_amount,
               Case.assessment_version, *CONTRACT_COLUMNS)
    last = 0
    while True:
        rows = session.execute(select(*columns).where(Case.state.in_(open_states), Case.id > last)
                               .order_by(Case.id).limit(2000)).all()
        if not rows:
            break
        last = rows[-1].id
        _recheck_batch(session, actor, rows, table, calendar, now, targets, report, on_change)
        report.checked += len(rows)
        progress(len(rows))
    record(session, actor, "rules.recheck", now=now, object_type="rule_table", object_id=table.version,
           after={"checked": report.checked, "changed": report.changed})
    return report


def _recheck_batch(session: Session, actor: Actor, rows: Any, table: RuleTable, calendar: HolidayCalendar | None,
                   now: datetime, targets: Mapping[str, int], report: RecheckReport,
                   on_change: Callable[[Change], None]) -> None:
    snapshots, updates, new_deadlines, audits = [], [], [], []
    rows = list(rows)
    visited = visited_among(session, [row.id for row in rows])  # a recorded visit stays met (issue 14)
    for row in rows:
        facts = contract_case(row.category, row.circumstances, row.facts, row.event_on, row.reported_on,
                              row.claimed_amount)
        result = assess(facts, table, calendar)
        amount = amount_of(result)
        if (result["outcome"], amount, result["rule_table_version"]) == (
                row.assessment_outcome, row.assessment_amount, row.assessment_version):
            continue
        snapshots.append({"case_id": row.id, "rule_table_version": result["rule_table_version"], "facts": facts,
                          "result": result, "outcome": result["outcome"], "amount": amount,
                          "run_by_id": actor.user_id, "run_by_name": actor.username, "run_at": now})
        found = from_assessment(result) + internal_targets(reported_on=row.reported_on, complete_on=row.complete_on,
                                                           targets=targets)
        updates.append({"b_id": row.id, "b_outcome": result["outcome"], "b_amount": amount,
                        "b_version": result["rule_table_version"], "b_duty": next_duty(found, State(row.state),
                                                                         done=visited.get(row.id, ()))})
        new_deadlines += [{"case_id": row.id, "kind": d.kind, "due_on": d.due, "source": d.source,
                           "citation": dict(d.citation) if d.citation else None} for d in found]
        if (result["outcome"], amount) != (row.assessment_outcome, row.assessment_amount):
            change = Change(row.number, row.state, row.assessment_outcome, row.assessment_amount, result["outcome"],
                            amount)
            report.changed += 1
            on_change(change)
            audits.append({"object_type": "case", "object_id": row.number, "case_id": row.id,
                           "before": {"outcome": change.old_outcome, "amount": change.old_amount},
                           "after": {"outcome": change.new_outcome, "amount": change.new_amount,
                                     "version": result["rule_table_version"]}})
    if not snapshots:
        return
    session.execute(insert(Assessment), snapshots)
    cases = Case.__table__
    with summary.tracking(session, [u["b_id"] for u in updates]):  # a bulk statement: the ORM's upkeep misses it
        session.execute(update(cases).where(cases.c.id == bindparam("b_id")).values(  # type: ignore[arg-type]
            assessment_outcome=bindparam("b_outcome"), assessment_amount=bindparam("b_amount"),
            assessment_version=bindparam("b_version"), assessed_at=now, duty_due_on=bindparam("b_duty")), updates)
    session.execute(delete(CaseDeadline).where(CaseDeadline.case_id.in_([u["b_id"] for u in updates])))
    if new_deadlines:
        session.execute(insert(CaseDeadline), new_deadlines)
    record_many(session, actor, "case.rule_check", audits, now=now)
