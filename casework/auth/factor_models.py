"""A user's second factor (TOTP secret, recovery codes) and account changes that wait for someone's approval."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.auth.models import Unit, User
from casework.infra.db import Base, UTCDateTime
from casework.infra.pii import EncryptedText


class SecondFactor(Base):
    """One enrolled authenticator per user. The secret is encrypted at rest like claimant identifiers."""

    __tablename__ = "second_factor"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    secret: Mapped[str] = mapped_column(EncryptedText)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The newest 30-second step whose code was accepted: that code, and every older one, is spent (ASVS v5 6.5.1).
    last_step: Mapped[int] = mapped_column(BigInteger)


class RecoveryCode(Base):
    """A one-time code for when the phone is lost; only its hash is stored."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AccountRequest(Base):
    """An administrator's request that gives an account case content (or admin rights), or a new password.

    It takes effect only when someone else approves it: the head of legal responsible for the unit,
    or a second administrator for admin accounts. `outcome` is None while it waits.
    """

    __tablename__ = "account_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "grant" (a role and unit) or "reset" (a password)
    initial: Mapped[bool] = mapped_column(Boolean, default=False)  # the grant of a new account
    role: Mapped[str | None] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))  # approved, rejected, superseded

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    unit: Mapped[Unit | None] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
