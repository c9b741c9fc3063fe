"""Filing a claim: open a draft, correct it with optimistic locking, submit it (which runs the legal-basis check)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.auth.models import Unit
from casework.cases.models import CONTRACT_COLUMNS_BY_FIELD, Case
from casework.cases.search import index_case
from casework.cases.service import CaseError, StaleEdit, audit_value, describe_conflict, open_case
from casework.cases.workflow import fire
from casework.domain.access import Actor, can_edit_case, can_see_case, case_scope
from casework.domain.contract import FACT_FIELDS, TOP_FIELDS, validate_facts
from casework.domain.lifecycle import Event, State
from casework.infra.pii import cipher

# Identifiers the form never echoes back: left empty, they keep what is stored.
IDENTIFIERS = ("claimant_id_number", "claimant_phone", "claimant_bank_account")
# Contract kinds the intake form does not type in.
UNTYPED = ("date_list", "object")
_DIGESTS = {"claimant_id_number": "claimant_id_digest", "claimant_phone": "claimant_phone_digest"}


@dataclass(frozen=True)
class Intake:
    """What the intake form carries, already typed: case columns, top-level contract facts, category facts."""

    category: str
    unit_id: int
    fields: dict[str, Any]  # claimant_*, address, gps_lat/lng, event_on, reported_on, claimed_amount, description
    circumstances: dict[str, Any]  # knew_date, facility_owner, utility_maintains, cause … (contract JSON)
    facts: dict[str, Any]  # the category's facts (contract JSON)

    def contract_case(self) -> dict[str, Any]:
        """The contract's case object, through the same mapping a stored case uses (nothing is saved)."""
        columns = {column: self.fields.get(column) for column in CONTRACT_COLUMNS_BY_FIELD.values()}
        transient = Case(category=self.category, circumstances=self.circumstances, facts=self.facts, **columns)
        return transient.contract_case()


def units_in_scope(session: Session, actor: Actor) -> list[Unit]:
    """The units a claim may be filed under by this actor: their own unit and the units below it."""
    scope = case_scope(actor)
    if scope is None:
        return []
    query = select(Unit).order_by(Unit.path)
    if scope != "/":
        query = query.where(Unit.path.startswith(scope, autoescape=True))
    return list(session.scalars(query))


def save_intake(session: Session, actor: Actor, intake: Intake, *, case: Case | None, loaded_version: int,
                submit: bool, now: datetime, targets: Mapping[str, int]) -> Case:
    """Open a new draft (case None) or correct a draft; when `submit`, fire SUBMIT, which runs the check.

    A refused submission raises TransitionRefused and, in the caller's unit of work, saves nothing.
    """
    unit = session.get(Unit, intake.unit_id)
    if unit is None or not can_see_case(actor, unit.path):
        raise CaseError("unit_out_of_scope")
    if case is None:
        case = open_case(session, actor, category=intake.category, unit=unit, now=now, state=State.DRAFT,
                         facts=dict(intake.facts), circumstances=dict(intake.circumstances), **intake.fields)
    else:
        update_draft(session, actor, case, intake, unit=unit, loaded_version=loaded_version, now=now)
    if submit:
        fire(session, actor, case, Event.SUBMIT, now=now, targets=targets)
    return case


def update_draft(session: Session, actor: Actor, case: Case, intake: Intake, *, unit: Unit, loaded_version: int,
                 now: datetime) -> bool:
    """Write a corrected draft if nobody saved since the form was loaded (else StaleEdit); audit what changed."""
    if case.state != State.DRAFT.value or not can_edit_case(actor, case.unit_path, case.state):
        raise CaseError("not_editable")
    fields = {k: v for k, v in intake.fields.items() if not (k in IDENTIFIERS and not v)}
    if case.version != loaded_version:
        raise StaleEdit(describe_conflict(session, case, fields, loaded_version))
    if errors := validate_facts(case.category, intake.facts):
        raise CaseError("facts_invalid", errors)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for field, value in fields.items():
        old = getattr(case, field)
        if old != value:
            before[field], after[field] = audit_value(field, old), audit_value(field, value)
            setattr(case, field, value)
            if field in _DIGESTS:  # found again by keyed digest, never by decrypting (cases.models)
                setattr(case, _DIGESTS[field], cipher().digest(value) if value else None)
    if unit.id != case.unit_id:
        before["unit"], after["unit"] = case.unit.code, unit.code
        case.unit, case.unit_path = unit, unit.path
    for part, specs in (("circumstances", TOP_FIELDS), ("facts", FACT_FIELDS[case.category])):
        old_part = getattr(case, part) or {}
        # Keys the form has no control for (date lists, extra keys the contract allows) are kept as stored.
        new_part = {**{k: v for k, v in old_part.items() if k not in specs or specs[k].kind in UNTYPED},
                    **getattr(intake, part)}
        for key in sorted(set(old_part) | set(new_part)):
            if old_part.get(key, ...) != new_part.get(key, ...):
                before[f"{part}.{key}"], after[f"{part}.{key}"] = old_part.get(key), new_part.get(key)
        if old_part != new_part:
            setattr(case, part, dict(new_part))
    if not after:
        return False
    case.updated_at = now
    session.flush()  # the version_id_col check: a concurrent save between our read and now fails here
    after["version"] = case.version
    index_case(session, case)  # the name, address or description may have changed: searches must find it
    record(session, actor, "case.edit", now=now, object_type="case", object_id=case.number, case_id=case.id,
           before=before, after=after)
    return True
