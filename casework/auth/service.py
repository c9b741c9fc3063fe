"""Use cases for accounts and units: create, change, disable, reset and change passwords. All audited."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.auth.models import UNIT_KINDS, Unit, User
from casework.auth.passwords import hash_password, password_problem, verify_password
from casework.auth.sessions import end_all_sessions
from casework.domain.access import Actor, Role


class AccountError(ValueError):
    """A refused account operation; `key` names the message shown to the user."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _kind_allowed(kind: str, parent: Unit | None) -> bool:
    """A unit sits exactly one level below its parent: province → city → county → station."""
    level = UNIT_KINDS.index(kind)
    if parent is None:
        return level == 0
    return UNIT_KINDS.index(parent.kind) == level - 1


def create_unit(
    session: Session, actor: Actor, *, code: str, name: str, kind: str, parent: Unit | None, now: datetime
) -> Unit:
    if kind not in UNIT_KINDS or not _kind_allowed(kind, parent):
        raise AccountError("unit_level")
    if session.scalar(select(Unit.id).where(Unit.code == code)) is not None:
        raise AccountError("unit_code_taken")
    unit = Unit(code=code, name=name, kind=kind, parent=parent)
    session.add(unit)
    session.flush()
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    record(session, actor, "unit.create", now=now, object_type="unit", object_id=unit.id,
           after={"code": code, "name": name, "kind": kind, "parent": parent.code if parent else None})
    return unit


def temporary_password() -> str:
    """A one-time password the user must replace at first login; admins never choose passwords."""
    return secrets.token_urlsafe(12)


def create_user(
    session: Session, actor: Actor, *, username: str, display_name: str, role: Role, unit: Unit,
    now: datetime, password: str | None = None, must_change: bool = True,
) -> tuple[User, str]:
    username = username.strip().lower()
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError("username_taken")
    secret = password or temporary_password()
    if password is not None and (problem := password_problem(password, username)):
        raise AccountError(problem)
    user = User(
        username=username, display_name=display_name, role=role.value, unit=unit,
        password_hash=hash_password(secret), active=True, must_change_password=must_change, created_at=now,
    )
    session.add(user)
    session.flush()
    record(session, actor, "user.create", now=now, object_type="user", object_id=user.id,
           after={"username": username, "role": role.value, "unit": unit.code})
    return user, secret


def update_user(
    session: Session, actor: Actor, user: User, *, display_name: str, role: Role, unit: Unit, active: bool,
    now: datetime,
) -> None:
    """Role and unit apply on the user's next request (they are reloaded every time); disabling ends sessions."""
    before = {"display_name": user.display_name, "role": user.role, "unit": user.unit.code, "active": user.active}
    if user.id == actor.user_id and (not active or role is not Role.ADMIN):
        raise AccountError("not_yourself")
    user.display_name, user.role, user.unit, user.active = display_name, role.value, unit, active
    after = {"display_name": display_name, "role": role.value, "unit": unit.code, "active": active}
    if before == after:
        return
    if not active:
        end_all_sessions(session, user.id, now=now, reason="disabled")
    record(session, actor, "user.update", now=now, object_type="user", object_id=user.id,
           before={k: v for k, v in before.items() if after[k] != v},
           after={k: v for k, v in after.items() if before[k] != v})


def reset_password(session: Session, actor: Actor, user: User, *, now: datetime) -> str:
    secret = temporary_password()
    user.password_hash = hash_password(secret)
    user.must_change_password = True
    ended = end_all_sessions(session, user.id, now=now, reason="password_reset")
    record(session, actor, "user.password_reset", now=now, object_type="user", object_id=user.id,
           after={"sessions_ended": ended})
    return secret


def end_sessions(session: Session, actor: Actor, user: User, *, now: datetime) -> int:
    ended = end_all_sessions(session, user.id, now=now, reason="admin")
    record(session, actor, "user.sessions_ended", now=now, object_type="user", object_id=user.id,
           after={"sessions_ended": ended})
    return ended


def change_password(
    session: Session, actor: Actor, user: User, *, current: str, new: str, keep_token: str | None, now: datetime
) -> None:
    """Needs the current password; every other session of the user ends (ASVS v5 7.4.3)."""
    if not verify_password(user.password_hash, current):
        raise AccountError("wrong_current_password")
    if verify_password(user.password_hash, new):
        raise AccountError("same_password")
    if problem := password_problem(new, user.username):
        raise AccountError(problem)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_changed_at = now
    end_all_sessions(session, user.id, now=now, reason="password_changed", keep=keep_token)
    record(session, actor, "user.password_changed", now=now, object_type="user", object_id=user.id)
