"""Fixity: do the stored bytes still match what was received? Re-hash every file, find files missing
from the store, and objects no row refers to (left by a crash between promotion and commit)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cases.retention import RetiredFile
from casework.evidence.models import Evidence
from casework.infra.storage import Store

CHUNK = 1024 * 1024


@dataclass
class Report:
    checked: int = 0
    changed: list[tuple[str, str]] = field(default_factory=list)  # (sha256 on record, what the bytes hash to now)
    missing: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.changed and not self.missing


def recorded(session: Session) -> Iterator[tuple[str, int]]:
    """Each stored object once (rows of several cases may share one), with its size."""
    seen: set[str] = set()
    for sha256, size in session.execute(select(Evidence.sha256, Evidence.size).order_by(Evidence.id)):
        if sha256 not in seen:
            seen.add(sha256)
            yield sha256, size


def verify(session: Session, store: Store, *, progress: Callable[[int], None] = lambda n: None) -> Report:
    """Hash every recorded object; `progress` is told the bytes read as they are read."""
    report = Report()
    retired = set(session.scalars(select(RetiredFile.sha256)))  # deleted under the retention schedule
    known: set[str] = set(retired)
    for sha256, _size in recorded(session):
        if sha256 in retired:
            continue
        known.add(sha256)
        report.checked += 1
        if not store.exists(sha256):
            report.missing.append(sha256)
            continue
        digest = hashlib.sha256()
        with store.open(sha256) as stored:
            while chunk := stored.read(CHUNK):
                digest.update(chunk)
                progress(len(chunk))
        if digest.hexdigest() != sha256:
            report.changed.append((sha256, digest.hexdigest()))
    report.orphans = [key for key in store.objects() if key not in known]
    return report


def names_of(session: Session, sha256: str) -> list[tuple[str, str]]:
    """(case number, original name) of every row holding these bytes, to say which evidence is affected."""
    from casework.cases.models import Case

    rows = session.execute(select(Case.number, Evidence.original_name).join(Case, Case.id == Evidence.case_id)
                           .where(Evidence.sha256 == sha256))
    return [(number, name) for number, name in rows]
