"""Re-encrypt every stored claimant identifier with the newest PII key (`casework pii rotate`).

What is encrypted is found, not listed: every column of type EncryptedText in the schema (claimant ID number,
phone and bank account, a proposal's bank account, and any encrypted column added later). A column encrypted by
hand, not through EncryptedText (e.g. a second factor's TOTP secret sealed with the PII key), is one more entry
in EXTRA_COLUMNS: ("table", "column").

Rotation works in primary-key order, a batch per transaction, each batch audited in the transaction that writes
it, so a run that is stopped keeps what it did and the next run goes on from there (idempotent: a value already
under the newest key is never touched, and is found by its key id in SQL). Each value is replaced only if it is
still the ciphertext that was read (compare-and-set), so an edit saved meanwhile is never overwritten; it was
written under the newest key anyway, if the workers run with the new key set. Rows are changed with Core
statements, never through the ORM: the plaintext is the same, so a case's optimistic-locking version must not move.
The search digests have their own key (SEARCH_KEY) and are not touched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Table, Text, case, func, literal, select, type_coerce, update
from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.domain.access import Actor
from casework.infra.db import Base
from casework.infra.pii import SEP, EncryptedText, PiiCipher

#: Columns holding PII-key ciphertext written by hand rather than through EncryptedText, as (table, column).
EXTRA_COLUMNS: list[tuple[str, str]] = []
LEGACY = "legacy"  # a value written before key ids (a bare Fernet token)


@dataclass(frozen=True)
class Target:
    table: Table
    column: Column[str]
    key: Column[int]  # the table's primary key

    @property
    def name(self) -> str:
        return f"{self.table.name}.{self.column.name}"


def targets() -> list[Target]:
    """Every encrypted column of the schema, in a stable order."""
    found = [(table, column) for table in Base.metadata.sorted_tables for column in table.columns
             if isinstance(column.type, EncryptedText)]
    for table_name, column_name in EXTRA_COLUMNS:
        table = Base.metadata.tables[table_name]
        found.append((table, table.columns[column_name]))
    out = []
    for table, column in sorted(found, key=lambda tc: (tc[0].name, tc[1].name)):
        (key,) = table.primary_key.columns  # one integer key: batches walk it in order
        out.append(Target(table, column, key))
    return out


def _raw(target: Target) -> Any:
    return type_coerce(target.column, Text)  # the stored text itself, not decrypted


def _not_current(target: Target, current_id: str) -> Any:
    return _raw(target).isnot(None) & ~_raw(target).like(f"{current_id}{SEP}%")


def census(session: Session) -> dict[str, Counter[str]]:
    """For each column, how many values each key made ("legacy": before key ids)."""
    out: dict[str, Counter[str]] = {}
    for target in targets():
        made_by = case((_raw(target).like(f"________{SEP}%"), func.substr(_raw(target), 1, 8)), else_=literal(LEGACY))
        rows = session.execute(select(made_by, func.count()).where(_raw(target).isnot(None)).group_by(made_by))
        out[target.name] = Counter({str(kid): int(n) for kid, n in rows})
    return out


def pending(session: Session, current_id: str) -> int:
    """Values not yet under the newest key, in every column."""
    return sum(session.scalar(select(func.count()).select_from(t.table).where(_not_current(t, current_id))) or 0
               for t in targets())


@dataclass
class Progress:
    rotated: int = 0
    skipped: int = 0  # changed by someone else between our read and our write (already under the newest key)


def _batch(session: Session, target: Target, current_id: str, after: int | None, size: int) -> list[tuple[int, str]]:
    """The next values not under the newest key, after primary key `after`."""
    query = select(target.key, _raw(target)).where(_not_current(target, current_id))
    if after is not None:
        query = query.where(target.key > after)
    return [(int(k), str(v)) for k, v in session.execute(query.order_by(target.key).limit(size))]


def rotate(begin: Callable[[], AbstractContextManager[Session]], pii: PiiCipher, actor: Actor, *,
           now: Callable[[], datetime], batch: int = 500,
           progress: Callable[[int], None] = lambda n: None) -> Progress:
    """Re-encrypt what is not under the newest key. `begin()` opens one unit of work per batch (it commits on
    leaving); `progress(n)` after each batch with its row count. A value no configured key opens stops the run
    with RuntimeError, its batch rolled back."""
    done = Progress()
    for target in targets():
        after: int | None = None
        while True:
            with begin() as session:
                rows = _batch(session, target, pii.current_id, after, batch)
                if not rows:
                    break
                changed = 0
                for key, stored in rows:
                    try:
                        fresh = pii.encrypt(pii.decrypt(stored))
                    except RuntimeError as exc:
                        raise RuntimeError(f"{target.name} of row {key}: {exc}") from None
                    result = session.execute(
                        update(target.table).where(target.key == key, _raw(target) == stored)
                        .values({target.column.name: type_coerce(literal(fresh, Text), Text)}))
                    changed += result.rowcount or 0  # type: ignore[attr-defined]  # a CursorResult
                record(session, actor, "pii.rotate", now=now(), object_type="column", object_id=target.name,
                       after={"rows": changed, "to_key": pii.current_id, "through_id": rows[-1][0]})
            done.rotated += changed
            done.skipped += len(rows) - changed
            after = rows[-1][0]
            progress(len(rows))
            if len(rows) < batch:
                break
    return done
