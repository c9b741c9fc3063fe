"""The copycat signal (issue 16): for each settlement (goodwill or not) decided in the view's period at a 台区,
the claims of the same category at that 台区 registered in the 6 months before and after it; flagged when
they jump (domain.hotspots: the windows, their edges, the rule and why registration dates).

The place is the 台区 recorded on the case: the addresses are free text and cannot be grouped. The village
shown beside it is the one the current asset register gives for that 台区 (within the view's units), for the
reader; it is not a grouping of its own, so every figure's link lists exactly the claims counted
(台区 + category + registration days on the case list). Claims are counted within the view's unit, as every
figure is, but over the windows even where they reach outside the view's period."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from casework.analytics.overview import Link
from casework.analytics.scope import View
from casework.analytics.tables import Chart, Column, Section, Table
from casework.assets.models import Asset, AssetRegister
from casework.cases.models import Case
from casework.domain.hotspots import (
    JUMP_FACTOR,
    JUMP_MINIMUM,
    WINDOW_MONTHS,
    Claim,
    Settlement,
    Window,
    copycat_signals,
    windows,
)
from casework.domain.summary import CHINA
from casework.ui.labels import CATEGORY

ZERO = Decimal("0.00")


def _unit_where(view: View) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [
        Case.unit_path.startswith(view.unit_path, autoescape=True) if view.unit_path != "/" else true()]
    if view.category:
        where.append(Case.category == view.category)
    return where


def _start(day: Any) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=CHINA)


def settlements(session: Session, view: View) -> list[Settlement]:
    query = (select(Case.number, Case.grid_district, Case.category, Case.decided_on, Case.goodwill_payment,
                    Case.settled_amount)
             .where(*_unit_where(view), Case.decision_kind == "settled", Case.grid_district.is_not(None),
                    Case.decided_on >= view.period.first, Case.decided_on <= view.period.last_day))
    return [Settlement(r.number, r.grid_district, r.category, r.decided_on, bool(r.goodwill_payment),
                       Decimal(r.settled_amount or 0).quantize(ZERO)) for r in session.execute(query)]


def nearby_claims(session: Session, view: View, settled: list[Settlement]) -> list[Claim]:
    """The registered claims at the settlements' 台区 in any of their windows (one read)."""
    if not settled:
        return []
    first = min(windows(s.decided_on)[0].first for s in settled)
    last = max(windows(s.decided_on)[1].last for s in settled)
    query = (select(Case.number, Case.grid_district, Case.category, Case.registered_at)
             .where(*_unit_where(view), Case.grid_district.in_({s.place for s in settled}),
                    Case.category.in_({s.category for s in settled}),
                    Case.registered_at >= _start(first), Case.registered_at < _start(last + timedelta(days=1))))
    return [Claim(r.number, r.grid_district, r.category, r.registered_at.astimezone(CHINA).date())
            for r in session.execute(query)]


def villages(session: Session, view: View, districts: set[str]) -> dict[str, str]:
    """The village the current asset registers give for each 台区 (several joined, when units share a name)."""
    if not districts:
        return {}
    query = (select(Asset.name, Asset.village).join(AssetRegister, AssetRegister.id == Asset.register_id)
             .where(AssetRegister.is_current.is_(True), Asset.kind == "district", Asset.name.in_(districts),
                    Asset.village.is_not(None),
                    Asset.unit_path.startswith(view.unit_path, autoescape=True) if view.unit_path != "/" else true())
             .order_by(Asset.name, Asset.village))
    out: dict[str, list[str]] = {}
    for name, village in session.execute(query):
        if village not in out.setdefault(name, []):
            out[name].append(village)
    return {name: "、".join(found) for name, found in out.items()}


def _window_args(window: Window) -> dict[str, str]:
    return {"reg_from": window.first.isoformat(), "reg_to": window.last.isoformat()}


def copycat(session: Session, view: View, link: Link, _options: Mapping[str, str]) -> Section:
    settled = settlements(session, view)
    signals = copycat_signals(settled, nearby_claims(session, view, settled))
    village = villages(session, view, {s.place for s in settled})
    section = Section("copycat", _l("跟风索赔"), intro=_(
        "统计期间内作出的每一笔和解赔偿（含酌情补偿），同一台区、同一类别在决定前后各 %(months)d 个月内登记的索赔"
        "（不含决定当天，不含该案本身）。决定后的索赔不少于决定前的 %(factor)d 倍、且不少于 %(minimum)d 起的，"
        "标为“索赔激增”。", months=WINDOW_MONTHS, factor=JUMP_FACTOR, minimum=JUMP_MINIMUM))
    rows: list[dict[str, Any]] = []
    links: list[str | None] = []
    for signal in signals:
        s = signal.settlement
        rows.append({"district": s.place, "village": village.get(s.place, ""),
                     "category": CATEGORY.get(s.category, s.category), "decided_on": s.decided_on,
                     "kind": _("酌情补偿") if s.goodwill else _("和解赔偿"), "amount": s.amount, "number": s.number,
                     "before": signal.claims_before, "after": signal.claims_after,
                     "signal": _("索赔激增") if signal.jumped else ""})
        links.append(link("cases.index", **view.list_args(category=s.category, district=s.place,
                                                          **_window_args(signal.after))))
    section.tables.append(Table(
        "signals", _l("和解前后同一台区的索赔"),
        [Column("district", _l("台区")), Column("village", _l("所在村（资产台账）")), Column("category", _l("类别")),
         Column("decided_on", _l("决定日期"), "date"), Column("kind", _l("处理")), Column("amount", _l("和解金额"), "money"),
         Column("number", _l("案件编号")), Column("before", _l("决定前索赔"), "count"),
         Column("after", _l("决定后索赔"), "count"), Column("signal", _l("信号"))],
        rows, links, note=_l("“查看案件”列出决定后期间内的索赔。村名取自台区在资产台账中的记录；地址为自由填写，不作归类。")))
    section.charts.append(Chart("signals", _l("和解前后的索赔"), "district", ("before", "after")))
    return section
