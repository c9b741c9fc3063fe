"""Log in, log out, change password."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from casework.auth.approvals import last_reset_notice
from casework.auth.browser import complete_login, start_pending, throttled
from casework.auth.device import device_for
from casework.auth.factor import required_roles, second_step
from casework.auth.forms import ChangePasswordForm, LoginForm
from casework.auth.guard import current_actor, login_required, public
from casework.auth.loader import limits
from casework.auth.messages import ACCOUNT_ERRORS
from casework.auth.service import AccountError
from casework.auth.service import change_password as change_password_service
from casework.auth.sessions import LoginOutcome, end_session, log_in
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.settings import running_app, setting

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site, so the login form cannot bounce users elsewhere."""
    if not target:
        return url_for("main.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    username, now = form.username.data or "", utcnow()
    required = required_roles(setting("SECOND_FACTOR_ROLES"))
    with unit_of_work() as db_session:
        result = log_in(db_session, username, form.password.data or "", ip=request.remote_addr or "-", now=now,
                        limits=limits(running_app().config), device=device_for(request, username),
                        second_step=lambda user: second_step(db_session, user, required))
    if result.outcome is LoginOutcome.THROTTLED:
        return throttled(result.until, now, "auth/login.html", form=form)
    if result.outcome is LoginOutcome.BAD_CREDENTIALS:
        flash(_("用户名或密码不正确。"), "danger")
        return render_template("auth/login.html", form=form), 200
    assert result.user is not None
    target = _safe_next(request.args.get("next"))
    if result.outcome in (LoginOutcome.NEEDS_CODE, LoginOutcome.NEEDS_ENROLMENT):
        enrol = result.outcome is LoginOutcome.NEEDS_ENROLMENT
        start_pending(result.user, enrol=enrol, target=target, now=now)
        return redirect(url_for("account.enrol_at_login" if enrol else "account.code"))
    return complete_login(result.user, result.token, target)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    actor = current_actor()
    token = current_user.session_token
    with unit_of_work() as db_session:
        end_session(db_session, actor, token, now=utcnow())
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        actor = current_actor()
        try:
            with unit_of_work() as db_session:
                change_password_service(
                    db_session, actor, current_user._get_current_object(), current=form.current.data or "", new=form.new.data or "",
                    keep_token=current_user.session_token, now=utcnow(),
                )
        except AccountError as err:
            target = form.current if err.key == "wrong_current_password" else form.new
            target.errors = [*target.errors, str(ACCOUNT_ERRORS[err.key])]
        else:
            flash(_("密码已修改，其他设备上的登录已失效。"), "success")
            return redirect(url_for("main.index"))
    notice = last_reset_notice(db.session(), current_user._get_current_object()) if current_user.must_change_password else None
    return render_template("auth/change_password.html", form=form, notice=notice)
