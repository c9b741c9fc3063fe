"""Sealing and reading dossiers: on demand from the case page, and automatically when a case is closed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.auth.guard import current_actor, requires
from casework.cases.models import Case
from casework.cases.views import case_or_404, panel
from casework.cases.workflow import after
from casework.db import db, unit_of_work, utcnow
from casework.documents.isolate import RenderFailed
from casework.domain.access import Actor, Perm
from casework.domain.lifecycle import Event
from casework.dossier.models import DossierVersion
from casework.dossier.service import keep, render, seal, versions
from casework.evidence.storage import configured_store
from casework.evidence.views import render_limits, send_stored, store

bp = Blueprint("dossier", __name__)



@bp.route("/cases/<number>/dossier", methods=["POST"])
@requires(Perm.DOSSIER_SEAL)
def seal_view(number: str) -> Any:
    case = case_or_404(number)
    if not FlaskForm().validate_on_submit():
        abort(400)
    rendered = render(db.session(), case, store(), now=utcnow(), limits=render_limits())  # no write lock held
    with unit_of_work() as session:
        row = keep(session, current_actor(), case, store(), rendered)
        version = row.version
    flash(_("案卷已封存：第 %(v)s 版。", v=version), "success")
    return redirect(url_for("cases.show", number=number)), 303


@bp.route("/cases/<number>/dossier/<int:version>")
@requires(Perm.CASE_READ)
def download(number: str, version: int) -> Any:
    case = case_or_404(number)
    row = db.session.scalar(select(DossierVersion).where(DossierVersion.case_id == case.id,
                                                         DossierVersion.version == version))
    if row is None:
        abort(404)
    with unit_of_work() as session:
        record(session, current_actor(), "dossier.download", now=utcnow(), object_type="case", object_id=case.number,
               case_id=case.id, after={"version": version, "sha256": row.sha256})
    return send_stored(row.sha256, "application/pdf", f"{case.number}-案卷-v{version}.pdf")


@after(Event.CLOSE)
def seal_on_close(session: Session, actor: Actor, case: Case, now: datetime, targets: Mapping[str, int]) -> None:
    """Closing a case seals its dossier in the same transaction: the closed file is the sealed file."""
    seal(session, actor, case, configured_store(current_app.config["EVIDENCE_ROOT"], current_app.instance_path),
         now=now, limits=render_limits())


@bp.app_errorhandler(RenderFailed)
def render_failed(error: RenderFailed) -> Any:
    """A PDF that could not be laid out in time (or memory): the transaction was rolled back, so nothing was
    sealed, generated or closed. Back to the case with the reason; elsewhere a plain 503 page."""
    current_app.logger.warning("PDF render failed on %s: %s", request.path, error)
    message = (_("文件生成超时，未保存任何内容，请稍后重试；如仍失败请联系管理员。") if error.code == "timeout"
               else _("文件生成失败（%(why)s），未保存任何内容，请稍后重试；如仍失败请联系管理员。", why=error.code))
    number = (request.view_args or {}).get("number")
    if number:
        flash(message, "danger")
        return redirect(url_for("cases.show", number=number)), 303
    return render_template("errors/error.html", code=503, title="503", message=message, incident=None), 503


@panel
def _case_panel(case: Case, actor: Actor) -> tuple[str, dict[str, Any]]:
    return "dossier/panel.html", {"versions": versions(db.session(), case.id),
                                  "may_seal": actor.can(Perm.DOSSIER_SEAL)}
