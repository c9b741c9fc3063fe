"""The second factor: enrolment, the code step of a login, recovery codes, and a reset by another admin. All audited."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.auth.factor_models import RecoveryCode, SecondFactor
from casework.auth.models import User
from casework.auth.service import AccountError
from casework.auth.sessions import Limits, LoginOutcome, LoginResult, end_all_sessions, finish_login
from casework.auth.throttle import count_failure, throttled_until
from casework.auth.totp import looks_like_recovery_code, matching_step, new_recovery_codes, recovery_hash
from casework.domain.access import Actor


def required_roles(config_value: str) -> frozenset[str]:
    """SECOND_FACTOR_ROLES as a set of role values."""
    return frozenset(part.strip() for part in config_value.split(",") if part.strip())


def has_factor(session: Session, user_id: int) -> bool:
    """Asked on every request of a role that needs one: the key only, the secret stays encrypted."""
    return session.scalar(select(SecondFactor.user_id).where(SecondFactor.user_id == user_id)) is not None


def second_step(session: Session, user: User, required: frozenset[str]) -> LoginOutcome | None:
    """What comes after the right password: a code, enrolment (for roles that need one), or nothing."""
    if has_factor(session, user.id):
        return LoginOutcome.NEEDS_CODE
    return LoginOutcome.NEEDS_ENROLMENT if user.role in required else None


def unused_recovery_codes(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(RecoveryCode)
                          .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))) or 0


def enrol(session: Session, actor: Actor, user: User, *, secret: str, code: str, now: datetime) -> list[str] | None:
    """Keep `secret` as the user's authenticator once a code from it proves the phone has it.

    Returns the recovery codes (shown once, stored hashed), or None when the code was wrong.
    The proving code's step is spent, so it cannot be replayed for a login.
    """
    if has_factor(session, user.id):
        raise AccountError("factor_exists")
    step = matching_step(secret, code, now)
    if step is None:
        return None
    session.add(SecondFactor(user_id=user.id, secret=secret, enrolled_at=now, last_step=step))
    codes = new_recovery_codes()
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.add_all(RecoveryCode(user_id=user.id, code_hash=recovery_hash(user.id, c)) for c in codes)
    session.flush()
    record(session, actor, "user.second_factor_enrolled", now=now, object_type="user", object_id=user.id,
           after={"recovery_codes": len(codes)})
    return codes


class CodeCheck(StrEnum):
    TOTP = "totp"
    RECOVERY_CODE = "recovery_code"
    WRONG = "wrong"
    REPLAYED = "replayed"  # right code, but its time step was used before


def check_code(session: Session, user: User, code: str, now: datetime) -> CodeCheck:
    """A TOTP code (each time step once only) or an unused recovery code (once only).

    Both "spend" with a conditional UPDATE, so two workers given the same code at once cannot both accept it.
    """
    factor = session.get(SecondFactor, user.id)
    if factor is None:
        return CodeCheck.WRONG
    if looks_like_recovery_code(code):
        spent = session.execute(
            update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
                                       RecoveryCode.code_hash == recovery_hash(user.id, code)).values(used_at=now))
        return CodeCheck.RECOVERY_CODE if spent.rowcount == 1 else CodeCheck.WRONG  # type: ignore[attr-defined]
    step = matching_step(factor.secret, code, now)
    if step is None:
        return CodeCheck.WRONG
    spent = session.execute(update(SecondFactor).where(SecondFactor.user_id == user.id, SecondFactor.last_step < step)
                            .values(last_step=step).execution_options(synchronize_session=False))
    return CodeCheck.TOTP if spent.rowcount == 1 else CodeCheck.REPLAYED  # type: ignore[attr-defined]


def log_in_with_code(session: Session, user: User, code: str, *, ip: str, device: str | None, now: datetime,
                     limits: Limits) -> LoginResult:
    """The second step of a login whose password was right. A wrong or replayed code counts as a failed login."""
    until = throttled_until(session, limits.rules(), username=user.username, ip=ip, device=device, now=now)
    if until is not None:
        record(session, user.actor(ip), "login.throttled", now=now, object_type="user", object_id=user.username)
        return LoginResult(LoginOutcome.THROTTLED, until=until)
    result = check_code(session, user, code, now)
    if result in (CodeCheck.WRONG, CodeCheck.REPLAYED):
        count_failure(session, username=user.username, ip=ip, device=device, now=now)
        record(session, user.actor(ip), "login.code_failed", now=now, object_type="user", object_id=user.username,
               after={"reason": result.value})
        return LoginResult(LoginOutcome.BAD_CREDENTIALS, user)
    if result is CodeCheck.RECOVERY_CODE:
        record(session, user.actor(ip), "user.recovery_code_used", now=now, object_type="user", object_id=user.id,
               after={"unused": unused_recovery_codes(session, user.id)})
    token = finish_login(session, user, ip=ip, device=device, now=now, factor=result.value)
    return LoginResult(LoginOutcome.OK, user, token)


def enrol_and_log_in(session: Session, user: User, *, secret: str, code: str, ip: str, device: str | None,
                     now: datetime, limits: Limits) -> tuple[LoginResult, list[str]]:
    """Enrolment as the second step of a login (roles that must have a factor, the first time)."""
    until = throttled_until(session, limits.rules(), username=user.username, ip=ip, device=device, now=now)
    if until is not None:
        record(session, user.actor(ip), "login.throttled", now=now, object_type="user", object_id=user.username)
        return LoginResult(LoginOutcome.THROTTLED, until=until), []
    codes = enrol(session, user.actor(ip), user, secret=secret, code=code, now=now)
    if codes is None:
        count_failure(session, username=user.username, ip=ip, device=device, now=now)
        record(session, user.actor(ip), "login.code_failed", now=now, object_type="user", object_id=user.username,
               after={"reason": "wrong", "enrolment": True})
        return LoginResult(LoginOutcome.BAD_CREDENTIALS, user), []
    token = finish_login(session, user, ip=ip, device=device, now=now, factor="totp")
    return LoginResult(LoginOutcome.OK, user, token), codes


def reset_factor(session: Session, actor: Actor, user: User, *, now: datetime) -> int:
    """Another administrator removes a lost authenticator (never their own): the user enrols anew at next login.

    Every session of the user ends, so a session opened with the lost phone ends too.
    """
    if actor.user_id == user.id:
        raise AccountError("not_own_factor")
    had = session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id)).rowcount  # type: ignore[attr-defined]
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    ended = end_all_sessions(session, user.id, now=now, reason="factor_reset")
    record(session, actor, "user.second_factor_reset", now=now, object_type="user", object_id=user.id,
           after={"had_factor": bool(had), "sessions_ended": ended})
    return ended
