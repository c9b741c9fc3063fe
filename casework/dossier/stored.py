"""Sealed dossier versions as owners of stored files, for the fixity check (evidence/fixity.py)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cases.models import Case
from casework.dossier.models import DossierVersion
from casework.evidence.fixity import Holder, Owner


def _files(session: Session) -> Iterable[tuple[str, int]]:
    return session.execute(select(DossierVersion.sha256, DossierVersion.size).order_by(DossierVersion.id)).tuples()


def _holders(session: Session, sha256: str) -> Iterable[Holder]:
    rows = session.execute(select(Case.id, Case.number, DossierVersion.version)
                           .join(Case, Case.id == DossierVersion.case_id).where(DossierVersion.sha256 == sha256))
    return [Holder("dossier", case_id, number, f"v{version}") for case_id, number, version in rows]


DOSSIERS = Owner("dossier", DossierVersion.__tablename__, _files, _holders)
