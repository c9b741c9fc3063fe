"""The administrator's holiday calendar page: statutory rest days and adjusted working days by year."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from casework.auth.forms import ConfirmForm
from casework.auth.guard import current_actor, requires
from casework.domain.access import Perm
from casework.domain.calendar import COVERED_YEAR_MIN_REST_DAYS
from casework.infra.db import db, unit_of_work, utcnow
from casework.ruletable.forms import CalendarDayForm
from casework.ruletable.holidays import remove_day, set_day
from casework.ruletable.models import CalendarDay

bp = Blueprint("calendar", __name__, url_prefix="/admin/calendar")


@bp.route("/", methods=["GET", "POST"])
@requires(Perm.CALENDAR_MANAGE)
def index() -> Any:
    year = request.args.get("year", type=int) or 0
    year = year if 1 <= year <= 9999 else utcnow().year  # a date's range; anything else shows this year
    form = CalendarDayForm()
    if form.validate_on_submit():
        with unit_of_work() as session:
            set_day(session, current_actor(), day=form.day.data, kind=form.kind.data or "holiday",
                    name=form.name.data or "", now=utcnow())
        flash(_("已保存。"), "success")
        return redirect(url_for("calendar.index", year=form.day.data.year))
    days = db.session.scalars(select(CalendarDay).where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
                              .order_by(CalendarDay.day)).all()
    covered = sum(1 for d in days if d.kind == "holiday" and d.day.year == year) >= COVERED_YEAR_MIN_REST_DAYS
    return render_template("ruletable/calendar.html", year=year, days=days, form=form, confirm=ConfirmForm(),
                           covered=covered)


@bp.route("/<day>/remove", methods=["POST"])
@requires(Perm.CALENDAR_MANAGE)
def remove(day: str) -> Any:
    try:
        which = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if ConfirmForm().validate_on_submit():
        with unit_of_work() as session:
            removed = remove_day(session, current_actor(), day=which, now=utcnow())
        if not removed:
            abort(404)
        flash(_("已删除 %(day)s。", day=day), "success")
    return redirect(url_for("calendar.index", year=which.year))
