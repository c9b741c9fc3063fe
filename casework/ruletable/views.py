"""The rule-table pages: browse versions, draft a change, preview its impact, submit, approve."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casework.auth.forms import ConfirmForm
from casework.auth.guard import current_actor, requires
from casework.domain.access import Perm, Role
from casework.domain.contract import CATEGORIES
from casework.domain.rules.provisions import provisions_of
from casework.infra import bounds
from casework.infra.db import db, unit_of_work, utcnow
from casework.ruletable import wording
from casework.ruletable.forms import DecisionForm, DraftForm, ParameterForm, UploadForm
from casework.ruletable.impact import impact
from casework.ruletable.models import RuleTableVersion
from casework.ruletable.store import (
    BUNDLED_SUMMARY,
    BUNDLED_SUMMARY_BEFORE,
    DRAFT,
    SUBMITTED,
    TableError,
    calendar,
    create_draft,
    current_table,
    decide,
    in_force,
    parse,
    replace_data,
    set_parameter,
    submit,
)

bp = Blueprint("rules", __name__, url_prefix="/rules")

TABLE_ERRORS = {
    "version_taken": _l("该版本号已存在"),
    "table_invalid": _l("规则表内容无效"),
    "not_a_draft": _l("只有草稿可以修改"),
    "no_such_parameter": _l("没有这个参数"),
    "bad_value": _l("取值格式不对"),
    "not_submitted": _l("该版本未提交审批"),
    "not_legal_head": _l("只有法务负责人可以审批"),
    "own_draft": _l("不能审批自己起草的版本"),
}


def _error(err: TableError) -> None:
    flash(f"{TABLE_ERRORS.get(err.key, err.key)} {err.detail}".strip(), "danger")


def _form_errors(form: Any) -> None:
    """These forms live inside a larger page and redirect back to it, so their errors travel as messages."""
    for field, messages in form.errors.items():
        label = getattr(form, field).label.text if hasattr(form, field) else field
        for message in messages:
            flash(f"{label}：{message}", "danger")


def summary_words(row: RuleTableVersion) -> str:
    """A version's summary as written; the bundled one in the page's language."""
    if row.summary in (BUNDLED_SUMMARY, BUNDLED_SUMMARY_BEFORE):
        return _("随系统发布的规则表（依据法规原文整理，未经核实之处逐条标明）")
    return row.summary or ""


def _version(version: str) -> RuleTableVersion:
    row = db.session.scalar(select(RuleTableVersion).where(RuleTableVersion.version == version))
    if row is None:
        abort(404)
    return row


@bp.route("/")
@requires(Perm.RULES_READ)
def index() -> Any:
    versions = db.session.scalars(select(RuleTableVersion).order_by(RuleTableVersion.id.desc())).all()
    return render_template("ruletable/versions.html", versions=versions, form=DraftForm(), summary=summary_words,
                           can_edit=current_actor().can(Perm.RULES_EDIT))


@bp.route("/drafts", methods=["POST"])
@requires(Perm.RULES_EDIT)
def new_draft() -> Any:
    form = DraftForm()
    if not form.validate_on_submit():
        _form_errors(form)
        return redirect(url_for("rules.index"))
    base = in_force(db.session())
    if base is None:
        abort(409)
    try:
        with unit_of_work() as session:
            create_draft(session, current_actor(), base=session.merge(base), version=form.version.data or "",
                         summary=form.summary.data or "", now=utcnow())
    except TableError as err:
        _error(err)
        return redirect(url_for("rules.index"))
    return redirect(url_for("rules.show", version=form.version.data))


@bp.route("/<version>")
@requires(Perm.RULES_READ)
def show(version: str) -> Any:
    row = _version(version)
    table = parse(row)
    category = request.args.get("category", "")
    instrument = request.args.get("instrument", "")
    rules = [r for r in table.rules
             if (not category or category in r.categories)
             and (not instrument or any(s.instrument == instrument for s in r.sources))]
    instruments = sorted({s.instrument for r in table.rules for s in r.sources})
    actor = current_actor()
    editing = row.status == DRAFT and actor.can(Perm.RULES_EDIT)
    return render_template(
        "ruletable/version.html", row=row, table=table, category=category, instrument=instrument,
        rules=[(r, provisions_of(r)) for r in rules], words=wording, summary=summary_words(row),
        categories=CATEGORIES, instruments=instruments, editing=editing,
        param_form=ParameterForm(), upload_form=UploadForm(), confirm=ConfirmForm(), decision=DecisionForm(),
        can_submit=editing, can_decide=row.status == SUBMITTED and actor.role is Role.LEGAL_HEAD,
    )


@bp.route("/<version>/impact")
@requires(Perm.RULES_READ)
def show_impact(version: str) -> Any:
    row = _version(version)
    session = db.session()
    current = current_table(session)
    changes = impact(session, current=current, proposed=parse(row), calendar=calendar(session), now=utcnow())
    return render_template("ruletable/impact.html", row=row, current=current, changes=changes)


@bp.route("/<version>/parameter", methods=["POST"])
@requires(Perm.RULES_EDIT)
def edit_parameter(version: str) -> Any:
    row = _version(version)
    form = ParameterForm()
    if form.validate_on_submit():
        name, since = form.name.data or "", form.effective_from.data or ""
        param = next((p for p in parse(row).parameters
                      if p.name == name and p.effective_from.isoformat() == since), None)
        what = wording.title(param) if param else _("参数")
        try:
            value = form.value.data or ""
            if not value and param is not None and wording.parts(param):
                value = wording.compose(param.value, dict(request.form))
            if not value.strip():
                flash(_("%(what)s：请填写取值", what=what), "danger")
                return redirect(url_for("rules.show", version=version) + "#parameters")
            with unit_of_work() as session:
                set_parameter(session, current_actor(), session.merge(row), name=name, effective_from=since,
                              value=value, verified=bool(form.verified.data), now=utcnow())
        except TableError as err:
            # named in words: the detail would echo the typed text or the structure's keys
            flash(f"{what}：{TABLE_ERRORS.get(err.key, TABLE_ERRORS['bad_value'])}", "danger")
        else:
            flash(_("%(what)s已保存。", what=what), "success")
    else:
        _form_errors(form)
    return redirect(url_for("rules.show", version=version) + "#parameters")


@bp.route("/<version>/upload", methods=["POST"])
@requires(Perm.RULES_EDIT)
def upload(version: str) -> Any:
    row = _version(version)
    form = UploadForm()
    if form.validate_on_submit():
        try:
            data = bounds.loads(form.file.data.read(10 * 1024 * 1024 + 1))
            with unit_of_work() as session:
                replace_data(session, current_actor(), session.merge(row), data, now=utcnow())
        except bounds.TooDeep as deep:  # refused before parsing: json would recurse until it fails (F-11)
            _error(TableError("table_invalid", _("JSON 嵌套超过 %(n)s 层", n=deep.limit)))
        except ValueError as err:
            _error(err if isinstance(err, TableError) else TableError("table_invalid", "JSON"))
        else:
            flash(_("草稿内容已替换。"), "success")
    else:
        _form_errors(form)
    return redirect(url_for("rules.show", version=version))


@bp.route("/<version>/submit", methods=["POST"])
@requires(Perm.RULES_EDIT)
def submit_draft(version: str) -> Any:
    row = _version(version)
    if ConfirmForm().validate_on_submit():
        try:
            with unit_of_work() as session:
                submit(session, current_actor(), session.merge(row), now=utcnow())
        except TableError as err:
            _error(err)
        else:
            flash(_("已提交法务负责人审批。"), "success")
    return redirect(url_for("rules.show", version=version))


@bp.route("/<version>/decide", methods=["POST"])
@requires(Perm.RULES_EDIT)
def decide_draft(version: str) -> Any:
    row = _version(version)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                decide(session, current_actor(), session.merge(row), approve=bool(form.approve.data),
                       comment=form.comment.data or "", now=utcnow())
        except TableError as err:
            _error(err)
        else:
            flash(_("已发布，现行规则表为 %(v)s。", v=version) if form.approve.data else _("已退回起草人。"),
                  "success")
    return redirect(url_for("rules.show", version=version))
