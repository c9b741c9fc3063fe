"""Proposals and what follows them: payments and the litigation record. Rows are added, never rewritten,
except a proposal's outcome (approved or returned), which is set once."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.auth.models import User
from casework.infra.db import Base, UTCDateTime
from casework.infra.pii import EncryptedText


class Proposal(Base):
    """One proposed decision. A case has at most one open proposal; a returned one stays on record."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # settle | reject | escalate
    status: Mapped[str] = mapped_column(String(16))  # open | approved | returned
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What the check said when this was proposed: the proposal is judged against it.
    assessment_outcome: Mapped[str | None] = mapped_column(String(32))
    assessed_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    claimed_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    # settle
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    payee: Mapped[str | None] = mapped_column(String(100))
    bank_account: Mapped[str | None] = mapped_column(EncryptedText)
    payment_method: Mapped[str | None] = mapped_column(String(32))
    terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    # reject: the legal grounds as the assessment gave them (citations with their quoted text)
    grounds: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # escalate
    litigation_role: Mapped[str | None] = mapped_column(String(16))  # defendant | plaintiff
    court: Mapped[str | None] = mapped_column(String(200))
    cause: Mapped[str | None] = mapped_column(String(200))
    demand: Mapped[str | None] = mapped_column(Text)
    counsel: Mapped[str | None] = mapped_column(String(200))
    risk: Mapped[str | None] = mapped_column(Text)
    # every kind
    note: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)  # why, where the law does not carry the decision alone
    goodwill: Mapped[bool] = mapped_column(Boolean, default=False)
    precedent_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    similar: Mapped[list[str]] = mapped_column(JSON, default=list)  # case numbers behind the precedent risk
    needs_role: Mapped[str] = mapped_column(String(16))  # the least role that may approve
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(Text)  # the approver's, on approval or return

    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class Payment(Base):
    __tablename__ = "payment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    paid_on: Mapped[date] = mapped_column(Date)
    voucher: Mapped[str] = mapped_column(String(64))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LitigationEntry(Base):
    """One step of a lawsuit: the court's case number, a hearing, the judgment, an appeal, enforcement."""

    __tablename__ = "litigation_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # court_number | hearing | judgment | appeal | enforcement
    on: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # awarded, for a judgment
    # How a judgment ended for the utility (issue 16): won | partly | lost | mediated | withdrawn.
    result: Mapped[str | None] = mapped_column(String(16))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseDocument(Base):
    """A generated letter, each generation a new version with the SHA-256 of its PDF (bytes in the store)."""

    __tablename__ = "case_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
