"""Evidence files of a case and the waivers of checklist items. Neither is ever deleted."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from casework.auth.models import User
from casework.infra.db import Base, UTCDateTime

_UNESCAPE = re.compile(r"\\(\\|0)")


class ExactText(TypeDecorator[str]):
    """Text kept exactly as given, NUL included: PostgreSQL's text cannot hold NUL, so it is stored escaped
    (backslash doubled, NUL as \\0) and restored on the way back. Used for names a client sent us."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else value.replace("\\", "\\\\").replace("\x00", "\\0")

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return _UNESCAPE.sub(lambda m: "\\" if m.group(1) == "\\" else "\x00", value)


class Evidence(Base):
    """One file of a case. The bytes live in the store under their SHA-256; this row says what they are."""

    __tablename__ = "evidence"
    # The same bytes are one item per case, whoever uploads them again and however often.
    __table_args__ = (UniqueConstraint("case_id", "sha256", name="uq_evidence_case_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)  # random: evidence URLs are not guessable
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(String(500))
    original_name: Mapped[str] = mapped_column(ExactText)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    media_type: Mapped[str] = mapped_column(String(100))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # width, height, taken_at, gps, flags
    has_thumbnail: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdraw_reason: Mapped[str | None] = mapped_column(Text)

    uploaded_by: Mapped[User] = relationship(foreign_keys=[uploaded_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])


class EvidenceWaiver(Base):
    """A legal officer's decision that a required item is not needed for this case, with the reason.

    Revoking keeps the row (who waived, who revoked and why stay on the record)."""

    __tablename__ = "evidence_waiver"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    waived_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    waived_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    waived_by: Mapped[User] = relationship(foreign_keys=[waived_by_id])
