"""Sealing a dossier: render the case as it stands, keep the PDF under its SHA-256 as the next version, and
write an audit entry. The template gets plain values and a fetcher that allows only the app's own assets.

Rendering takes the better part of a second and only reads, so it can run before the write transaction
(`render` then `keep`): on SQLite the write lock is then held for a row, not for a layout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.audit.anchors import NO_TSA, SEAL, Stamper, anchor_head
from casework.audit.service import head, record
from casework.cases.models import Case
from casework.domain.access import Actor
from casework.dossier.content import dossier_values
from casework.dossier.models import DossierVersion
from casework.infra.pdf import default_environment
from casework.infra.pdf_isolate import DEFAULT_LIMITS, RenderLimits, isolated_pdf
from casework.infra.storage import Store

STYLESHEET = "casework-static:/dossier.css"


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    sealed_at: datetime
    chain_seq: int  # the audit chain as the PDF prints it
    chain_head: str


def render(session: Session, case: Case, store: Store, *, now: datetime,
           limits: RenderLimits = DEFAULT_LIMITS) -> Rendered:
    """The dossier's PDF, laid out in a child process within `limits` (RenderFailed otherwise). Reads only."""
    chain = head(session)
    values = dossier_values(session, case, store, sealed_at=now, chain=chain)
    html = default_environment().get_template("dossier/dossier.html").render(values, stylesheet=STYLESHEET)
    return Rendered(isolated_pdf(html, limits=limits), now, *chain)


def keep(session: Session, actor: Actor, case: Case, store: Store, rendered: Rendered, *,
         stamper: Stamper = NO_TSA) -> DossierVersion:
    """Store a rendered dossier as the case's next version (never overwriting one), file first, then its row
    and audit entry, and anchor the chain head that entry makes (time-stamped by `stamper`'s TSA, if any)."""
    sha256 = store.put(rendered.pdf)  # file first
    version = (session.scalar(select(func.max(DossierVersion.version)).where(DossierVersion.case_id == case.id))
               or 0) + 1
    row = DossierVersion(case_id=case.id, version=version, sha256=sha256, size=len(rendered.pdf),
                         chain_seq=rendered.chain_seq, chain_head=rendered.chain_head, sealed_at=rendered.sealed_at,
                         sealed_by_id=actor.user_id, sealed_by_name=actor.username)
    session.add(row)
    record(session, actor, "dossier.seal", now=rendered.sealed_at, object_type="case", object_id=case.number,
           case_id=case.id, after={"version": version, "sha256": sha256, "chain_head": rendered.chain_head})
    anchor_head(session, now=rendered.sealed_at, reason=SEAL, stamper=stamper)
    return row


def seal(session: Session, actor: Actor, case: Case, store: Store, *, now: datetime,
         limits: RenderLimits = DEFAULT_LIMITS, stamper: Stamper = NO_TSA) -> DossierVersion:
    """Render and keep in one transaction (closing a case: the closed file is the sealed file). A render that
    fails raises RenderFailed before anything is written."""
    return keep(session, actor, case, store, render(session, case, store, now=now, limits=limits), stamper=stamper)


def seal_on_close(session: Session, actor: Actor, case: Case, store: Store, *, now: datetime,
                  limits: RenderLimits = DEFAULT_LIMITS, stamper: Stamper = NO_TSA) -> DossierVersion:
    """Closing a case seals its dossier in the same transaction: the closed file is the sealed file. If the
    layout fails, RenderFailed undoes the closing with everything else."""
    return seal(session, actor, case, store, now=now, limits=limits, stamper=stamper)


def versions(session: Session, case_id: int) -> list[DossierVersion]:
    return list(session.scalars(select(DossierVersion).where(DossierVersion.case_id == case_id)
                                .order_by(DossierVersion.version)))
