"""Exporting cases: the bundle of one case (its latest sealed dossier, every original evidence file — withdrawn
ones apart — and the generated letters), and the selection of cases a batch export takes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from casework.audit.service import head, record
from casework.auth.models import Unit
from casework.cases.models import Case
from casework.cases.service import scoped
from casework.decision.letters import documents
from casework.documents.render import TITLES
from casework.domain.access import Actor
from casework.dossier.service import seal, versions
from casework.evidence.models import Evidence
from casework.evidence.storage import LocalStore
from casework.export.bundle import Entry, safe_path, write_bundle
from casework.formatting import SHANGHAI


def entries(session: Session, actor: Actor, case: Case, store: LocalStore, *, now: datetime) -> list[Entry]:
    """What goes into a case's bundle. A case never sealed is sealed now, so every bundle has a dossier."""
    sealed = versions(session, case.id)
    dossier = sealed[-1] if sealed else seal(session, actor, case, store, now=now)
    out = [Entry("dossier.pdf", store.local_path(dossier.sha256) or Path())]
    for item in session.scalars(select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.id)):
        folder = "withdrawn" if item.withdrawn_at else "evidence"
        out.append(Entry(safe_path(folder, item.original_name, unique=item.public_id[:8]),
                         store.local_path(item.sha256) or Path()))
    for letter in documents(session, case.id):
        out.append(Entry(f"documents/{TITLES.get(letter.kind, letter.kind)}-v{letter.version}.pdf",
                         store.local_path(letter.sha256) or Path()))
    return out


def export_case(session: Session, actor: Actor, case: Case, store: LocalStore, folder: Path, *,
                now: datetime) -> Path:
    """Write <number>.zip into `folder` and record the export (with the manifest's hash) in the audit trail."""
    target = folder / f"{case.number}.zip"
    manifest = write_bundle(target, entries(session, actor, case, store, now=now), case_number=case.number,
                            exported_at=now, exporter=actor.username, audit_chain_head=head(session)[1])
    record(session, actor, "export.case", now=now, object_type="case", object_id=case.number, case_id=case.id,
           after={"bundle": target.name, "manifest_sha256": manifest["manifest_sha256"],
                  "files": len(manifest["files"])})
    return target


def selection(actor: Actor, *, start: date | None = None, end: date | None = None, unit: Unit | None = None,
              category: str = "", outcome: str = "") -> Select[tuple[int]]:
    """The ids of the cases registered between two Beijing days (inclusive), under a unit, of a category or
    outcome, within the actor's scope."""
    query = scoped(actor, select(Case.id)).order_by(Case.id)
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


def chunks(ids: list[int], size: int = 50) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
