"""The administrator's pages: users and organisational units. Admins never see or set passwords, and what
would give an account case content waits for someone else's approval (casework/auth/approvals.py)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from casework.auth.approvals import change_account, pending, request_new_account, request_reset
from casework.auth.factor import has_factor, reset_factor
from casework.auth.forms import ConfirmForm, LegalEntityForm, UnitForm, UserForm
from casework.auth.guard import current_actor, requires
from casework.auth.messages import ACCOUNT_ERRORS
from casework.auth.models import Unit, User
from casework.auth.service import AccountError, create_unit, end_sessions
from casework.auth.units import SigningRefused, set_legal_entity, signing_entity
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
                user = request_new_account(
                    session, current_actor(), username=form.username.data or "",
                    display_name=form.display_name.data or "", role=Role(form.role.data),
                    unit=_unit_or_400(session, form.unit_id.data), now=utcnow(),
                )
                approver = _approver_text(Role(user.role))
        except AccountError as err:
            _show_error(form, err, "username")
        else:
            flash(_("已创建用户 %(name)s，等待%(approver)s批准。批准后，一次性密码只显示给批准人，由其当面交给本人。",
                    name=user.username, approver=approver), "success")
            return redirect(url_for("admin.users"))
    all_users = db.session.scalars(select(User).order_by(User.username)).all()
    waiting = {r.user_id for r in pending(db.session())}
    return render_template("admin/users.html", form=form, users=all_users, waiting=waiting)


def _approver_text(role: Role) -> str:
    return str(_("另一位系统管理员") if role is Role.ADMIN else _("负责该单位的法务负责人"))


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
                waits = change_account(
                    session, current_actor(), session.merge(user), display_name=form.display_name.data or "",
                    role=Role(form.role.data), unit=_unit_or_400(session, form.unit_id.data), active=form.active.data,
                    now=utcnow(),
                )
                approver = _approver_text(Role(form.role.data))
        except AccountError as err:
            _show_error(form, err, "active")
        else:
            if waits is not None:
                flash(_("其他修改已保存；角色或单位的变更须经%(approver)s批准后生效。", approver=approver), "warning")
            else:
                flash(_("已保存。"), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", form=form, user=user, confirm=ConfirmForm(),
                           waiting=pending(db.session(), user.id), has_factor=has_factor(db.session(), user.id))


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@requires(Perm.USERS_MANAGE)
def reset_user_password(user_id: int) -> Any:
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            with unit_of_work() as session:
                request_reset(session, current_actor(), session.merge(user), now=utcnow())
        except AccountError as err:
            flash(str(ACCOUNT_ERRORS[err.key]), "danger")
        else:
            flash(_("已申请为 %(name)s 重置密码，等待%(approver)s批准。批准后一次性密码只显示给批准人；本人下次登录时会看到此次重置。",
                    name=user.username, approver=_approver_text(Role(user.role))), "success")
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.route("/users/<int:user_id>/reset-second-factor", methods=["POST"])
@requires(Perm.USERS_MANAGE)
def reset_user_factor(user_id: int) -> Any:
    """A lost phone: another admin removes the factor (never their own); the user sets up a new one at next login."""
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            with unit_of_work() as session:
                reset_factor(session, current_actor(), session.merge(user), now=utcnow())
        except AccountError as err:
            flash(str(ACCOUNT_ERRORS[err.key]), "danger")
        else:
            flash(_("已重置 %(name)s 的两步验证，其所有登录已失效；下次登录时须重新设置。", name=user.username), "success")
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
    return render_template("admin/units.html", form=form, units=units, signer=signing_entity)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@requires(Perm.UNITS_MANAGE)
def edit_unit(unit_id: int) -> Any:
    """The unit's legal entity: its registered name and which unit signs and seals its letters."""
    unit = db.session.get(Unit, unit_id) or abort(404)
    companies = [u for u in _units() if u.legal_name and u.id != unit.id]
    form = LegalEntityForm(legal_name=unit.legal_name, signing_unit_id=unit.signing_unit_id or 0)
    form.signing_unit_id.choices = [(0, _("（默认：本单位或最近的有法人名称的上级）")),
                                    *[(u.id, u.legal_name or u.name) for u in companies]]
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                target = session.get(Unit, unit_id) or abort(404)
                signer = session.get(Unit, form.signing_unit_id.data) if form.signing_unit_id.data else None
                changed = set_legal_entity(session, current_actor(), target, legal_name=form.legal_name.data,
                                           signer=signer, now=utcnow())
        except SigningRefused:
            form.signing_unit_id.errors = [*form.signing_unit_id.errors, _("所选单位没有法人名称，不能签章")]
        else:
            flash(_("已保存法人信息。") if changed else _("没有改动。"), "success" if changed else "info")
            return redirect(url_for("admin.edit_unit", unit_id=unit_id))
    return render_template("admin/unit.html", form=form, unit=unit, signer=signing_entity(unit))
