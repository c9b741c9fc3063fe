"""The analytics pages, their CSV and XLSX downloads (issue 16). Views are thin: read the view (scope.py), build
the section (sections.py), render or write it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from casework.analytics.charts import chart_data
from casework.analytics.scope import View, read_view
from casework.analytics.sections import SECTIONS
from casework.analytics.tables import Section, Table, to_csv, to_xlsx
from casework.audit.service import record
from casework.auth.guard import current_actor, requires
from casework.cases.listing import menu_units
from casework.domain.access import Perm
from casework.domain.summary import CHINA
from casework.infra.db import db, unit_of_work, utcnow
from casework.ui.filters import language
from casework.ui.labels import CATEGORY

bp = Blueprint("analytics", __name__, url_prefix="/analytics")


def _link(endpoint: str, **values: Any) -> str:
    return url_for(endpoint, **values)


def current_view() -> tuple[View, list[Any]]:
    today = utcnow().astimezone(CHINA).date()
    return read_view(db.session(), current_actor(), request.args, today)


def build(name: str) -> tuple[View, list[Any], Section]:
    if name not in SECTIONS:
        abort(404)
    view, problems = current_view()
    return view, problems, SECTIONS[name][1](db.session(), view, _link, request.args)


@bp.route("/")
@requires(Perm.ANALYTICS_READ)
def overview() -> Any:
    return page("overview")


@bp.route("/<name>")
@requires(Perm.ANALYTICS_READ)
def section(name: str) -> Any:
    return page(name)


def section_url(name: str, view: View, **override: Any) -> str:
    if name == "overview":
        return url_for("analytics.overview", **view.args(**override))
    return url_for("analytics.section", name=name, **view.args(**override))


def page(name: str) -> Any:
    view, problems, built = build(name)
    lang = language()
    charts = {table.name: [(f"{table.name}-{i}", chart, chart_data(chart, table, lang))
                           for i, chart in enumerate(built.charts_of(table.name))] for table in built.tables}
    return render_template(  # a page may add to the generic one (analytics/places.html: the threshold)
        [f"analytics/{name}.html", "analytics/page.html"], view=view, problems=problems, section=built, charts=charts,
        tabs=[(key, title, section_url(key, view)) for key, (title, _builder) in SECTIONS.items()], current=name, lang=lang,
        units=menu_units(db.session(), current_actor()), categories=CATEGORY, args=request.args)


def _download(view: View, built: Section, tables: list[Table], extension: str, body: bytes, media_type: str) -> Response:
    first, last = view.period.code()
    title = tables[0].title if len(tables) == 1 else built.title
    name = f"{built.title}-{title}-{view.unit_name}-{first}至{last}.{extension}" if len(tables) == 1 else \
        f"{built.title}-{view.unit_name}-{first}至{last}.{extension}"
    with unit_of_work() as session:  # what left the system, and for whom, is on record
        record(session, current_actor(), "analytics.download", now=utcnow(), object_type="analytics",
               object_id=built.name, after={"tables": [t.name for t in tables], "format": extension,
                                            "period": [first, last], "unit": view.unit_name,
                                            "category": view.category or None, "rows": sum(len(t.rows) for t in tables)})
    response = Response(body, mimetype=media_type)
    ascii_name = f"casework-{built.name}-{first}-{last}.{extension}"
    response.headers["Content-Disposition"] = (f'attachment; filename="{ascii_name}"; '
                                               f"filename*=UTF-8''{quote(name, safe='')}")
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _one_table(name: str, table: str) -> tuple[View, Section, Table]:
    view, _problems, built = build(name)
    try:
        return view, built, built.table(table)
    except KeyError:
        abort(404)


@bp.route("/<name>/<table>.csv")
@requires(Perm.ANALYTICS_READ)
def table_csv(name: str, table: str) -> Any:
    view, built, found = _one_table(name, table)
    return _download(view, built, [found], "csv", to_csv(found, language()), "text/csv; charset=utf-8")


@bp.route("/<name>/<table>.xlsx")
@requires(Perm.ANALYTICS_READ)
def table_xlsx(name: str, table: str) -> Any:
    view, built, found = _one_table(name, table)
    return _download(view, built, [found], "xlsx", to_xlsx([found], language()), XLSX)


@bp.route("/<name>.xlsx")
@requires(Perm.ANALYTICS_READ)
def section_xlsx(name: str) -> Any:
    view, _problems, built = build(name)
    return _download(view, built, built.tables, "xlsx", to_xlsx(built.tables, language(), title=str(built.title)),
                     XLSX)


TITLE = _l("统计分析")
