"""The administrator's pages: users and organisational units. Admins never see or set passwords."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from casework.auth.forms import ConfirmForm, UnitForm, UserForm
from casework.auth.guard import current_actor, requires
from casework.auth.messages import ACCOUNT_ERRORS
from casework.auth.models import Unit, User
from casework.auth.service import AccountError, create_unit, create_user, end_sessions, reset_password, update_user
from casework.domain.access import Perm, Role
from casework.infra.db import db, unit_of_work, utcnow

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).order_by(Unit.path)))


def _unit_choices(units: list[Unit]) -> list[tuple[int, str]]:
    return [(u.id, "　" * (u.path.count("/") - 2) + u.name) for u in units]


def _show_error(form: Any, err: AccountError, field: str) -> None:
    target = getattr(form, field)
    target.errors = [*target.errors, str(ACCOUNT_ERRORS[err.key])]


@bp.route("/users", methods=["GET", "POST"])
@requires(Perm.USERS_MANAGE)
def users() -> Any:
    units = _units()
    form = UserForm()
    form.unit_id.choices = _unit_choices(units)
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                user, secret = create_user(
                    session, current_actor(), username=form.username.data or "",
                    display_name=form.display_name.data or "", role=Role(form.role.data),
                    unit=_unit_or_400(session, form.unit_id.data), now=utcnow(),
                )
        except AccountError as err:
            _show_error(form, err, "username")
        else:
            flash(_("已创建用户 %(name)s。一次性密码：%(secret)s（只显示这一次，请当面交给本人，首次登录须修改）",
                    name=user.username, secret=secret), "success")
            return redirect(url_for("admin.users"))
    all_users = db.session.scalars(select(User).order_by(User.username)).all()
    return render_template("admin/users.html", form=form, users=all_users)


def _unit_or_400(session: Any, unit_id: int | None) -> Unit:
    """The form offered only existing units; one that vanished since is a stale form."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        abort(400)
    return unit  # type: ignore[no-any-return]


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Perm.USERS_MANAGE)
def edit_user(user_id: int) -> Any:
    user = _user_or_404(user_id)
    form = UserForm(obj=user)
    form.unit_id.choices = _unit_choices(_units())
    form.username.render_kw = {"readonly": True}
    form.username.data = user.username  # the login name never changes: the audit trail refers to it
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                update_user(
                    session, current_actor(), user, display_name=form.display_name.data or "",
                    role=Role(form.role.data), unit=_unit_or_400(session, form.unit_id.data), active=form.active.data,
                    now=utcnow(),
                )
        except AccountError as err:
            _show_error(form, err, "active")
        else:
            flash(_("已保存。"), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", form=form, user=user, confirm=ConfirmForm())


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@requires(Perm.USERS_MANAGE)
def reset_user_password(user_id: int) -> Any:
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        with unit_of_work() as session:
            secret = reset_password(session, current_actor(), user, now=utcnow())
        flash(_("已为 %(name)s 生成一次性密码：%(secret)s（只显示这一次），其所有登录已失效。",
                name=user.username, secret=secret), "success")
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.route("/users/<int:user_id>/end-sessions", methods=["POST"])
@requires(Perm.USERS_MANAGE)
def end_user_sessions(user_id: int) -> Any:
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        with unit_of_work() as session:
            ended = end_sessions(session, current_actor(), user, now=utcnow())
        flash(_("已结束 %(count)s 个登录会话。", count=ended), "success")
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.route("/units", methods=["GET", "POST"])
@requires(Perm.UNITS_MANAGE)
def units() -> Any:
    units = _units()
    form = UnitForm()
    form.parent_id.choices = [(0, _("（无，作为省公司）")), *_unit_choices(units)]
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                parent = session.get(Unit, form.parent_id.data) if form.parent_id.data else None
                create_unit(session, current_actor(), code=form.code.data or "", name=form.name.data or "",
                            kind=form.kind.data or "", parent=parent, now=utcnow())
        except AccountError as err:
            _show_error(form, err, "code" if err.key == "unit_code_taken" else "kind")
        else:
            flash(_("已新建单位。"), "success")
            return redirect(url_for("admin.units"))
    return render_template("admin/units.html", form=form, units=units)
