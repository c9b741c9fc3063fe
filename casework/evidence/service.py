"""Use cases on evidence: keep received files, find them within the viewer's scope, withdraw, waive, and
what the checklist still misses. Every change and every read of a file is written to the audit trail."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from casework.audit.service import record
from casework.cases.models import Case
from casework.cases.service import find_case
from casework.domain.access import Actor, Role
from casework.domain.evidence import kinds_for, missing
from casework.domain.lifecycle import NOT_REPORTED
from casework.evidence.inspect import Inspection
from casework.evidence.models import Evidence, EvidenceWaiver
from casework.evidence.receive import Part
from casework.infra.storage import Store

LEGAL = (Role.LEGAL, Role.LEGAL_HEAD)


class EvidenceError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Accepted:
    """A received file whose content passed inspection, with its thumbnail when it is an image."""

    part: Part
    inspection: Inspection
    thumbnail: bytes | None = None


@dataclass(frozen=True)
class Kept:
    name: str
    evidence: Evidence
    duplicate: bool  # the case already held these bytes: nothing new was stored


def thumbnail_name(sha256: str) -> str:
    return f"{sha256}.jpg"


def add_files(session: Session, actor: Actor, case: Case, store: Store, files: Sequence[Accepted], *, kind: str,
              note: str, now: datetime) -> list[Kept]:
    """Promote each file into the store, then add its row and audit entry (the caller commits all or none).

    Bytes the case already holds are recognised and not stored twice; the same upload sent twice
    concurrently ends as one row (the second insert hits the unique key and becomes a duplicate).
    """
    if kind not in kinds_for(case.category):
        raise EvidenceError("kind")
    kept: list[Kept] = []
    for accepted in files:
        part = accepted.part
        existing = _held(session, case.id, part.sha256)
        if existing is not None:
            part.staging.discard()
            kept.append(Kept(part.name, existing, True))
            continue
        store.promote(part.staging, part.sha256)  # file first: a row never exists without its bytes
        if accepted.thumbnail is not None:
            store.put_derived(thumbnail_name(part.sha256), accepted.thumbnail)
        found = accepted.inspection
        meta: dict[str, Any] = {"width": found.width, "height": found.height, "taken_at": found.taken_at,
                                "gps": list(found.gps) if found.gps else None, "flags": list(found.flags)}
        row = Evidence(public_id=secrets.token_urlsafe(16), case_id=case.id, kind=kind, note=note or None,
                       original_name=part.name, size=part.staging.size, sha256=part.sha256,
                       media_type=found.media_type, meta={k: v for k, v in meta.items() if v},
                       has_thumbnail=accepted.thumbnail is not None, uploaded_by_id=actor.user_id,
                       uploaded_at=now)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:  # a concurrent copy of this upload committed first
            existing = _held(session, case.id, part.sha256)
            assert existing is not None
            kept.append(Kept(part.name, existing, True))
            continue
        record(session, actor, "evidence.upload", now=now, object_type="evidence", object_id=row.public_id,
               case_id=case.id, after={"kind": kind, "name": part.name, "size": row.size, "sha256": row.sha256,
                                       "media_type": row.media_type})
        kept.append(Kept(part.name, row, False))
    return kept


def _held(session: Session, case_id: int, sha256: str) -> Evidence | None:
    return session.scalar(select(Evidence).where(Evidence.case_id == case_id, Evidence.sha256 == sha256))


def items(session: Session, case: Case) -> list[Evidence]:
    return list(session.scalars(select(Evidence).where(Evidence.case_id == case.id)
                                .order_by(Evidence.uploaded_at, Evidence.id)))


def present(session: Session, case_id: int) -> dict[str, int]:
    """Files per kind, withdrawn ones not counted."""
    rows = session.execute(select(Evidence.kind, func.count()).where(
        Evidence.case_id == case_id, Evidence.withdrawn_at.is_(None)).group_by(Evidence.kind))
    return {kind: count for kind, count in rows}


def waivers(session: Session, case_id: int) -> dict[str, EvidenceWaiver]:
    """The waivers in force, by kind."""
    rows = session.scalars(select(EvidenceWaiver).where(EvidenceWaiver.case_id == case_id,
                                                        EvidenceWaiver.revoked_at.is_(None)))
    return {w.kind: w for w in rows}


def missing_for(case: Case) -> tuple[str, ...]:
    """The required kinds this case has neither a file nor a waiver for (the lifecycle's evidence guard)."""
    session = object_session(case)
    if session is None or case.id is None:
        return (NOT_REPORTED,)  # nothing to count with: not complete (fail closed)
    return missing(case.category, present(session, case.id), waivers(session, case.id))


def guard_view(case: Case, actor: Actor) -> dict[str, Any]:
    return {"missing_evidence": missing_for(case)}


def find_evidence(session: Session, actor: Actor, number: str, public_id: str) -> tuple[Evidence | None, bool]:
    """An evidence item of a case the actor may see, and whether the id exists elsewhere: such an id is
    treated as missing, and the caller audits the attempt (someone is trying ids)."""
    case = find_case(session, actor, number)
    row = session.scalar(select(Evidence).where(Evidence.public_id == public_id)) if len(public_id) < 64 else None
    if row is None:
        return None, False
    if case is not None and row.case_id == case.id:
        return row, False
    return None, True


def log_denied(session: Session, actor: Actor, number: str, public_id: str, *, now: datetime) -> None:
    record(session, actor, "evidence.denied", now=now, object_type="evidence", object_id=public_id,
           after={"case": number})


def log_read(session: Session, actor: Actor, row: Evidence, action: str, *, now: datetime) -> None:
    """A view or download of a file: reads of evidence are on the record too (ASVS L3, RELIABILITY L2)."""
    record(session, actor, action, now=now, object_type="evidence", object_id=row.public_id, case_id=row.case_id,
           after={"name": row.original_name, "sha256": row.sha256})


def may_withdraw(actor: Actor, row: Evidence) -> bool:
    return actor.role in LEGAL or actor.user_id == row.uploaded_by_id


def withdraw(session: Session, actor: Actor, row: Evidence, reason: str, *, now: datetime) -> None:
    """Mark a wrong file withdrawn. It stays: visible struck through, downloadable, in every dossier."""
    reason = reason.strip()
    if not reason:
        raise EvidenceError("reason")
    if row.withdrawn_at is not None:
        raise EvidenceError("already_withdrawn")
    if not may_withdraw(actor, row):
        raise EvidenceError("not_allowed")
    row.withdrawn_at, row.withdrawn_by_id, row.withdraw_reason = now, actor.user_id, reason
    record(session, actor, "evidence.withdraw", now=now, object_type="evidence", object_id=row.public_id,
           case_id=row.case_id, before={"withdrawn": False}, after={"withdrawn": True, "reason": reason,
                                                                    "name": row.original_name})


def waive(session: Session, actor: Actor, case: Case, kind: str, reason: str, *, now: datetime) -> EvidenceWaiver:
    """A legal officer decides a required item is not needed for this case; the reason is kept."""
    reason = reason.strip()
    if actor.role not in LEGAL:
        raise EvidenceError("not_allowed")
    if not reason:
        raise EvidenceError("reason")
    if kind not in kinds_for(case.category) or kind in waivers(session, case.id):
        raise EvidenceError("kind")
    waiver = EvidenceWaiver(case_id=case.id, kind=kind, reason=reason, waived_by_id=actor.user_id, waived_at=now)
    session.add(waiver)
    record(session, actor, "evidence.waive", now=now, object_type="case", object_id=case.number, case_id=case.id,
           after={"kind": kind, "reason": reason})
    return waiver


def revoke_waiver(session: Session, actor: Actor, case: Case, kind: str, *, now: datetime) -> None:
    waiver = waivers(session, case.id).get(kind)
    if actor.role not in LEGAL:
        raise EvidenceError("not_allowed")
    if waiver is None:
        raise EvidenceError("kind")
    waiver.revoked_at, waiver.revoked_by_id = now, actor.user_id
    record(session, actor, "evidence.unwaive", now=now, object_type="case", object_id=case.number,
           case_id=case.id, before={"kind": kind, "reason": waiver.reason}, after={"kind": kind})
