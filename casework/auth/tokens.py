"""API tokens: created by an administrator for a user, stored only as a hash, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.auth.models import ApiToken, User
from casework.domain.access import Actor

PREFIX = "cwk_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, actor: Actor, user: User, *, name: str, now: datetime) -> tuple[ApiToken, str]:
    """A new token; the secret is returned once and never stored."""
    secret = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(token_hash=_hash(secret), prefix=secret[:10], name=name, user_id=user.id, created_at=now)
    session.add(row)
    session.flush()
    record(session, actor, "token.create", now=now, object_type="api_token", object_id=row.id,
           after={"user": user.username, "name": name, "prefix": row.prefix})
    return row, secret


def revoke_token(session: Session, actor: Actor, token: ApiToken, *, now: datetime) -> None:
    if token.revoked_at is None:
        token.revoked_at = now
        record(session, actor, "token.revoke", now=now, object_type="api_token", object_id=token.id,
               after={"prefix": token.prefix})


def token_row(session: Session, secret: str) -> ApiToken | None:
    """The live token row (its user active), or None."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(secret)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return row


def touch_token(session: Session, token_id: int, now: datetime) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
