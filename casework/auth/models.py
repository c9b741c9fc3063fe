"""Units (province → city → county → station), users, their server-side sessions, and failed logins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.domain.access import Actor, Role
from casework.infra.db import Base, UTCDateTime

UNIT_KINDS = ("province", "city", "county", "station")


class Unit(Base):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    # Materialised path "/1/4/9/": a subtree is one indexed prefix match, however deep the tree.
    path: Mapped[str] = mapped_column(String(255), index=True, default="")
    # A 供电所 is not a legal person: letters name the legal entity that signs and seals for a unit
    # (casework/auth/units.py signing_entity). legal_name is the registered name, for companies only.
    legal_name: Mapped[str | None] = mapped_column(String(100))
    # Which unit's legal entity signs for this one; None: the nearest ancestor (or itself) with a legal name.
    signing_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))

    parent: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    signing_unit: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[signing_unit_id])

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class User(Base):
    __tablename__ = "user_account"
    __allow_unmapped__ = True  # session_token below is per-request state, not a column

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()

    # Flask-Login protocol. get_id() is the *session* token, so a session ended on the server
    # (logout, password change, disabling) is gone even if the browser replays its cookie.
    session_token: str | None = None
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return self.session_token is not None

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def actor(self, ip: str | None = None) -> Actor:
        return Actor(self.id, self.username, Role(self.role), self.unit.path, ip)


class UserSession(Base):
    __tablename__ = "user_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[str | None] = mapped_column(String(32))
    ip: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship()


class LoginFailure(Base):
    """One failed login; counted per account and per address over a window, shared by every worker."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_username_at", "username", "at"),
        Index("ix_login_failure_ip_at", "ip", "at"),
        Index("ix_login_failure_device_at", "device", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    # The hashed device cookie of the browser that tried, if it had one: that browser is counted on its own.
    device: Mapped[str | None] = mapped_column(String(64))


class ApiToken(Base):
    """A bearer token for the machine API, acting as its user; only a hash is stored, revocable."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
