"""Keeping a case's deadlines: the ones its latest assessment produced plus internal service targets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from casework.cases.models import Case, CaseDeadline
from casework.domain.deadlines import Deadline, from_assessment, internal_targets, next_duty


def _rows(session: Session, case: Case) -> list[Deadline]:
    return [Deadline(r.kind, r.due_on, r.citation, r.source)
            for r in session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == case.id))]


def refresh(session: Session, case: Case, *, targets: Mapping[str, int],
            assessment: Mapping[str, Any] | None = None) -> list[Deadline]:
    """Recompute the case's deadlines; the rule ones only when a new assessment is given."""
    current = _rows(session, case)
    rule = from_assessment(assessment) if assessment is not None else [d for d in current if d.source == "rule"]
    internal = internal_targets(reported_on=case.reported_on, complete_on=case.complete_on, targets=targets)
    wanted = rule + internal
    if sorted(map(repr, wanted)) != sorted(map(repr, current)):
        session.execute(delete(CaseDeadline).where(CaseDeadline.case_id == case.id))
        session.add_all(CaseDeadline(case_id=case.id, kind=d.kind, due_on=d.due, source=d.source,
                                     citation=dict(d.citation) if d.citation else None) for d in wanted)
    case.duty_due_on = next_duty(wanted, case.state, done=done(session, case))
    return wanted


def done(session: Session, case: Case) -> frozenset[str]:
    """The recorded duties whose action is on the case (today: the site visit)."""
    from casework.cases.site_visit import KIND, visited  # the visit module builds on this one

    return frozenset({KIND}) if case.id is not None and visited(session, case.id) else frozenset()


def of_case(session: Session, case: Case) -> list[Deadline]:
    return sorted(_rows(session, case), key=lambda d: d.due)
