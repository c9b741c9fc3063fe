"""Sealing a dossier: render the case as it stands, keep the PDF under its SHA-256 as the next version, and
write an audit entry. The template gets plain values and a fetcher that allows only the app's own assets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.audit.service import head, record
from casework.cases.models import Case
from casework.documents.isolate import DEFAULT_LIMITS, RenderLimits, isolated_pdf
from casework.documents.render import default_environment
from casework.domain.access import Actor
from casework.dossier.content import dossier_values
from casework.dossier.models import DossierVersion
from casework.evidence.storage import Store

STYLESHEET = "casework-static:/dossier.css"


def render_dossier(session: Session, case: Case, store: Store, *, sealed_at: datetime,
                   limits: RenderLimits = DEFAULT_LIMITS) -> bytes:
    """The dossier's PDF, laid out in a child process within `limits` (RenderFailed otherwise)."""
    values = dossier_values(session, case, store, sealed_at=sealed_at, chain=head(session))
    html = default_environment().get_template("dossier/dossier.html").render(values, stylesheet=STYLESHEET)
    return isolated_pdf(html, limits=limits)


def seal(session: Session, actor: Actor, case: Case, store: Store, *, now: datetime,
         limits: RenderLimits = DEFAULT_LIMITS) -> DossierVersion:
    """A new sealed version (never overwriting an earlier one), file first, then its row and audit entry.
    A render that fails raises RenderFailed before anything is written."""
    chain_seq, chain_head = head(session)
    pdf = render_dossier(session, case, store, sealed_at=now, limits=limits)
    sha256 = store.put(pdf)  # file first
    version = (session.scalar(select(func.max(DossierVersion.version)).where(DossierVersion.case_id == case.id))
               or 0) + 1
    row = DossierVersion(case_id=case.id, version=version, sha256=sha256, size=len(pdf), chain_seq=chain_seq,
                         chain_head=chain_head, sealed_at=now, sealed_by_id=actor.user_id,
                         sealed_by_name=actor.username)
    session.add(row)
    record(session, actor, "dossier.seal", now=now, object_type="case", object_id=case.number, case_id=case.id,
           after={"version": version, "sha256": sha256, "chain_head": chain_head})
    return row


def versions(session: Session, case_id: int) -> list[DossierVersion]:
    return list(session.scalars(select(DossierVersion).where(DossierVersion.case_id == case_id)
                                .order_by(DossierVersion.version)))
