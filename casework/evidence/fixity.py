"""Fixity: do the stored bytes still match what was recorded? Re-hash every file the store holds, whoever
keeps it (evidence, letters, sealed dossiers), find files missing from the store, and objects no row refers
to (left by a crash between promotion and commit).

The store is shared by several stages. Each registers an `Owner` (`casework/flow.py` wires the later
stages' ones), so a damaged file is reported with the case and the name people know it by. Whether a file
is an orphan is decided more bluntly: any row of any table with a `sha256` column refers to it, registered
owner or not, so a repair can never move a file some row still needs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.cases.retention import RetiredFile
from casework.domain.access import Actor
from casework.evidence.models import Evidence
from casework.infra import damage
from casework.infra.db import Base
from casework.infra.storage import Store

CHUNK = 1024 * 1024
ORPHAN_GRACE_S = 3600  # an object younger than this may belong to a row not yet committed (file first)


@dataclass(frozen=True)
class Holder:
    """One row keeping a stored file: which case, what it is, under which name."""

    kind: str  # evidence, letter, dossier
    case_id: int
    case_number: str
    name: str


@dataclass(frozen=True)
class Owner:
    """A kind of row that keeps files in the store: every (sha256, size) it refers to, and who holds a key."""

    kind: str
    table: str  # where its rows are
    files: Callable[[Session], Iterable[tuple[str, int]]]
    holders: Callable[[Session, str], Iterable[Holder]]


def _evidence_files(session: Session) -> Iterable[tuple[str, int]]:
    return session.execute(select(Evidence.sha256, Evidence.size).order_by(Evidence.id)).tuples()


def _evidence_holders(session: Session, sha256: str) -> Iterable[Holder]:
    from casework.cases.models import Case

    rows = session.execute(select(Case.id, Case.number, Evidence.original_name)
                           .join(Case, Case.id == Evidence.case_id).where(Evidence.sha256 == sha256))
    return [Holder("evidence", case_id, number, name) for case_id, number, name in rows]


EVIDENCE = Owner("evidence", "evidence", _evidence_files, _evidence_holders)
OWNERS: list[Owner] = [EVIDENCE]  # the later stages add theirs (flow.install)


def register(owner: Owner) -> None:
    """Add an owner once (every app in a process shares the list)."""
    if all(o.kind != owner.kind for o in OWNERS):
        OWNERS.append(owner)


@dataclass
class Report:
    checked: int = 0
    changed: list[tuple[str, str]] = field(default_factory=list)  # (sha256 on record, what the bytes hash to now)
    missing: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    per_owner: dict[str, int] = field(default_factory=dict)  # files checked for each kind of owner
    restored: list[str] = field(default_factory=list)  # marked damaged before, right again now

    @property
    def ok(self) -> bool:
        return not self.changed and not self.missing


def _key_tables() -> list[Table]:
    """Every table whose rows refer to stored objects by a `sha256` column (the damage marks aside)."""
    return [t for t in Base.metadata.sorted_tables
            if "sha256" in t.columns and t.name != damage.DamageMark.__tablename__]


def referenced(session: Session, sha256: str) -> bool:
    """Does any row of any table refer to this object? Asked again right before a file is moved."""
    return any(session.execute(select(t.c.sha256).where(t.c.sha256 == sha256).limit(1)).first()
               for t in _key_tables())


def recorded(session: Session) -> Iterator[tuple[str, str, int]]:
    """(owner kind, sha256, size) of each stored object once; rows of several cases or owners may share one.
    A table with a `sha256` column no owner covers is still checked, under its table name."""
    seen: set[str] = set()
    for owner in OWNERS:
        for sha256, size in owner.files(session):
            if sha256 not in seen:
                seen.add(sha256)
                yield owner.kind, sha256, size
    covered = {owner.table for owner in OWNERS}
    for table in _key_tables():
        if table.name in covered or "size" not in table.columns:
            continue
        for sha256, size in session.execute(select(table.c.sha256, table.c.size)):
            if sha256 not in seen:
                seen.add(sha256)
                yield table.name, sha256, size


def _hash(store: Store, sha256: str, progress: Callable[[int], None]) -> str:
    digest = hashlib.sha256()
    with store.open(sha256) as stored:
        while chunk := stored.read(CHUNK):
            digest.update(chunk)
            progress(len(chunk))
    return digest.hexdigest()


def verify(session: Session, store: Store, *, progress: Callable[[int], None] = lambda n: None) -> Report:
    """Hash every recorded object; `progress` is told the bytes read as they are read. Reads only."""
    report = Report()
    retired = set(session.scalars(select(RetiredFile.sha256)))  # deleted under the retention schedule
    known: set[str] = set(retired)
    for kind, sha256, _size in recorded(session):
        if sha256 in retired:
            continue
        known.add(sha256)
        report.checked += 1
        report.per_owner[kind] = report.per_owner.get(kind, 0) + 1
        if not store.exists(sha256):
            report.missing.append(sha256)
            continue
        now_hash = _hash(store, sha256, progress)
        if now_hash != sha256:
            report.changed.append((sha256, now_hash))
    report.orphans = [key for key in store.objects() if key not in known]
    return report


def holders_of(session: Session, sha256: str) -> list[Holder]:
    """Every row holding these bytes, of every owner, to say which evidence, letter or dossier is affected."""
    return [h for owner in OWNERS for h in owner.holders(session, sha256)]


def names_of(session: Session, sha256: str) -> list[tuple[str, str]]:
    """(case number, name) of every holder (kept for callers that only name evidence)."""
    return [(h.case_number, h.name) for h in holders_of(session, sha256)]


def record_marks(session: Session, actor: Actor, store: Store, report: Report, *, now: datetime) -> int:
    """Mark changed and missing files damaged, and clear the marks of files that verify again (restored
    from a backup); each new mark or cleared one is audited once per case holding the file. How many
    marks changed."""
    found: dict[str, tuple[str, str | None, int | None]] = {}
    for sha256, hashed in report.changed:
        found[sha256] = (damage.CHANGED, hashed, store.size(sha256))
    for sha256 in report.missing:
        found[sha256] = (damage.MISSING, None, None)
    changes = 0
    for sha256, (problem, found_hash, found_size) in found.items():
        if damage.mark(session, sha256, problem, now=now, by="fixity", found_sha256=found_hash,
                       found_size=found_size):
            changes += 1
            _audit(session, actor, "file.damaged", sha256, now=now,
                   after={"problem": problem, "found_sha256": found_hash, "found_size": found_size})
    for sha256 in damage.open_marks(session):
        if sha256 not in found and store.exists(sha256) and _hash(store, sha256, lambda n: None) == sha256:
            damage.clear(session, sha256, now=now)
            report.restored.append(sha256)
            changes += 1
            _audit(session, actor, "file.restored", sha256, now=now, after={"problem": None})
    return changes


def _audit(session: Session, actor: Actor, action: str, sha256: str, *, now: datetime,
           after: dict[str, object]) -> None:
    holders = holders_of(session, sha256)
    for holder in holders:
        record(session, actor, action, now=now, object_type="stored_file", object_id=sha256,
               case_id=holder.case_id, after={**after, "owner": holder.kind, "name": holder.name})
    if not holders:  # a row of a table no owner names: still on the record, without a case
        record(session, actor, action, now=now, object_type="stored_file", object_id=sha256, after=after)

