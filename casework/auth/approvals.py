"""Account changes an administrator may only request: case content and passwords pass through a second person.

"The administrator sees no case content" must hold against the administrator too (review F-9).
So an admin who creates an account that reads cases, raises an account's role or moves it to a
wider unit, or resets the password of such an account, only files a request. The head of legal
responsible for the account's unit approves it (a second administrator, for admin accounts). A
password that comes of it is generated at approval and shown once, to the approver only, who
hands it over in person; the requesting admin never sees it. The user must replace it at first
login, and is then told who reset it and who approved. Lowering an account needs no approval.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.auth.factor_models import AccountRequest
from casework.auth.models import Unit, User
from casework.auth.passwords import hash_password
from casework.auth.service import AccountError, create_user, reset_password, temporary_password, update_user
from casework.domain.access import ROLE_PERMS, Actor, Role, case_scope


def needs_approval(old_role: Role | None, old_unit_path: str, new_role: Role, new_unit_path: str) -> bool:
    """True unless the new role and unit give no access the old ones did not (a demotion, or no change)."""
    if new_role is Role.ADMIN:
        return old_role is not Role.ADMIN
    if old_role is None or not ROLE_PERMS[new_role] <= ROLE_PERMS[old_role]:
        return True
    old_scope = case_scope(Actor(None, "", old_role, old_unit_path))
    new_scope = case_scope(Actor(None, "", new_role, new_unit_path))
    return new_scope is None or old_scope is None or not new_scope.startswith(old_scope)


def approver_role(request: AccountRequest) -> Role:
    role = Role(request.role) if request.kind == "grant" and request.role else Role(request.user.role)
    return Role.ADMIN if role is Role.ADMIN else Role.LEGAL_HEAD


def _target_unit(request: AccountRequest) -> Unit:
    return request.unit if request.kind == "grant" and request.unit is not None else request.user.unit


def may_decide(approver: Actor, request: AccountRequest) -> bool:
    """Not the requester, not the account itself; a head of legal over the unit, or another admin."""
    if request.outcome is not None or approver.user_id is None:
        return False
    if approver.user_id in (request.requested_by_id, request.user_id):
        return False
    if approver_role(request) is Role.ADMIN:
        return approver.role is Role.ADMIN
    return approver.role is Role.LEGAL_HEAD and _target_unit(request).path.startswith(approver.unit_path)


def pending(session: Session, user_id: int | None = None) -> list[AccountRequest]:
    q = select(AccountRequest).where(AccountRequest.outcome.is_(None)).order_by(AccountRequest.id)
    if user_id is not None:
        q = q.where(AccountRequest.user_id == user_id)
    return list(session.scalars(q))


def awaiting_first_approval(session: Session, user_id: int) -> bool:
    return any(r.initial for r in pending(session, user_id))


def _request(session: Session, actor: Actor, user: User, *, kind: str, now: datetime, initial: bool = False,
             role: Role | None = None, unit: Unit | None = None) -> AccountRequest:
    """File a request; an earlier one of the same kind for the same account is superseded by it."""
    for old in pending(session, user.id):
        if old.kind == kind:
            initial = initial or old.initial
            old.outcome, old.decided_at = "superseded", now
    request = AccountRequest(user_id=user.id, kind=kind, initial=initial, role=role.value if role else None,
                             unit_id=unit.id if unit else None, requested_by_id=actor.user_id, requested_at=now)
    session.add(request)
    session.flush()
    record(session, actor, "account.request", now=now, object_type="user", object_id=user.id,
           after={"request": request.id, "kind": kind, "role": request.role, "unit": unit.code if unit else None,
                  "approver": approver_role(request).value})
    return request


def request_new_account(session: Session, actor: Actor, *, username: str, display_name: str, role: Role,
                        unit: Unit, now: datetime) -> User:
    """The account exists at once but nobody knows a password for it until the request is approved."""
    user, _never_shown = create_user(session, actor, username=username, display_name=display_name, role=role,
                                     unit=unit, now=now)
    _request(session, actor, user, kind="grant", initial=True, role=role, unit=unit, now=now)
    return user


def change_account(session: Session, actor: Actor, user: User, *, display_name: str, role: Role, unit: Unit,
                   active: bool, now: datetime) -> AccountRequest | None:
    """Apply what lowers or keeps access at once; a raise waits for approval (the old role keeps working)."""
    if user.id == actor.user_id and (not active or role is not Role.ADMIN):
        raise AccountError("not_yourself")
    first = awaiting_first_approval(session, user.id)
    changes = (role.value, unit.id) != (user.role, user.unit_id)
    if changes and (first or needs_approval(Role(user.role), user.unit.path, role, unit.path)):
        keep_role, keep_unit = (role, unit) if first else (Role(user.role), user.unit)  # nobody can log in yet
        update_user(session, actor, user, display_name=display_name, role=keep_role, unit=keep_unit, active=active,
                    now=now)
        return _request(session, actor, user, kind="grant", role=role, unit=unit, now=now)
    update_user(session, actor, user, display_name=display_name, role=role, unit=unit, active=active, now=now)
    return None


def request_reset(session: Session, actor: Actor, user: User, *, now: datetime) -> AccountRequest:
    if awaiting_first_approval(session, user.id):
        raise AccountError("awaiting_approval")
    return _request(session, actor, user, kind="reset", now=now)


def decide(session: Session, approver: Actor, request: AccountRequest, *, approve: bool,
           now: datetime) -> str | None:
    """Approve or reject. Returns the one-time password when one is issued (a new account, a reset)."""
    if not may_decide(approver, request):
        raise AccountError("not_your_decision")
    user = request.user
    request.outcome, request.decided_by_id, request.decided_at = ("approved" if approve else "rejected",
                                                                  approver.user_id, now)
    facts: dict[str, Any] = {"request": request.id, "kind": request.kind, "role": request.role,
                             "unit": request.unit.code if request.unit else None,
                             "requested_by": request.requested_by.username}
    if not approve:
        if request.initial:
            user.active = False  # a refused new account never works
        record(session, approver, "account.reject", now=now, object_type="user", object_id=user.id, after=facts)
        return None
    record(session, approver, "account.approve", now=now, object_type="user", object_id=user.id, after=facts)
    if request.kind == "reset":
        return reset_password(session, approver, user, now=now)
    assert request.role is not None and request.unit is not None
    before = {"role": user.role, "unit": user.unit.code}
    user.role, user.unit = request.role, request.unit
    if before != {"role": user.role, "unit": request.unit.code}:
        record(session, approver, "user.update", now=now, object_type="user", object_id=user.id, before=before,
               after={"role": user.role, "unit": request.unit.code})
    if not request.initial:
        return None
    secret = temporary_password()
    user.password_hash, user.must_change_password = hash_password(secret), True
    return secret


def last_reset_notice(session: Session, user: User) -> AccountRequest | None:
    """The approved reset (or new account) behind the one-time password the user is using, to tell them."""
    q = (select(AccountRequest)
         .where(AccountRequest.user_id == user.id, AccountRequest.outcome == "approved",
                (AccountRequest.kind == "reset") | AccountRequest.initial)
         .order_by(AccountRequest.decided_at.desc()).limit(1))
    found = session.scalar(q)
    if found is None or (user.password_changed_at is not None and found.decided_at is not None
                         and found.decided_at < user.password_changed_at):
        return None
    return found
