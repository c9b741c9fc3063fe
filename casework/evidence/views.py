"""The evidence page of a case: checklist, files, upload (streamed), view/download, withdraw and waive."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from casework.auth.guard import current_actor, requires
from casework.cases.forms import without_controls
from casework.cases.models import Case
from casework.cases.pages import case_or_404, case_page
from casework.domain.access import FINAL_STATES, Actor, Perm, Role, can_see_case
from casework.domain.evidence import kinds_for, status
from casework.evidence.inspect import Inspection, Refused, inspect, thumbnail
from casework.evidence.models import Evidence
from casework.evidence.receive import Limits, Part, UploadError, receive
from casework.evidence.service import (
    Accepted,
    EvidenceError,
    add_files,
    find_evidence,
    items,
    log_denied,
    log_read,
    may_withdraw,
    present,
    revoke_waiver,
    thumbnail_name,
    waive,
    waivers,
    withdraw,
)
from casework.extensions import csrf, talisman
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.settings import file_store, running_app, setting
from casework.ui.files import send_stored
from casework.ui.labels import EVIDENCE_KIND, UPLOAD_ERROR, UPLOAD_REFUSAL

bp = Blueprint("evidence", __name__)


def camera_time(value: str) -> str:
    """The camera's own clock (EXIF keeps no time zone) as the page writes times: 2026年11月29日 09:12."""
    from datetime import datetime

    from casework.ui.filters import day

    try:
        taken = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return _("（无法识别）")
    return f"{day(taken.date())} {taken:%H:%M}"


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"camera_time": camera_time}
# Files are shown as files, never as pages: nothing in them may run, even if a browser sniffs HTML.
SANDBOX = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "video/mp4"})


def may_add(actor: Actor, case: Case) -> bool:
    """Anyone who works on the case adds evidence until it is closed (court papers arrive late)."""
    return actor.can(Perm.CASE_EDIT) and can_see_case(actor, case.unit_path) and case.state not in FINAL_STATES


def _page(case: Case, *, status_code: int = 200, error: str | None = None, refused: Sequence[tuple[str, str]] = (),
          typed: dict[str, str] | None = None) -> Any:
    session = db.session()
    actor = current_actor()
    held = waivers(session, case.id)
    still_open = case.state not in FINAL_STATES
    return render_template(
        "evidence/page.html", case=case, items=items(session, case), waivers=held,
        lines=status(case.category, present(session, case.id), held), kinds=kinds_for(case.category),
        kind_names=EVIDENCE_KIND, may_add=may_add(actor, case),
        may_waive=still_open and actor.role in (Role.LEGAL, Role.LEGAL_HEAD),
        # formdata=None: the form only carries the CSRF token. Bound to the request, it would make Werkzeug parse
        # whatever an upload refused early left unread, and answer 413 instead of the refusal (review F-14).
        may_withdraw=lambda row: still_open and may_withdraw(actor, row), form=FlaskForm(formdata=None), error=error,
        refused=refused,
        typed=typed or {}, max_mb=setting("EVIDENCE_MAX_FILE_BYTES") // (1024 * 1024),
    ), status_code


@bp.route("/cases/<number>/evidence")
@case_page(Perm.CASE_READ)
def page(case: Case) -> Any:
    return _page(case)


def _csrf_ok(token: str) -> bool:
    try:
        validate_csrf(token)
    except ValidationError:
        return False
    return True


def _inspect(part: Part) -> Accepted:
    found: Inspection = inspect(part.staging.path, name_hint=part.name,
                                max_pixels=setting("EVIDENCE_MAX_PIXELS"))
    out = io.BytesIO()
    return Accepted(part, found, out.getvalue() if thumbnail(part.staging.path, out) else None)


@bp.route("/cases/<number>/evidence", methods=["POST"])
@case_page(Perm.CASE_EDIT)
def upload(case: Case) -> Any:
    actor, number = current_actor(), case.number
    if not may_add(actor, case):
        abort(403)
    config = running_app().config
    request.max_content_length = config["EVIDENCE_MAX_REQUEST_BYTES"]
    limits = Limits(max_file_bytes=config["EVIDENCE_MAX_FILE_BYTES"], max_files=config["EVIDENCE_MAX_FILES"])
    try:
        received = receive(request.stream, request.content_type or "", stage=file_store().stage, limits=limits,
                           check_csrf=_csrf_ok)
    except UploadError as failed:
        if failed.code in ("csrf", "not_multipart", "malformed"):
            abort(400)
        return _page(case, status_code=failed.status, error=str(UPLOAD_ERROR.get(failed.code, failed.code)))
    kind, note = received.fields.get("kind", ""), without_controls(received.fields.get("note", "")).strip()[:500]
    typed = {"kind": kind, "note": note}
    if kind not in kinds_for(case.category) or not received.files:
        received.discard()
        return _page(case, status_code=422, typed=typed,
                     error=_("请选择证据类别。") if received.files else _("请选择要上传的文件。"))
    accepted: list[Accepted] = []
    refused: list[tuple[str, str]] = []
    try:
        for part in received.files:
            try:
                accepted.append(_inspect(part))
            except Refused as why:
                part.staging.discard()
                refused.append((part.name, str(UPLOAD_REFUSAL.get(why.code, why.code))))
        kept = []
        if accepted:
            with unit_of_work() as session:
                kept = add_files(session, actor, case, file_store(), accepted, kind=kind, note=note, now=utcnow())
    finally:
        received.discard()  # whatever was not promoted (promoted files have left staging)
    new = [k.name for k in kept if not k.duplicate]
    if new:
        flash(_("已保存 %(n)s 个文件。", n=len(new)), "success")
    for k in kept:
        if k.duplicate:
            flash(_("“%(name)s”与已有证据“%(old)s”内容相同，未重复保存。", name=k.name,
                    old=k.evidence.original_name), "info")
    if refused:
        return _page(case, status_code=422, refused=refused, typed=typed)
    return redirect(url_for("evidence.page", number=number)), 303


