"""Sealed dossiers: each sealing is a new version with the PDF's SHA-256 and the audit chain head it saw."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.auth.models import User
from casework.infra.db import Base, UTCDateTime


class DossierVersion(Base):
    __tablename__ = "dossier_version"
    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_dossier_version_case_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    chain_seq: Mapped[int] = mapped_column(Integer)
    chain_head: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sealed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sealed_by_name: Mapped[str] = mapped_column(String(64))

    sealed_by: Mapped[User | None] = relationship()
