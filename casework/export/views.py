"""The auditor's export page: ask for a batch (date range, unit, category, outcome), watch it run in the
background, download the ZIP of bundles when it is ready; and the export history."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, redirect, render_template, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectField, SubmitField
from wtforms.validators import Optional, ValidationError

from casework.audit.service import record
from casework.auth.guard import current_actor, requires
from casework.auth.models import Unit
from casework.cases.listing import menu_units
from casework.cases.submissions import Resubmitted, claim, key_field, posted, settle
from casework.domain.access import Perm, Role
from casework.export import jobs
from casework.export.cases import Criteria
from casework.export.models import ExportJob
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.settings import file_store, render_limits, running_app, setting
from casework.ui.files import disposition, streamed
from casework.ui.labels import CATEGORY, OUTCOME

bp = Blueprint("export", __name__)


class ExportForm(FlaskForm):
    start = DateField(_l("登记日期从"), validators=[Optional()])
    end = DateField(_l("至"), validators=[Optional()])
    unit = SelectField(_l("所属单位（含下级）"), choices=[], validate_choice=True)
    category = SelectField(_l("类别"), choices=[], validate_choice=True)
    outcome = SelectField(_l("审查结论"), choices=[], validate_choice=True)
    form_key = key_field()  # a double click starts one export, not two
    submit = SubmitField(_l("开始导出"))

    def validate_end(self, field: DateField) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("结束日期不能早于开始日期。"))


def _form() -> ExportForm:
    form = ExportForm()
    units = menu_units(db.session(), current_actor(), Unit.code)
    form.unit.choices = [("", _l("全部单位")), *((code, name) for code, name in units)]
    form.category.choices = [("", _l("全部类别")), *CATEGORY.items()]
    form.outcome.choices = [("", _l("全部结论")), *OUTCOME.items()]
    return form


def _sees_all() -> bool:
    """Auditors see every export (the history is theirs to audit); others their own."""
    return current_actor().role is Role.AUDITOR


def _job_or_404(public_id: str) -> ExportJob:
    job = db.session.scalar(select(ExportJob).where(ExportJob.public_id == public_id))
    if job is None or not (_sees_all() or job.requested_by_id == current_actor().user_id):
        abort(404)
    return job


@bp.route("/exports/", methods=["GET", "POST"])
@requires(Perm.CASES_EXPORT)
def index() -> Any:
    form = _form()
    if form.validate_on_submit():
        criteria = Criteria(start=form.start.data, end=form.end.data, unit_code=form.unit.data or "",
                            category=form.category.data or "", outcome=form.outcome.data or "")
        try:
            key = posted(form.form_key)
        except ValueError:
            abort(400)
        try:
            with unit_of_work() as session:
                once = claim(session, current_actor(), key, "export", now=utcnow())
                job = jobs.request_export(session, current_actor(), criteria, now=utcnow())
                public_id = job.public_id
                settle(session, once, public_id)
        except Resubmitted as again:  # the job the first click started
            target = url_for("export.show", public_id=again.ref) if again.ref else url_for("export.index")
            return redirect(target, 303)
        jobs.start(running_app(), public_id,  # type: ignore[attr-defined]
                   workers=setting("EXPORT_WORKERS") or None, limits=render_limits())
        return redirect(url_for("export.show", public_id=public_id)), 303
    status = 422 if form.is_submitted() else 200
    history = jobs.visible(db.session(), current_actor(), all_jobs=_sees_all())
    return render_template("export/index.html", form=form, history=history, now=utcnow(),
                           status_of=jobs.status, **_names(history)), status


def _names(history: list[ExportJob]) -> dict[str, Any]:
    """Who asked, by name (the job keeps their login), and each unit by name (the criteria keep its code)."""
    from casework.auth.models import Unit, User

    ids = {job.requested_by_id for job in history}
    people = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).tuples().all())
    codes = {job.criteria.get("unit") for job in history} - {None, ""}
    units = dict(db.session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes))).tuples().all())
    return {"people": people, "unit_names": units}


@bp.route("/exports/<public_id>")
@requires(Perm.CASES_EXPORT)
def show(public_id: str) -> Any:
    job = _job_or_404(public_id)
    return render_template("export/job.html", job=job, status=jobs.status(job, utcnow()), **_names([job]))


@bp.route("/exports/<public_id>/status")
@requires(Perm.CASES_EXPORT)
def status(public_id: str) -> Any:
    """For the progress indicator (export.js polls it)."""
    job = _job_or_404(public_id)
    return jsonify(state=jobs.status(job, utcnow()), done=job.done, total=job.total,
                   percent=round(100 * job.done / job.total) if job.total else 100)


@bp.route("/exports/<public_id>/download")
@requires(Perm.CASES_EXPORT)
def download(public_id: str) -> Any:
    job = _job_or_404(public_id)
    path = jobs.exports_root(running_app()) / (job.result_name or "")
    if job.state != "done" or not job.result_name:
        abort(404)
    kept = None if path.is_file() else file_store().open_result(job.result_name)  # in the bucket
    if kept is None and not path.is_file():
        abort(404)
    with unit_of_work() as session:
        record(session, current_actor(), "export.batch.download", now=utcnow(), object_type="export",
               object_id=job.public_id, after={"file": job.result_name, "sha256": job.result_sha256})
    if kept is not None:
        response = streamed(kept, "application/zip", etag=job.result_sha256 or job.public_id, length=job.result_size)
        response.headers["Content-Disposition"] = disposition(job.result_name, "application/zip")
    else:
        response = send_file(path, mimetype="application/zip", as_attachment=True, download_name=job.result_name,
                             etag=job.result_sha256 or True, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
