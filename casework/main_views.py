"""The home page (each role lands where its work is) and the language switch."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, request, session, url_for
from flask_login import current_user

from casework.auth.guard import login_required, public
from casework.domain.access import Perm
from casework.web import LANGUAGES

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def index() -> Any:
    if current_user.actor().can(Perm.CASE_READ):
        return redirect(url_for("cases.index"))
    return redirect(url_for("admin.users"))


@bp.route("/language", methods=["POST"])
@public
def set_language() -> Any:
    lang = request.form.get("lang", "")
    if lang in LANGUAGES:
        session["lang"] = lang
    back = request.referrer or ""
    host = request.host_url
    return redirect(back if back.startswith(host) else url_for("main.index"))
