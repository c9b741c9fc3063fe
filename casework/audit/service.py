"""Append to the audit trail and verify it. Appends run inside the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from casework.audit.models import AuditEvent
from casework.domain.access import Actor
from casework.domain.audit_chain import GENESIS, ChainEntry, ChainReport, entry_hash, verify_chain
from casework.infra.db import lock_for_append

if TYPE_CHECKING:
    from casework.ui.history import History

_CHAIN_LOCK = 0x617564  # pg advisory lock key for the chain head ("aud")


def _plain(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """JSON-native copy (Decimal and dates as strings), so the hash survives a database round trip."""
    if value is None:
        return None

    def default(o: Any) -> str:
        return o.isoformat() if hasattr(o, "isoformat") else str(o)

    return json.loads(json.dumps(dict(value), default=default, ensure_ascii=False))  # type: ignore[no-any-return]


def lock_chain(session: Session) -> None:
    """Take the chain lock now, for a writer about to lock other shared rows (the claims summary): every write
    ends by appending here anyway, so taking it first keeps one order and two writers never deadlock."""
    lock_for_append(session, _CHAIN_LOCK)


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    now: datetime,
    object_type: str,
    object_id: str | int | None = None,
    case_id: int | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one entry. Its hash links it to the current head, read under the chain lock."""
    lock_for_append(session, _CHAIN_LOCK)
    head = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
    event = AuditEvent(
        seq=seq,
        at=now,
        actor_id=actor.user_id,
        actor_name=actor.username,
        ip=actor.ip,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        case_id=case_id,
        before=_plain(before),
        after=_plain(after),
        prev_hash=prev,
    )
    event.hash = entry_hash(prev, event.content())
    session.add(event)
    session.flush()
    return event


def record_many(session: Session, actor: Actor, action: str, entries: list[dict[str, Any]], *,
                now: datetime) -> int:
    """Append many entries of one action at once (a re-check of every open case): one head read,
    one insert, the same chain as `record` would build one by one."""
    if not entries:
        return 0
    lock_for_append(session, _CHAIN_LOCK)
    session.flush()
    seq, prev = head(session)
    rows = []
    for entry in entries:
        seq += 1
        event = AuditEvent(seq=seq, at=now, actor_id=actor.user_id, actor_name=actor.username, ip=actor.ip,
                           action=action, object_type=entry["object_type"], object_id=str(entry["object_id"]),
                           case_id=entry.get("case_id"), before=_plain(entry.get("before")),
                           after=_plain(entry.get("after")), prev_hash=prev)
        event.hash = prev = entry_hash(prev, event.content())
        rows.append({c.name: getattr(event, c.key) for c in AuditEvent.__table__.columns})
    session.execute(insert(AuditEvent), rows)
    return len(rows)


def _entries(session: Session, batch: int = 5000) -> Iterator[ChainEntry]:
    """Stream the chain in seq order, in batches, without filling the session's identity map."""
    columns = [c for c in AuditEvent.__table__.columns]
    last = 0
    while True:
        rows = session.execute(
            select(*columns).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            ev = AuditEvent(**row._asdict())
            yield ChainEntry(ev.seq, ev.prev_hash, ev.hash, ev.content())
        last = rows[-1].seq


def verify(session: Session) -> ChainReport:
    return verify_chain(_entries(session))


def head(session: Session) -> tuple[int, str]:
    row = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def case_entries(session: Session, case_id: int) -> list[AuditEvent]:
    """Every entry recorded with a case, in the chain's order."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)))


def case_history(session: Session, case_id: int, lang: str | None = None) -> History:
    """A case's entries as a person reads them (ui.history): changes and decisions, and the reads apart."""
    from casework.cases.models import Case  # the case layer records through this module: imported when read
    from casework.ui.history import worded

    category = session.scalar(select(Case.category).where(Case.id == case_id)) or ""
    return worded(session, case_entries(session, case_id), category, lang)
