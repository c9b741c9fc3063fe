"""Flask-Login wiring: the cookie holds a session token, and every request re-reads it from the database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask

from casework.auth.models import User
from casework.auth.sessions import Limits, load_session, touch_session
from casework.extensions import login_manager
from casework.infra.db import db, unit_of_work, utcnow


def limits(config: Any) -> Limits:
    return Limits(
        per_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
        per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        window=timedelta(minutes=config["LOGIN_WINDOW_MINUTES"]),
        idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]),
        per_pair=config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"],
        delay=timedelta(seconds=config["LOGIN_DELAY_SECONDS"]),
    )


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # Roles and units are read fresh on every request, and the server-side session row is the
    # authority, so Flask-Login's cookie fingerprinting adds nothing.
    login_manager.session_protection = None

    def load_user(token: str) -> User | None:
        now = utcnow()
        loaded = load_session(db.session(), token, now=now, limits=limits(app.config))
        if loaded is None:
            return None
        if loaded.needs_touch:  # keep the idle clock honest without a write on every request
            with unit_of_work() as session:
                touch_session(session, token, now)
        return loaded.user

    login_manager.user_loader(load_user)
