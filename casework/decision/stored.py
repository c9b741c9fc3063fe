"""Letters as owners of stored files, for the fixity check (evidence/fixity.py): which case, which letter."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cases.models import Case
from casework.decision.letters import TITLES
from casework.decision.models import CaseDocument
from casework.evidence.fixity import Holder, Owner


def _files(session: Session) -> Iterable[tuple[str, int]]:
    return session.execute(select(CaseDocument.sha256, CaseDocument.size).order_by(CaseDocument.id)).tuples()


def _holders(session: Session, sha256: str) -> Iterable[Holder]:
    rows = session.execute(select(Case.id, Case.number, CaseDocument.kind, CaseDocument.version)
                           .join(Case, Case.id == CaseDocument.case_id).where(CaseDocument.sha256 == sha256))
    return [Holder("letter", case_id, number, f"{TITLES.get(kind, kind)} 第{version}版")
            for case_id, number, kind, version in rows]


LETTERS = Owner("letter", CaseDocument.__tablename__, _files, _holders)
