"""Where it keeps happening (issue 16): the rectification list — lines, 台区 and towers with at least N claims
of one fault type (the category, domain.hotspots says why) registered in the view's period (by default the
last 12 months), ranked by claims then money paid, with the cases, a trend and a link to them.

The database counts: one grouped read per kind of place (place × category, with the later half's count, the
money paid and the first and last registration), through a covering index on (registered_at, unit_path,
category, grid_line, grid_district, grid_tower, paid_amount), keeping only the places at the threshold and at
most LIMIT of each kind; the same read gathers each place's case numbers and units (aggregate_strings:
group_concat on SQLite, string_agg on PostgreSQL), so the index also carries unit_id and number. The same table is the work
list for the operations department: /analytics/places/worklist.xlsx (one row per place; dates written as
2025年7月20日, as on the page)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, case, cast, func, select
from sqlalchemy.orm import Session

from casework.analytics.overview import Link
from casework.analytics.scope import View
from casework.analytics.tables import Chart, Column, Section, Table
from casework.auth.models import Unit
from casework.cases.models import Case
from casework.domain.hotspots import (
    MINIMUM_BOUNDS,
    PlaceGroup,
    PlaceKey,
    bounded_minimum,
    hotspots,
    middle_day,
)
from casework.domain.summary import CHINA
from casework.ui.filters import day
from casework.ui.labels import ASSET_KIND, CATEGORY, TREND

ZERO = Decimal("0.00")
TOP = 10  # places drawn in the chart (the table lists them all)
#: The longest list: more places than this is no work list; the page says so (narrow the unit, raise N).
LIMIT = 500


def _local_day(at: datetime) -> Any:
    return at.astimezone(CHINA).date()


def _later(view: View) -> Any:
    middle = middle_day(view.period.first, view.period.end)
    return datetime(middle.year, middle.month, middle.day, tzinfo=CHINA)


#: Each kind of place: the columns that name it (a tower with its line).
PLACE_COLUMNS = {"line": (Case.grid_line,), "district": (Case.grid_district,), "tower": (Case.grid_line, Case.grid_tower)}


def place_groups(session: Session, view: View, minimum: int, limit: int) -> list[PlaceGroup]:
    """The view's places of each kind with at least `minimum` claims of one category: the first `limit` of each
    kind in rank order (so the first `limit` of all are among them), counted by the database."""
    later_at = _later(view)
    rows: list[tuple[str, Any]] = []
    for kind, columns in PLACE_COLUMNS.items():
        count, paid = func.count(), func.coalesce(func.sum(Case.paid_amount), 0)
        query = (select(*columns, Case.category, count.label("cases"),
                        func.sum(case((Case.registered_at >= later_at, 1), else_=0)).label("later"), paid.label("paid"),
                        func.min(Case.registered_at).label("first_at"), func.max(Case.registered_at).label("last_at"),
                        func.aggregate_strings(Case.number, ",").label("numbers"),
                        func.aggregate_strings(cast(Case.unit_id, String), ",").label("units"))
                 .where(*view.case_where(), columns[-1].is_not(None))
                 .group_by(*columns, Case.category).having(count >= minimum)
                 .order_by(count.desc(), paid.desc()).limit(limit))
        rows.extend((kind, row) for row in session.execute(query))
    unit_ids = {int(i) for _kind, row in rows for i in row.units.split(",")}
    names: dict[int, str] = {unit_id: name for unit_id, name in session.execute(
        select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids)))}
    out: list[PlaceGroup] = []
    for kind, row in rows:
        name = row.grid_tower if kind == "tower" else row[0]
        key = PlaceKey(kind, name, (row.grid_line or "") if kind == "tower" else "")
        units = tuple(dict.fromkeys(names.get(int(i), "") for i in row.units.split(",")))
        out.append(PlaceGroup(key, row.category, int(row.cases), int(row.later or 0),
                              Decimal(row.paid or 0).quantize(ZERO), _local_day(row.first_at), _local_day(row.last_at),
                              tuple(row.numbers.split(",")), units))
    return out


def place_args(place: PlaceKey) -> dict[str, str]:
    """The case list's filter for one place (a tower with its line)."""
    if place.kind == "tower":
        return {"tower": place.name, **({"line": place.line} if place.line else {})}
    return {place.kind: place.name}


def place_label(place: PlaceKey) -> str:
    return f"{ASSET_KIND[place.kind]}：{place.name}"


def places(session: Session, view: View, link: Link, options: Mapping[str, str]) -> Section:
    minimum, accepted = bounded_minimum(options.get("min"))
    spots = hotspots(place_groups(session, view, minimum, LIMIT), minimum, LIMIT)
    middle = middle_day(view.period.first, view.period.end)
    intro = _("统计期间内登记、同一地点（线路、台区或杆塔）同一类别的索赔达到 %(n)d 起的，列为整改对象；"
              "按案件数、再按已支付金额排序。一个案件按其线路、台区、杆塔分别计入。", n=minimum)
    if not accepted:
        low, high = MINIMUM_BOUNDS
        intro = _("起数应为 %(low)d 至 %(high)d 之间的整数。", low=low, high=high) + intro
    if len(spots) == LIMIT:
        intro += _("只列出排在前面的 %(limit)d 个地点；请缩小单位范围或提高起数。", limit=LIMIT)
    section = Section("places", _l("整改清单"), intro=intro, options={"min": minimum})
    rows: list[dict[str, Any]] = []
    links: list[str | None] = []
    for spot in spots:
        rows.append({
            "unit": "、".join(spot.units), "kind": ASSET_KIND[spot.place.kind], "place": spot.place.name,
            "line": spot.place.line if spot.place.kind == "tower" else "", "category": CATEGORY.get(spot.category, spot.category),
            "cases": spot.count, "first_on": spot.first_on, "last_on": spot.last_on, "paid_amount": spot.paid_amount,
            "trend": TREND[spot.trend], "earlier": spot.earlier, "later": spot.later,
            "numbers": "、".join(spot.numbers),
        })
        links.append(link("cases.index", **view.list_args(category=spot.category, **place_args(spot.place))))
    section.tables.append(Table(
        "worklist", _l("整改清单（工作清单）"),
        [Column("unit", _l("单位")), Column("kind", _l("位置类型")), Column("place", _l("位置")),
         Column("line", _l("所属线路")), Column("category", _l("故障类型")), Column("cases", _l("案件数"), "count"),
         Column("first_on", _l("首次登记"), "date"), Column("last_on", _l("最近登记"), "date"),
         Column("paid_amount", _l("已支付金额"), "money"), Column("trend", _l("趋势")),
         Column("earlier", _l("前半期案件"), "count"), Column("later", _l("后半期案件"), "count"),
         Column("numbers", _l("案件编号"))],
        rows, links,
        note=_("故障类型即索赔类别。趋势比较前后两个半期的案件数：前半期为 %(day)s 之前，后半期自 %(day)s 起。",
               day=day(middle))))
    top = [{"place": place_label(s.place) + (f"（{s.place.line}）" if s.place.kind == "tower" and s.place.line else ""),
            "category": CATEGORY.get(s.category, s.category), "cases": s.count, "paid_amount": s.paid_amount}
           for s in spots[:TOP]]
    section.tables.append(Table(
        "top", _l("案件最多的地点"),
        [Column("place", _l("位置")), Column("category", _l("故障类型")), Column("cases", _l("案件数"), "count"),
         Column("paid_amount", _l("已支付金额"), "money")], top, links[:TOP]))
    section.charts.append(Chart("top", _l("案件最多的地点"), "place", ("cases",)))
    return section
