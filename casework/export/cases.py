"""Exporting cases: the bundle of one case (its latest sealed dossier, every original evidence file — withdrawn
ones apart — and the generated letters), and the selection of cases a batch export takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.orm import Session

from casework.audit.service import head, record
from casework.auth.models import Unit
from casework.cases.models import Case
from casework.cases.retention import RetentionAction
from casework.cases.service import scoped
from casework.decision.letters import TITLES, documents
from casework.decision.models import CaseDocument
from casework.domain.access import Actor
from casework.dossier.service import keep, render, versions
from casework.evidence.models import Evidence
from casework.export.bundle import Entry, write_bundle
from casework.export.paths import safe_path
from casework.infra.db import db, unit_of_work
from casework.infra.pdf_isolate import DEFAULT_LIMITS, RenderLimits
from casework.infra.storage import Store
from casework.ui.filters import SHANGHAI

DOSSIER, EVIDENCE, WITHDRAWN, DOCUMENTS = "dossier.pdf", "evidence", "withdrawn", "documents"


def evidence_path(item: Evidence) -> str:
    """Where an evidence file goes in its case's bundle (withdrawn files apart)."""
    return safe_path(WITHDRAWN if item.withdrawn_at else EVIDENCE, item.original_name, unique=item.public_id[:8])


def document_path(document: CaseDocument) -> str:
    """Where a generated letter goes in its case's bundle."""
    return f"{DOCUMENTS}/{TITLES.get(document.kind, document.kind)}-v{document.version}.pdf"


def _entry(store: Store, path: str, sha256: str, size: int | None = None) -> Entry:
    """The file from disk where the store has it there, else streamed from the store (an object store)."""
    local = store.local_path(sha256)
    if local is not None:
        return Entry(path, local)
    return Entry(path, partial(store.open, sha256), size=size)


def entries(session: Session, case: Case, store: Store, dossier_sha256: str) -> list[Entry]:
    """What goes into a case's bundle: the dossier, the evidence (withdrawn files apart), the letters."""
    out = [_entry(store, DOSSIER, dossier_sha256)]
    for item in session.scalars(select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.id)):
        out.append(_entry(store, evidence_path(item), item.sha256, item.size))
    for letter in documents(session, case.id):
        out.append(_entry(store, document_path(letter), letter.sha256, letter.size))
    return out


def export_case(actor: Actor, case_id: int, store: Store, folder: Path, *, now: datetime,
                limits: RenderLimits = DEFAULT_LIMITS) -> Path:
    """Write <number>.zip into `folder` and record the export (with the manifest's hash) in the audit trail.

    A case never sealed is sealed first, so every bundle has a dossier. Laying out the dossier and writing the
    ZIP only read, so they run outside any write transaction: parallel exporters queue for SQLite's write lock
    only while they add a row."""
    session = db.session()
    case = session.get(Case, case_id)
    if case is None:
        raise LookupError(f"no case {case_id}")
    sealed = versions(session, case.id)
    if sealed:
        dossier_sha256 = sealed[-1].sha256
    else:
        rendered = render(session, case, store, now=now, limits=limits)
        with unit_of_work() as work:
            dossier_sha256 = keep(work, actor, case, store, rendered).sha256
    target = folder / f"{case.number}.zip"
    manifest = write_bundle(target, entries(session, case, store, dossier_sha256), case_number=case.number,
                            exported_at=now, exporter=actor.username, audit_chain_head=head(session)[1])
    session.rollback()  # end the read, so the write below starts fresh (and, on SQLite, takes the lock at once)
    with unit_of_work() as work:
        record(work, actor, "export.case", now=now, object_type="case", object_id=case.number, case_id=case.id,
               after={"bundle": target.name, "manifest_sha256": manifest["manifest_sha256"],
                      "files": len(manifest["files"])})
    return target


def selection(actor: Actor, *, start: date | None = None, end: date | None = None, unit: Unit | None = None,
              category: str = "", outcome: str = "", retired: bool = False) -> Select[tuple[int]]:
    """The ids of the cases registered between two Beijing days (inclusive), under a unit, of a category or
    outcome, within the actor's scope; those whose files the retention schedule deleted apart (only those if
    `retired`)."""
    query = scoped(actor, select(Case.id)).where(files_retired() if retired else ~files_retired()).order_by(Case.id)
    if start is not None:
        query = query.where(Case.created_at >= datetime.combine(start, time(), tzinfo=SHANGHAI))
    if end is not None:
        query = query.where(Case.created_at < datetime.combine(end + timedelta(days=1), time(), tzinfo=SHANGHAI))
    if unit is not None:
        query = query.where(Case.unit_path.startswith(unit.path, autoescape=True))
    if category:
        query = query.where(Case.category == category)
    if outcome:
        query = query.where(Case.assessment_outcome == outcome)
    return query


def files_retired() -> ColumnElement[bool]:
    """The case's files were deleted under the retention schedule: there is no bundle left to make of it."""
    return exists().where(RetentionAction.case_id == Case.id, RetentionAction.data_class == "evidence")


@dataclass(frozen=True)
class Criteria:
    """What a batch export takes: cases registered between two Beijing days, under a unit (by code), of a
    category or an outcome. Empty means any."""

    start: date | None = None
    end: date | None = None
    unit_code: str = ""
    category: str = ""
    outcome: str = ""

    def as_json(self) -> dict[str, str]:
        return {"from": self.start.isoformat() if self.start else "", "to": self.end.isoformat() if self.end else "",
                "unit": self.unit_code, "category": self.category, "outcome": self.outcome}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Criteria:
        return cls(start=date.fromisoformat(data["from"]) if data.get("from") else None,
                   end=date.fromisoformat(data["to"]) if data.get("to") else None,
                   unit_code=data.get("unit", ""), category=data.get("category", ""),
                   outcome=data.get("outcome", ""))


def case_ids(session: Session, actor: Actor, criteria: Criteria) -> list[int]:
    """The ids of the cases the criteria select within the actor's scope. LookupError for an unknown unit."""
    unit = None
    if criteria.unit_code:
        unit = session.scalar(select(Unit).where(Unit.code == criteria.unit_code))
        if unit is None:
            raise LookupError(f"no unit {criteria.unit_code!r}")
    return list(session.scalars(selection(actor, start=criteria.start, end=criteria.end, unit=unit,
                                          category=criteria.category, outcome=criteria.outcome)))



def left_out(session: Session, actor: Actor, criteria: Criteria) -> int:
    """How many cases the criteria select whose files were deleted under the retention schedule (left out)."""
    unit = session.scalar(select(Unit).where(Unit.code == criteria.unit_code)) if criteria.unit_code else None
    chosen = selection(actor, start=criteria.start, end=criteria.end, unit=unit, category=criteria.category,
                       outcome=criteria.outcome, retired=True).order_by(None)
    return session.scalar(select(func.count()).select_from(chosen.subquery())) or 0
