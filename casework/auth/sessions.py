"""Logging in and out: throttled authentication and server-side sessions that can be ended at any time."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from casework.audit.service import record
from casework.auth.models import User, UserSession
from casework.auth.passwords import verify_password
from casework.auth.throttle import Rules, count_failure, forget_failures, throttled_until
from casework.domain.access import Actor, Role


@dataclass(frozen=True)
class Limits:
    per_account: int
    per_address: int
    window: timedelta
    idle: timedelta
    absolute: timedelta
    per_pair: int = 5  # one account from one address, or from one device cookie
    delay: timedelta = timedelta(minutes=1)

    def rules(self) -> Rules:
        return Rules(per_pair=self.per_pair, per_account=self.per_account, per_address=self.per_address,
                     window=self.window, delay=self.delay)


class LoginOutcome(StrEnum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    THROTTLED = "throttled"
    NEEDS_CODE = "needs_code"  # the password was right; the second factor comes next
    NEEDS_ENROLMENT = "needs_enrolment"  # ... and this role must first set one up


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None
    token: str | None = None
    until: datetime | None = None  # THROTTLED: when the next attempt may be made


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _anonymous(username: str, ip: str) -> Actor:
    return Actor(None, username[:64] or "-", Role.FIELD, "", ip)


def log_in(session: Session, username: str, password: str, *, ip: str, now: datetime, limits: Limits,
           device: str | None = None, second_step: Callable[[User], LoginOutcome | None] = lambda user: None,
           ) -> LoginResult:
    """Check the throttle, then the password; on success start a server-side session, or say which
    second step comes first (`second_step` names it for the user, or None when there is none).

    The throttle is counted in the database, so it holds across every worker and process; `device`
    is the nonce of a valid device cookie for this username (casework/auth/throttle.py).
    Unknown users and wrong passwords get the same answer and cost the same time: the password
    is verified against a dummy hash when there is no user (ASVS v5 6.3.8).
    """
    username = username.strip().lower()
    until = throttled_until(session, limits.rules(), username=username, ip=ip, device=device, now=now)
    if until is not None:
        record(session, _anonymous(username, ip), "login.throttled", now=now, object_type="user", object_id=username)
        return LoginResult(LoginOutcome.THROTTLED, until=until)

    user = session.scalar(select(User).where(User.username == username))
    password_ok = verify_password(user.password_hash if user else None, password)  # always hashed
    if user is None or not password_ok or not user.active:
        count_failure(session, username=username, ip=ip, device=device, now=now)
        record(session, _anonymous(username, ip), "login.failed", now=now, object_type="user", object_id=username)
        return LoginResult(LoginOutcome.BAD_CREDENTIALS)
    step = second_step(user)
    if step is not None:  # failures stay counted until the second factor is passed too
        return LoginResult(step, user)
    token = finish_login(session, user, ip=ip, device=device, now=now, factor=None)
    return LoginResult(LoginOutcome.OK, user, token)


def finish_login(session: Session, user: User, *, ip: str, device: str | None, now: datetime,
                 factor: str | None) -> str:
    """Every step passed: this browser's failures are forgotten and a session starts (audited, with the factor)."""
    forget_failures(session, username=user.username, ip=ip, device=device)
    token = start_session(session, user, ip=ip, now=now)
    record(session, user.actor(ip), "login", now=now, object_type="user", object_id=user.id,
           after={"factor": factor or "password"})
    return token


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
