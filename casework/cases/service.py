"""Use cases on the case record: open, find within the viewer's scope, and edit with optimistic locking.

The case list and its search are in `casework.cases.listing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, false, inspect, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from casework.audit.models import AuditEvent
from casework.audit.service import record
from casework.auth.models import Unit
from casework.cases.models import Case, CaseNumberCounter
from casework.cases.search import index_case
from casework.cases.workflow import changed
from casework.domain.access import Actor, case_scope
from casework.domain.contract import validate_facts
from casework.domain.deadlines import DEFAULT_TARGETS
from casework.domain.lifecycle import State, case_number
from casework.domain.personal import mask_bank_account, mask_id_number, mask_phone
from casework.infra.pii import cipher

# Fields a person edits on the case form, with how each appears in the audit trail.
EDITABLE = (
    "claimant_name", "claimant_id_number", "claimant_phone", "claimant_address", "claimant_bank_account",
    "address", "event_on", "reported_on", "claimed_amount", "description",
    "grid_line", "grid_district", "grid_tower", "customer_number", "meter_number",
)
_MASK = {"claimant_id_number": mask_id_number, "claimant_phone": mask_phone,
         "claimant_bank_account": mask_bank_account}


class CaseError(ValueError):
    def __init__(self, key: str, detail: Any = None) -> None:
        super().__init__(key)
        self.key, self.detail = key, detail


@dataclass(frozen=True)
class Conflict:
    """A stale save: the values now stored where they differ from what the user typed, and who saved since."""

    current_version: int
    fields: dict[str, tuple[Any, Any]]  # field -> (yours, stored now)
    saved_by: list[tuple[str, datetime]]


class StaleEdit(CaseError):
    def __init__(self, conflict: Conflict) -> None:
        super().__init__("stale", conflict)
        self.conflict = conflict


def audit_value(field: str, value: Any) -> Any:
    """Personal identifiers enter the audit trail masked, never in full (ASVS v5 16.2.5)."""
    if value is None:
        return None
    if field in _MASK:
        return _MASK[field](str(value))
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def next_number(session: Session, year: int) -> str:
    """Take the next number of the year atomically: concurrent openings never get the same number."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(CaseNumberCounter).values(year=year, last=0).on_conflict_do_nothing())
    seq = session.execute(
        update(CaseNumberCounter).where(CaseNumberCounter.year == year)
        .values(last=CaseNumberCounter.last + 1).returning(CaseNumberCounter.last)
    ).scalar_one()
    return case_number(year, seq)


def _set_identifiers(case: Case, field: str, value: str | None) -> None:
    setattr(case, field, value)
    if field == "claimant_id_number":
        case.claimant_id_digest = cipher().digest(value) if value else None
    elif field == "claimant_phone":
        case.claimant_phone_digest = cipher().digest(value) if value else None


def open_case(
    session: Session, actor: Actor, *, category: str, unit: Unit, claimant_name: str, now: datetime,
    state: State = State.DRAFT, facts: dict[str, Any] | None = None, circumstances: dict[str, Any] | None = None,
    **fields: Any,
) -> Case:
    facts = facts or {}
    if errors := validate_facts(category, facts):
        raise CaseError("facts_invalid", errors)
    case = Case(
        number=next_number(session, now.year), category=category, state=state.value, claimant_name=claimant_name,
        unit=unit, unit_path=unit.path, facts=facts, circumstances=circumstances or {},
        created_by_id=actor.user_id, created_at=now, updated_at=now,
    )
    for field, value in fields.items():
        if field not in EDITABLE and field not in ("gps_lat", "gps_lng", "assignee_id"):
            raise TypeError(f"unknown case field {field}")
        _set_identifiers(case, field, value)
    session.add(case)
    session.flush()
    index_case(session, case)
    record(session, actor, "case.open", now=now, object_type="case", object_id=case.number, case_id=case.id,
           after={"number": case.number, "category": category, "state": state.value, "unit": unit.code})
    return case


def scoped(actor: Actor, query: Select[Any]) -> Select[Any]:
    scope = case_scope(actor)
    if scope is None:
        return query.where(false())
    return query if scope == "/" else query.where(Case.unit_path.startswith(scope, autoescape=True))


def find_case(session: Session, actor: Actor, number: str) -> Case | None:
    """A case the actor may see; out-of-scope cases are indistinguishable from missing ones."""
    case: Case | None = session.scalar(scoped(actor, select(Case).where(Case.number == number)))
    return case


def lock_case(session: Session, case: Case) -> None:
    """Hold the case's row until the transaction ends (SELECT … FOR UPDATE; SQLite already holds its write lock),
    then read it afresh: a concurrent writer of the case waits its turn, and what this one reads next is what
    the previous writer committed. The id comes from the identity map: touching `case.id` on an expired case
    would load the row, unlocked and possibly stale, before the lock is taken."""
    identity = inspect(case).identity
    if identity is None:
        raise TypeError("lock_case needs a case that is stored")
    case_id = identity[0]
    session.execute(select(Case.id).where(Case.id == case_id).with_for_update())
    session.expire(case)


def edit_case(
    session: Session, actor: Actor, case: Case, changes: dict[str, Any], *, loaded_version: int, now: datetime,
    targets: Mapping[str, int] = DEFAULT_TARGETS,
) -> bool:
    """Apply a form's changes if nobody saved since it was loaded; otherwise raise StaleEdit.

    Identifier fields left empty keep their stored value (forms never echo full identifiers back).
    """
    if case.version != loaded_version:
        raise StaleEdit(describe_conflict(session, case, changes, loaded_version))
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for field, value in changes.items():
        if field not in EDITABLE:
            raise TypeError(f"not an editable case field: {field}")
        if field in _MASK and not value:
            continue
        old = getattr(case, field)
        if old != value:
            before[field], after[field] = audit_value(field, old), audit_value(field, value)
            _set_identifiers(case, field, value)
    if not after:
        return False
    case.updated_at = now
    session.flush()  # the version_id_col check: a concurrent save between our read and now fails here
    index_case(session, case)
    after["version"] = case.version
    record(session, actor, "case.edit", now=now, object_type="case", object_id=case.number, case_id=case.id,
           before=before, after=after)
    if {"event_on", "reported_on", "claimed_amount"} & after.keys():
        changed(session, actor, case, now, targets)
    return True


def describe_conflict(session: Session, case: Case, changes: dict[str, Any], loaded_version: int) -> Conflict:
    fields = {
        f: (audit_value(f, v), audit_value(f, getattr(case, f)))
        for f, v in changes.items()
        if f in EDITABLE and not (f in _MASK and not v) and getattr(case, f) != v
    }
    saved = session.execute(
        select(AuditEvent.actor_name, AuditEvent.at, AuditEvent.after)
        .where(AuditEvent.case_id == case.id, AuditEvent.action == "case.edit").order_by(AuditEvent.seq)
    ).all()
    saved_by = [(name, at) for name, at, after in saved if (after or {}).get("version", 0) > loaded_version]
    return Conflict(case.version, fields, saved_by)
