"""Deny by default: every endpoint declares who may call it, and a request hook enforces it (ASVS v5 8.1.1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, g, jsonify, redirect, request, url_for
from flask_login import current_user

from casework.domain.access import Actor, Perm
from casework.infra.settings import running_app

F = TypeVar("F", bound=Callable[..., Any])
_ATTR = "_casework_access"
PUBLIC = "public"
LOGGED_IN = "logged_in"
API_TOKEN = "api_token"  # noqa: S105 - a marker name, not a secret
# Extension endpoints that serve static assets only.
PUBLIC_ENDPOINTS = frozenset({"static", "bootstrap.static", "vendor"})
# Reachable by a user who must first replace a temporary password.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.change_password", "auth.logout", "main.set_language"})
# Reachable by a user whose role must have a second factor before they have one.
FACTOR_SETUP_ENDPOINTS = PASSWORD_CHANGE_ENDPOINTS | {"account.second_factor"}


def public(view: F) -> F:
    setattr(view, _ATTR, PUBLIC)
    return view


def login_required(view: F) -> F:
    setattr(view, _ATTR, LOGGED_IN)
    return view


def api_token(view: F) -> F:
    """Machine endpoints: a bearer token instead of a session cookie (and so no CSRF token)."""
    setattr(view, _ATTR, API_TOKEN)
    return view


def requires(perm: Perm) -> Callable[[F], F]:
    def mark(view: F) -> F:
        setattr(view, _ATTR, perm)
        return view

    return mark


def access_of(app: Flask, endpoint: str) -> str | Perm | None:
    if endpoint in PUBLIC_ENDPOINTS:
        return PUBLIC
    return getattr(app.view_functions.get(endpoint), _ATTR, None)


def current_actor() -> Actor:
    return current_user.actor(request.remote_addr)  # type: ignore[no-any-return]


def enforce() -> Any:
    """before_request: an endpoint without a declaration is refused, whoever asks (fail closed)."""
    if request.endpoint is None:
        return None  # no route matched: Flask answers 404 or 405
    rule = access_of(running_app(), request.endpoint)
    if rule is None:
        abort(403)
    if rule == PUBLIC:
        return None
    if rule == API_TOKEN:
        return _authenticate_token()
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        return redirect(url_for("auth.change_password"))
    if request.endpoint not in FACTOR_SETUP_ENDPOINTS and _needs_enrolment():
        return redirect(url_for("account.second_factor"))
    if isinstance(rule, Perm) and not current_actor().can(rule):
        abort(403)
    return None


def _needs_enrolment() -> bool:
    """A logged-in user of a role that must have a second factor, who has none (e.g. since before the rule)."""
    from casework.auth.factor import has_factor, required_roles
    from casework.infra.db import db

    if current_user.role not in required_roles(running_app().config["SECOND_FACTOR_ROLES"]):
        return False
    return not has_factor(db.session(), current_user.id)


def _authenticate_token() -> Any:
    from casework.auth.tokens import token_row, touch_token
    from casework.infra.db import db, unit_of_work, utcnow

    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    row = token_row(db.session(), secret.strip()) if scheme.lower() == "bearer" and secret else None
    if row is None:
        return jsonify({"errors": [{"path": "", "message": "missing, unknown or revoked API token"}]}), 401
    g.api_user = row.user
    now = utcnow()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        with unit_of_work() as session:
            touch_token(session, row.id, now)
    return None
