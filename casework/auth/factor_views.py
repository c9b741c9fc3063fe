"""The login's second step (code, or enrolment for roles that must have a factor), one's own second factor,
and the approvals of account requests."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casework.auth import approvals
from casework.auth.browser import complete_login, pending_state, pending_user, set_pending, throttled
from casework.auth.device import device_for
from casework.auth.factor import enrol, enrol_and_log_in, has_factor, log_in_with_code, unused_recovery_codes
from casework.auth.factor_models import AccountRequest
from casework.auth.forms import CodeForm, DecisionForm, EnrolForm
from casework.auth.guard import current_actor, login_required, public, requires
from casework.auth.loader import limits
from casework.auth.messages import ACCOUNT_ERRORS
from casework.auth.service import AccountError
from casework.auth.sessions import LoginOutcome
from casework.auth.totp import new_secret, provisioning_uri, qr_data_uri
from casework.domain.access import Perm
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.settings import running_app, setting

bp = Blueprint("account", __name__)


def _expired() -> Any:
    flash(_("登录已超时，请重新输入密码。"), "warning")
    return redirect(url_for("auth.login"))


@bp.route("/login/code", methods=["GET", "POST"])
@public
def code() -> Any:
    now = utcnow()
    user = pending_user(now, enrol=False)
    if user is None:
        return _expired()
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("auth/code.html", form=form)
    with unit_of_work() as db_session:
        result = log_in_with_code(db_session, db_session.merge(user), form.code.data or "",
                                  ip=request.remote_addr or "-", device=device_for(request, user.username), now=now,
                                  limits=limits(running_app().config))
    if result.outcome is LoginOutcome.THROTTLED:
        return throttled(result.until, now, "auth/code.html", form=form)
    if result.outcome is LoginOutcome.BAD_CREDENTIALS:
        flash(_("验证码不正确，或已经用过。"), "danger")
        return render_template("auth/code.html", form=CodeForm(formdata=None)), 200
    assert result.user is not None
    return complete_login(result.user, result.token, str((pending_state() or {}).get("next") or "/"))


def _setup(secret: str, username: str) -> dict[str, Any]:
    uri = provisioning_uri(secret, username=username, issuer=setting("SECOND_FACTOR_ISSUER"))
    return {"qr": qr_data_uri(uri), "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))}


@bp.route("/login/enrol", methods=["GET", "POST"])
@public
def enrol_at_login() -> Any:
    """Roles that must have a second factor set it up here, right after their first password step."""
    now = utcnow()
    user = pending_user(now, enrol=True)
    if user is None:
        return _expired()
    secret = str((pending_state() or {}).get("secret") or "")
    if not secret:
        secret = new_secret()
        set_pending("secret", secret)
    form = EnrolForm()
    page = {"form": form, "required": True, **_setup(secret, user.username)}
    if not form.validate_on_submit():
        return render_template("auth/enrol.html", **page)
    target = str((pending_state() or {}).get("next") or "/")
    try:
        with unit_of_work() as db_session:
            result, codes = enrol_and_log_in(db_session, db_session.merge(user), secret=secret,
                                             code=form.code.data or "", ip=request.remote_addr or "-",
                                             device=device_for(request, user.username), now=now,
                                             limits=limits(running_app().config))
    except AccountError:  # enrolled meanwhile, in another tab: log in with a code instead
        return _expired()
    if result.outcome is LoginOutcome.THROTTLED:
        return throttled(result.until, now, "auth/enrol.html", **page)
    if result.outcome is LoginOutcome.BAD_CREDENTIALS:
        flash(_("验证码不正确，请核对手机时间后重试。"), "danger")
        return render_template("auth/enrol.html", **page), 200
    assert result.user is not None
    return complete_login(result.user, result.token, target,
                          page=lambda: render_template("auth/recovery_codes.html", codes=codes, target=target))


_SETUP = "factor_setup"


@bp.route("/account/second-factor", methods=["GET", "POST"])
@login_required
def second_factor() -> Any:
    """One's own second factor: its state, or setting one up (required roles are sent here until they have one)."""
    user = current_user._get_current_object()
    if has_factor(db.session(), user.id):
        session.pop(_SETUP, None)
        return render_template("auth/second_factor.html", unused=unused_recovery_codes(db.session(), user.id))
    secret = session.get(_SETUP) or new_secret()
    session[_SETUP] = secret
    form = EnrolForm()
    page = {"form": form, "required": False, **_setup(secret, user.username)}
    if form.validate_on_submit():
        try:
            with unit_of_work() as db_session:
                codes = enrol(db_session, current_actor(), db_session.merge(user), secret=secret,
                              code=form.code.data or "", now=utcnow())
        except AccountError:  # enrolled meanwhile, in another tab
            return redirect(url_for("account.second_factor"))
        if codes is not None:
            session.pop(_SETUP, None)
            return render_template("auth/recovery_codes.html", codes=codes, target=url_for("main.index"))
        form.code.errors = [*form.code.errors, _("验证码不正确，请核对手机时间后重试。")]
    return render_template("auth/enrol.html", **page)


@bp.route("/account/approvals", methods=["GET", "POST"])
@requires(Perm.ACCOUNTS_APPROVE)
def approvals_page() -> Any:
    """Requests this user may decide; a password issued by an approval is shown here, once, to the approver."""
    actor = current_actor()
    form = DecisionForm()
    issued: dict[str, str] | None = None
    if form.validate_on_submit():
        with unit_of_work() as db_session:
            found = db_session.get(AccountRequest, form.request_id.data)
            if found is None or not approvals.may_decide(actor, found):
                abort(404)
            try:
                secret = approvals.decide(db_session, actor, found, approve=bool(form.approve.data), now=utcnow())
            except AccountError as err:
                flash(str(ACCOUNT_ERRORS[err.key]), "danger")
                return redirect(url_for("account.approvals_page"))
            username = found.user.username
        if secret is not None:
            issued = {"username": username, "secret": secret}
        else:
            flash(_("已处理。"), "success")
            return redirect(url_for("account.approvals_page"))
    mine = [r for r in approvals.pending(db.session()) if approvals.may_decide(actor, r)]
    return render_template("auth/approvals.html", requests=mine, form=DecisionForm(formdata=None), issued=issued)