def _evidence(number: str, public_id: str) -> Evidence:
    # The file views load through here, not case_page: an id tried on a case out of sight is audited first.
    row, elsewhere = find_evidence(db.session(), current_actor(), number, public_id)
    if elsewhere:
        with unit_of_work() as session:
            log_denied(session, current_actor(), number, public_id, now=utcnow())
    if row is None:
        abort(404)
    return row


def _send(row: Evidence, *, inline: bool) -> Response:
    return send_stored(row.sha256, row.media_type, row.original_name, inline=inline, size=row.size)


@bp.route("/cases/<number>/evidence/<public_id>/download")
@requires(Perm.CASE_READ)
@talisman(content_security_policy=SANDBOX)
def download(number: str, public_id: str) -> Any:
    row = _evidence(number, public_id)
    with unit_of_work() as session:
        log_read(session, current_actor(), row, "evidence.download", now=utcnow())
    return _send(row, inline=False)


@bp.route("/cases/<number>/evidence/<public_id>/view")
@requires(Perm.CASE_READ)
@talisman(content_security_policy=SANDBOX)
def view(number: str, public_id: str) -> Any:
    """Photos and videos open in the browser; everything else (PDFs included) only downloads."""
    row = _evidence(number, public_id)
    with unit_of_work() as session:
        log_read(session, current_actor(), row, "evidence.view", now=utcnow())
    return _send(row, inline=row.media_type in INLINE_TYPES)


@bp.route("/cases/<number>/evidence/<public_id>/thumbnail")
@requires(Perm.CASE_READ)
@talisman(content_security_policy=SANDBOX)
def thumb(number: str, public_id: str) -> Any:
    row = _evidence(number, public_id)
    found = file_store().open_derived(thumbnail_name(row.sha256)) if row.has_thumbnail else None
    if found is None:
        abort(404)
    response = send_file(found, mimetype="image/jpeg", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/cases/<number>/evidence/<public_id>/withdraw", methods=["POST"])
@requires(Perm.CASE_EDIT)
def withdraw_item(number: str, public_id: str) -> Any:
    row = _evidence(number, public_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    case = case_or_404(number)
    if case.state in FINAL_STATES or not may_withdraw(current_actor(), row):
        abort(403)
    try:
        with unit_of_work() as session:
            reason = without_controls(request.form.get("reason", "")[:2000])
            withdraw(session, current_actor(), session.merge(row), reason, now=utcnow())
    except EvidenceError as why:
        flash(_("请填写撤回理由。") if why.key == "reason" else _("该文件已撤回。"), "danger")
        return redirect(url_for("evidence.page", number=number)), 303
    flash(_("文件已撤回，仍保留在案卷中。"), "success")
    return redirect(url_for("evidence.page", number=number)), 303


@bp.route("/cases/<number>/evidence/waivers", methods=["POST"])
@case_page(Perm.CASE_EDIT)
def waive_item(case: Case) -> Any:
    number = case.number
    if not FlaskForm().validate_on_submit():
        abort(400)
    if current_actor().role not in (Role.LEGAL, Role.LEGAL_HEAD) or case.state in FINAL_STATES:
        abort(403)
    kind, reason = request.form.get("kind", ""), without_controls(request.form.get("reason", "")[:2000])
    try:
        with unit_of_work() as session:
            waive(session, current_actor(), case, kind, reason, now=utcnow())
    except EvidenceError as why:
        error = _("免于提交须说明理由。") if why.key == "reason" else _("该项无法免除。")
        return _page(case, status_code=422, error=error, typed={"waive_kind": kind, "waive_reason": reason})
    flash(_("已免除：%(kind)s。", kind=EVIDENCE_KIND.get(kind, kind)), "success")
    return redirect(url_for("evidence.page", number=number)), 303


@bp.route("/cases/<number>/evidence/waivers/<kind>/revoke", methods=["POST"])
@case_page(Perm.CASE_EDIT)
def revoke(case: Case, kind: str) -> Any:
    number = case.number
    if not FlaskForm().validate_on_submit():
        abort(400)
    if current_actor().role not in (Role.LEGAL, Role.LEGAL_HEAD) or case.state in FINAL_STATES:
        abort(403)
    try:
        with unit_of_work() as session:
            revoke_waiver(session, current_actor(), case, kind, now=utcnow())
    except EvidenceError:
        flash(_("该项未被免除。"), "info")
        return redirect(url_for("evidence.page", number=number)), 303
    flash(_("已撤销免除：%(kind)s。", kind=EVIDENCE_KIND.get(kind, kind)), "success")
    return redirect(url_for("evidence.page", number=number)), 303


def case_panel(case: Case, actor: Actor) -> tuple[str, dict[str, Any]]:
    """The checklist on the case page: what is there, what is missing, what was waived."""
    session = db.session()
    counts = present(session, case.id)
    return "evidence/panel.html", {"lines": status(case.category, counts, waivers(session, case.id)),
                                   "files": sum(counts.values()), "may_add": may_add(actor, case)}


csrf.exempt(upload)  # checked in the stream, before any file byte is kept (receive.py)
