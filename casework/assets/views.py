"""The asset register pages: import a version, read any version; the search intake's place fields ask."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from casework.assets.forms import ImportForm
from casework.assets.service import (
    RegisterRefused,
    import_register,
    importable_units,
    register_entries,
    registers,
    search_assets,
)
from casework.auth.guard import current_actor, requires
from casework.auth.models import Unit
from casework.domain.access import Perm
from casework.infra.db import db, unit_of_work, utcnow
from casework.ui.labels import asset_problem

bp = Blueprint("assets", __name__, url_prefix="/assets")

#: The intake fields that offer the register's entries, and which kind of asset each offers.
SUGGESTED = {"grid_line": "line", "grid_district": "district", "grid_tower": "tower"}


@bp.route("/", methods=["GET", "POST"])
@requires(Perm.ASSETS_IMPORT)
def index() -> Any:
    actor = current_actor()
    session = db.session()
    form = ImportForm()
    form.unit_id.choices = [(str(u.id), u.name) for u in importable_units(session, actor)]
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            with unit_of_work() as work:
                unit = work.get(Unit, int(form.unit_id.data))
                assert unit is not None  # it was in the list of choices
                done = import_register(work, actor, unit, upload.read(), source_name=upload.filename or "",
                                       now=utcnow())
        except RegisterRefused as refused:
            problems = [asset_problem(p) for p in refused.problems]
        else:
            flash(_("已导入第 %(version)s 版，共 %(rows)s 条，现为当前版本。", version=done.version, rows=done.rows),
                  "success")
            return redirect(url_for("assets.show", register_id=done.register_id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("assets/index.html", form=form, problems=problems,
                           registers=registers(session, actor)), status


@bp.route("/<int:register_id>")
@requires(Perm.ASSETS_IMPORT)
def show(register_id: int) -> Any:
    found = register_entries(db.session(), current_actor(), register_id)
    if found is None:
        abort(404)
    register, entries = found
    return render_template("assets/show.html", register=register, entries=entries)


@bp.route("/search")
@requires(Perm.CASE_EDIT)
def search() -> Any:
    """JSON: current register entries within the viewer's units whose name, number or village contains q."""
    kind = request.args.get("kind") or None
    if kind is not None and kind not in SUGGESTED.values():
        abort(400)
    return jsonify(search_assets(db.session(), current_actor(), request.args.get("q", ""), kind=kind))


@bp.route("/options/<field>")
@requires(Perm.CASE_EDIT)
def options(field: str) -> Any:
    """The same search as <option>s for an intake field's <datalist> (htmx sends the field under its name)."""
    if field not in SUGGESTED:
        abort(404)
    found = search_assets(db.session(), current_actor(), request.args.get(field, ""), kind=SUGGESTED[field])
    return render_template("assets/_options.html", found=found)
