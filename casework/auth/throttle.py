"""Throttle the guesser, not the owner (ASVS v5 6.1.1, 6.3.1; OWASP "device cookies").

Failed logins are rows in the database, so every worker and every instance counts the same ones.
A browser that logged in to an account before carries a signed device cookie for it: it is
counted on its own, so an attack from elsewhere (or from the same office address) never keeps
the owner out. Every other browser is counted per account-and-address, per account and per
address. A counter over its limit imposes a delay that doubles with each further failure, up to
the window, instead of a hard lock; failures older than the window are forgotten.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from casework.auth.models import LoginFailure


@dataclass(frozen=True)
class Rules:
    per_pair: int  # one account from one address, and one device cookie
    per_account: int  # one account from anywhere, for browsers without its device cookie
    per_address: int  # one address, any account, for browsers without a device cookie
    window: timedelta
    delay: timedelta  # the first delay once a limit is reached


def device_key(nonce: str) -> str:
    """What is stored of a device cookie's nonce: its hash."""
    return hashlib.sha256(nonce.encode("ascii", "replace")).hexdigest()


def _until(session: Session, rules: Rules, now: datetime, limit: int, *where: ColumnElement[bool]) -> datetime | None:
    count, last = session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(LoginFailure.at >= now - rules.window, *where)
    ).one()
    if not count or count < limit:
        return None
    delay = min(rules.delay * 2 ** min(count - limit, 16), rules.window)
    until: datetime = last + delay
    return until if until > now else None


def throttled_until(session: Session, rules: Rules, *, username: str, ip: str, device: str | None,
                    now: datetime) -> datetime | None:
    """When this attempt may be made, if it may not be made now; None lets it through."""
    if device is not None:
        return _until(session, rules, now, rules.per_pair, LoginFailure.device == device_key(device))
    waits = [
        _until(session, rules, now, rules.per_pair, LoginFailure.username == username, LoginFailure.ip == ip),
        _until(session, rules, now, rules.per_account, LoginFailure.username == username),
        _until(session, rules, now, rules.per_address, LoginFailure.ip == ip),
    ]
    found = [w for w in waits if w is not None]
    return max(found) if found else None


def count_failure(session: Session, *, username: str, ip: str, device: str | None, now: datetime) -> None:
    session.add(LoginFailure(at=now, username=username, ip=ip, device=device_key(device) if device else None))


def forget_failures(session: Session, *, username: str, ip: str, device: str | None) -> None:
    """After a complete login, the owner's own typos from this browser stop counting; others' do not."""
    mine = (LoginFailure.device == device_key(device)) if device else (LoginFailure.ip == ip)
    session.execute(delete(LoginFailure).where(LoginFailure.username == username, mine))
