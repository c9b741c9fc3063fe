"""One audit entry: who, when (UTC), what, on which object, before/after values, chained by SHA-256."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.infra.db import Base, UTCDateTime


class AuditEvent(Base):
    __tablename__ = "audit_event"

    # Assigned under a lock as max+1, so the chain is gapless and a missing entry is visible.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def content(self) -> dict[str, Any]:
        """What the hash covers: every column but the hashes themselves."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "ip": self.ip,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "case_id": self.case_id,
            "before": self.before,
            "after": self.after,
        }


class AuditAnchor(Base):
    """The chain head (seq, hash) as it stood at a moment, kept so that a later rewrite of the chain shows:
    periodically (`casework audit anchor`) and at every dossier sealing. With a time-stamping authority
    configured, `token` is its RFC 3161 reply over the head, signed outside this database. Append-only."""

    __tablename__ = "audit_anchor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)  # the anchored entry
    hash: Mapped[str] = mapped_column(String(64))  # its hash, the chain head then
    anchored_at: Mapped[datetime] = mapped_column(UTCDateTime)  # our clock
    reason: Mapped[str] = mapped_column(String(32))  # "periodic" or "dossier.seal"
    tsa_url: Mapped[str | None] = mapped_column(String(500))
    token: Mapped[bytes | None] = mapped_column(LargeBinary)  # the DER TimeStampResp, as the TSA sent it
    tsa_time: Mapped[datetime | None] = mapped_column(UTCDateTime)  # genTime inside the token
    tsa_error: Mapped[str | None] = mapped_column(String(500))  # why there is no token, when one was asked for
