"""Logging in and out: throttled authentication and server-side sessions that can be ended at any time."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, joinedload

from casework.audit.service import record
from casework.auth.models import LoginFailure, User, UserSession
from casework.auth.passwords import verify_password
from casework.domain.access import Actor, Role


@dataclass(frozen=True)
class Limits:
    per_account: int
    per_address: int
    window: timedelta
    idle: timedelta
    absolute: timedelta


class LoginOutcome(StrEnum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None
    token: str | None = None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _anonymous(username: str, ip: str) -> Actor:
    return Actor(None, username[:64] or "-", Role.FIELD, "", ip)


def _failures_since(session: Session, since: datetime, *, username: str | None = None, ip: str | None = None) -> int:
    q = select(func.count()).select_from(LoginFailure).where(LoginFailure.at >= since)
    q = q.where(LoginFailure.username == username) if username is not None else q.where(LoginFailure.ip == ip)
    return session.scalar(q) or 0


def log_in(session: Session, username: str, password: str, *, ip: str, now: datetime, limits: Limits) -> LoginResult:
    """Check the throttle, then the password; on success start a server-side session.

    Both limits are counted in the database, so they hold across every worker and process.
    Unknown users and wrong passwords get the same answer and cost the same time.
    """
    username = username.strip().lower()
    since = now - limits.window
    if (
        _failures_since(session, since, username=username) >= limits.per_account
        or _failures_since(session, since, ip=ip) >= limits.per_address
    ):
        record(session, _anonymous(username, ip), "login.throttled", now=now, object_type="user", object_id=username)
        return LoginResult(LoginOutcome.THROTTLED)

    user = session.scalar(select(User).where(User.username == username))
    if user is None or not verify_password(user.password_hash if user else None, password) or not user.active:
        session.add(LoginFailure(at=now, username=username, ip=ip))
        record(session, _anonymous(username, ip), "login.failed", now=now, object_type="user", object_id=username)
        return LoginResult(LoginOutcome.BAD_CREDENTIALS)

    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    token = start_session(session, user, ip=ip, now=now)
    record(session, user.actor(ip), "login", now=now, object_type="user", object_id=user.id)
    return LoginResult(LoginOutcome.OK, user, token)


def start_session(session: Session, user: User, *, ip: str | None, now: datetime) -> str:
    """A fresh 256-bit token from the CSPRNG; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=_token_hash(token), user_id=user.id, created_at=now, last_seen_at=now, ip=ip))
    return token


@dataclass(frozen=True)
class Loaded:
    user: User
    needs_touch: bool


def load_session(session: Session, token: str, *, now: datetime, limits: Limits) -> Loaded | None:
    """The user behind a live session token, or None when it ended, idled out or aged out."""
    # One query for the session, its user and the user's unit: this runs on every request.
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token))
                         .options(joinedload(UserSession.user).joinedload(User.unit)))
    if row is None or row.ended_at is not None or not row.user.active:
        return None
    if now - row.last_seen_at > limits.idle or now - row.created_at > limits.absolute:
        return None
    row.user.session_token = token
    return Loaded(row.user, needs_touch=now - row.last_seen_at > timedelta(minutes=1))


def touch_session(session: Session, token: str, now: datetime) -> None:
    session.execute(update(UserSession).where(UserSession.token_hash == _token_hash(token)).values(last_seen_at=now))


def end_session(session: Session, actor: Actor, token: str, *, now: datetime, reason: str = "logout") -> None:
    session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _token_hash(token), UserSession.ended_at.is_(None))
        .values(ended_at=now, ended_reason=reason)
    )
    record(session, actor, "logout", now=now, object_type="user", object_id=actor.user_id)


def end_all_sessions(session: Session, user_id: int, *, now: datetime, reason: str, keep: str | None = None) -> int:
    """End every live session of a user (password change, disabling, admin request), except `keep`."""
    q = update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    if keep is not None:
        q = q.where(UserSession.token_hash != _token_hash(keep))
    return session.execute(q.values(ended_at=now, ended_reason=reason)).rowcount  # type: ignore[attr-defined, no-any-return]
