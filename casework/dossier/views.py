"""Sealing and reading dossiers: on demand from the case page, and automatically when a case is closed."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select

from casework.audit.anchors import configured_stamper
from casework.audit.service import record
from casework.auth.guard import current_actor
from casework.cases.models import Case
from casework.cases.pages import case_page
from casework.cases.submissions import FIELD, Resubmitted, claim, settle, submitted, valid_key
from casework.domain.access import Actor, Perm
from casework.dossier.models import DossierVersion
from casework.dossier.service import keep, render, versions
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.pdf_isolate import RenderFailed
from casework.infra.settings import file_store, render_limits
from casework.ui.facts import claim_facts
from casework.ui.files import send_stored

bp = Blueprint("dossier", __name__)
log = logging.getLogger("casework")
# The case page and the decision page show the claim's facts as the dossier prints them (templates/cases/_facts.html).
bp.add_app_template_global(claim_facts, "claim_facts")



@bp.route("/cases/<number>/dossier", methods=["POST"])
@case_page(Perm.DOSSIER_SEAL)
def seal_view(case: Case) -> Any:
    number = case.number
    if not FlaskForm().validate_on_submit():
        abort(400)
    key = request.form.get(FIELD)  # the form's one-time key: a double click seals one version
    if key is not None and not valid_key(key):
        abort(400)
    try:
        if submitted(db.session(), current_actor(), key):
            raise Resubmitted("dossier", None)  # before laying out a PDF for nothing
        rendered = render(db.session(), case, file_store(), now=utcnow(), limits=render_limits())  # no write lock
        with unit_of_work() as session:
            once = claim(session, current_actor(), key, "dossier", now=utcnow())
            row = keep(session, current_actor(), case, file_store(), rendered, stamper=configured_stamper())
            version = row.version
            settle(session, once, row.id)
    except Resubmitted:
        flash(_("这份表单已经提交过，没有重复封存。"), "info")
        return redirect(url_for("cases.show", number=number)), 303
    flash(_("案卷已封存：第 %(v)s 版。", v=version), "success")
    return redirect(url_for("cases.show", number=number)), 303


@bp.route("/cases/<number>/dossier/<int:version>")
@case_page(Perm.CASE_READ)
def download(case: Case, version: int) -> Any:
    row = db.session.scalar(select(DossierVersion).where(DossierVersion.case_id == case.id,
                                                         DossierVersion.version == version))
    if row is None:
        abort(404)
    with unit_of_work() as session:
        record(session, current_actor(), "dossier.download", now=utcnow(), object_type="case", object_id=case.number,
               case_id=case.id, after={"version": version, "sha256": row.sha256})
    return send_stored(row.sha256, "application/pdf", f"{case.number}-案卷-v{version}.pdf", size=row.size)


@bp.app_errorhandler(RenderFailed)
def render_failed(error: RenderFailed) -> Any:
    """A PDF that could not be laid out in time (or memory): the transaction was rolled back, so nothing was
    sealed, generated or closed. Back to the case with the reason; elsewhere a plain 503 page."""
    log.warning("PDF render failed on %s: %s", request.path, error)
    message = (_("文件生成超时，未保存任何内容，请稍后重试；如仍失败请联系管理员。") if error.code == "timeout"
               else _("文件生成失败（%(why)s），未保存任何内容，请稍后重试；如仍失败请联系管理员。", why=error.code))
    number = (request.view_args or {}).get("number")
    if number:
        flash(message, "danger")
        return redirect(url_for("cases.show", number=number)), 303
    return render_template("errors/error.html", code=503, title="503", message=message, incident=None), 503


def case_panel(case: Case, actor: Actor) -> tuple[str, dict[str, Any]]:
    return "dossier/panel.html", {"versions": versions(db.session(), case.id),
                                  "may_seal": actor.can(Perm.DOSSIER_SEAL)}
