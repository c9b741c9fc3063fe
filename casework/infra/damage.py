"""Damage marks on stored files: the bytes under a SHA-256 key no longer hash to it, or are gone.

The store is content-addressed, so a mark belongs to the object (its key), whichever evidence item, letter or
dossier version refers to it. A download of a marked file is refused with the reason instead of serving
altered bytes under the original hash. A mark is cleared (never deleted) when a later check finds the bytes
right again, e.g. after the file was restored from a backup. Who marks or clears writes the audit entry.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.infra.db import Base, UTCDateTime

CHANGED = "changed"  # the bytes hash to something else (or have another size)
MISSING = "missing"  # no file under the key


class DamageMark(Base):
    __tablename__ = "stored_file_damage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    problem: Mapped[str] = mapped_column(String(16))  # CHANGED or MISSING
    found_sha256: Mapped[str | None] = mapped_column(String(64))  # what the bytes hash to now, when known
    found_size: Mapped[int | None] = mapped_column(BigInteger)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    detected_by: Mapped[str] = mapped_column(String(32))  # "fixity" (the nightly check) or "download"
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def open_mark(session: Session, sha256: str) -> DamageMark | None:
    """The mark in force on this object, if any."""
    return session.scalar(select(DamageMark).where(DamageMark.sha256 == sha256, DamageMark.cleared_at.is_(None))
                          .order_by(DamageMark.id.desc()).limit(1))


def open_marks(session: Session) -> dict[str, DamageMark]:
    return {m.sha256: m for m in session.scalars(select(DamageMark).where(DamageMark.cleared_at.is_(None)))}


def mark(session: Session, sha256: str, problem: str, *, now: datetime, by: str, found_sha256: str | None = None,
         found_size: int | None = None) -> DamageMark | None:
    """Mark the object damaged; None when the same mark is already in force (nothing new to record)."""
    current = open_mark(session, sha256)
    if current is not None and current.problem == problem and current.found_sha256 == found_sha256:
        return None
    if current is not None:
        current.cleared_at = now  # superseded by what was found now
    row = DamageMark(sha256=sha256, problem=problem, found_sha256=found_sha256, found_size=found_size,
                     detected_at=now, detected_by=by)
    session.add(row)
    session.flush()
    return row


def clear(session: Session, sha256: str, *, now: datetime) -> DamageMark | None:
    """The bytes verify again: end the mark in force (kept as history); None when there was none."""
    current = open_mark(session, sha256)
    if current is not None:
        current.cleared_at = now
    return current
