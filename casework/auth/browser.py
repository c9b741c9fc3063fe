"""What a login does to the browser: the half-way state between password and code, and the finished session."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import flash, g, make_response, redirect, render_template, request, session
from flask_babel import gettext as _
from flask_login import login_user

from casework.auth.device import remember_device
from casework.auth.models import User
from casework.infra.db import db
from casework.infra.settings import setting

_PENDING = "login_pending"
#: How long the code (or enrolment) step may follow the password step.
PENDING_FOR = timedelta(minutes=10)


def _fingerprint(user: User) -> str:
    """Changes when the password does, so a reset in between voids a half-done login."""
    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:32]


def start_pending(user: User, *, enrol: bool, target: str, now: datetime) -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session[_PENDING] = {"uid": user.id, "fp": _fingerprint(user), "since": now.timestamp(), "enrol": enrol,
                         "next": target}


def pending_state() -> dict[str, Any] | None:
    value = session.get(_PENDING)
    return value if isinstance(value, dict) else None


def pending_user(now: datetime, *, enrol: bool) -> User | None:
    """The user whose password step this browser passed, if it is recent and still stands."""
    state = pending_state()
    if state is None or bool(state.get("enrol")) is not enrol:
        return None
    if now.timestamp() - float(state.get("since", 0)) > PENDING_FOR.total_seconds():
        return None
    user = db.session.get(User, int(state.get("uid", 0)))
    if user is None or not user.active or _fingerprint(user) != state.get("fp"):
        return None
    return user


def set_pending(key: str, value: Any) -> None:
    state = dict(pending_state() or {})
    state[key] = value
    session[_PENDING] = state


def throttled(until: datetime | None, now: datetime, template: str, **context: Any) -> Any:
    wait = max(1, math.ceil(((until or now) - now).total_seconds()))
    flash(_("登录失败次数过多，请 %(minutes)s 分钟后再试。", minutes=math.ceil(wait / 60)), "danger")
    return render_template(template, **context), 429, {"Retry-After": str(wait)}


def complete_login(user: User, token: str | None, target: str, page: Callable[[], Any] | None = None) -> Any:
    """A new session for the new login (ASVS v5 7.2.4); this browser is remembered for the account.

    The answer is a redirect to `target`, or `page()`, rendered once the user is logged in.
    """
    lang = session.get("lang")
    session.clear()  # nothing from before the login survives, the half-way state included
    g.pop(setting("WTF_CSRF_FIELD_NAME"), None)  # Flask-WTF's token of the old session, cached for this request
    if lang:
        session["lang"] = lang
    user.session_token = token
    login_user(user)
    response = make_response(redirect(target) if page is None else page())
    remember_device(request, response, user.username)
    return response
