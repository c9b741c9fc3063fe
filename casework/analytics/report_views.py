"""The PDF report's download (`/analytics/report.pdf?period=2025-Q3&unit=<id>`) and the choices its form on the
analytics pages offers. Thin: read the period and the unit (inside the viewer's scope), build the report
(analytics.report), lay it out in a bounded child process (infra.pdf_isolate), audit what left, send it."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from casework.analytics.report import STYLESHEET, TEMPLATE, build_report
from casework.analytics.scope import read_view
from casework.analytics.views import _link, bp
from casework.audit.service import record
from casework.auth.guard import current_actor, requires
from casework.domain.access import Perm
from casework.domain.periods import Period
from casework.domain.report_periods import (
    default_report_period,
    recent_report_periods,
    report_code,
    report_name,
    report_period,
)
from casework.domain.summary import CHINA
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.pdf import cn_number, default_environment
from casework.infra.pdf_isolate import isolated_pdf
from casework.infra.settings import render_limits
from casework.ui.filters import language


def _refused(code: int, message: str) -> tuple[str, int]:
    title = _("请求无效") if code == 400 else _("无权访问")
    return render_template("errors/error.html", code=code, title=title, message=message, incident=None), code


@bp.route("/report.pdf")
@requires(Perm.ANALYTICS_READ)
def report_pdf() -> Any:
    try:
        period = report_period(request.args.get("period", ""))
    except ValueError:
        return _refused(400, _("报告期间须为一个月（例如 2025-07）或一个季度（例如 2025-Q3）。"))
    first, last = period.code()
    args = {"from": first, "to": last, "unit": request.args.get("unit", "")}
    today = utcnow().astimezone(CHINA).date()
    view, problems = read_view(db.session(), current_actor(), args, today)
    if any(p.field == "unit" for p in problems):  # never the viewer's default unit in place of the one asked for
        return _refused(403, _("所选单位不在您可查看的范围内。"))
    now = utcnow()
    report = build_report(db.session(), view, _link, by=current_user.display_name or current_user.username, now=now)
    html = default_environment().get_template(TEMPLATE).render(report=report, stylesheet=STYLESHEET,
                                                               cn_number=cn_number)
    pdf = isolated_pdf(html, limits=render_limits())  # RenderFailed: a 503 page (dossier.views.render_failed)
    with unit_of_work() as session:  # what left the system, and for whom, is on record
        record(session, current_actor(), "analytics.report", now=now, object_type="analytics", object_id="report",
               after={"period": report.period_code, "unit": view.unit_name,
                      "sections": [s.title for s in report.sections], "rows": report.row_count,
                      "sha256": hashlib.sha256(pdf).hexdigest()})
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (f'attachment; filename="casework-report-{report.period_code}.pdf"; '
                                               f"filename*=UTF-8''{quote(report.filename, safe='')}")
    return response


@bp.app_template_global()
def report_choices(period: Period) -> list[tuple[str, str, bool]]:
    """The report form's periods (code, name in the page's language, chosen): the page's own period when it is
    a month or a quarter, else the last whole quarter."""
    today = utcnow().astimezone(CHINA).date()
    offered = recent_report_periods(today)
    chosen = period if period in offered else default_report_period(today)
    lang = language()
    return [(report_code(p), report_name(p, lang), p == chosen) for p in offered]
