"""Handling (issue 16): how long registration took to reach the site visit, the officer's first check, the
decision and the payment, and the share of the utility's deadlines met — by unit one level down and by officer
(the case's assignee): the service performance figures the department is assessed on.

Each case carries its figures as columns (analytics.handling_facts keeps them at every flush), read from one
covering index: for each step the database counts the cases per group and duration (a histogram: days are
small whole numbers, the site visit whole minutes), from which domain.handling reads the exact median and
90th percentile; the duties are counted met, missed and not yet due per group, by today. The groups are the
pairs (unit one level down, officer), few since an officer works for one county; the tables sum them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from casework.analytics.handling_facts import DUTY_COLUMNS
from casework.analytics.scope import View, child_units
from casework.analytics.tables import Chart, Column, Section, Table
from casework.auth.models import Unit, User
from casework.cases.models import Case
from casework.domain.handling import (
    DUTY_KINDS,
    MET,
    MISSED,
    OPEN,
    Spread,
    Tally,
    histogram_median,
    histogram_spread,
    merged,
)
from casework.ui.labels import DEADLINE

Link = Callable[..., str]

#: The steps timed, in the order of a claim: (key, label with its unit, its column, minutes per shown unit).
STEPS = (("visit", _l("登记至现场调查（小时）"), Case.visit_minutes, 60),
         ("check", _l("登记至确认审查结论（天）"), Case.check_days, 1),
         ("decision", _l("登记至批准决定（天）"), Case.decision_days, 1),
         ("payment", _l("登记至支付（天）"), Case.payment_days, 1))

NOTE = _l("时长从登记起算：现场调查按小时，其余按北京时间的日历天（当天为 0）；支付按最后一笔支付日。"
          "中位数为居中的值（偶数个取中间两个的平均），90% 分位为按大小排列第 ⌈0.9×件数⌉ 件的值。"
          "期限：在到期日当天或之前完成即为按期；完成晚于到期日或到期后仍未完成为逾期；"
          "尚未到期且未完成的不计，撤回的案件未完成的期限不计。现场调查以第一次调查记录为准，"
          "审查期限以经办人第一次确认审查结论为准，决定期限以待批或已批准的处理意见提出之日为准。")


@dataclass
class Group:
    """The figures of a group of cases (a unit, an officer, all)."""

    cases: int = 0
    durations: list[dict[float, int]] = field(default_factory=lambda: [{} for _step in STEPS])  # histograms
    duties: list[Tally] = field(default_factory=lambda: [Tally() for _kind in DUTY_KINDS])
    pending: list[int] = field(default_factory=lambda: [0 for _kind in DUTY_KINDS])  # undone, not yet due

    def spread(self, step: int) -> Spread:
        return histogram_spread(self.durations[step], STEPS[step][3])

    def median(self, step: int) -> float | None:
        middle = histogram_median(self.durations[step])
        return None if middle is None else middle / STEPS[step][3]

    def all_duties(self) -> Tally:
        return Tally(sum(t.met for t in self.duties), sum(t.missed for t in self.duties))

    def row(self) -> dict[str, Any]:
        total = self.all_duties()
        return {"cases": self.cases, **{f"median_{key}": self.median(i) for i, (key, *_rest) in enumerate(STEPS)},
                "met": total.met, "missed": total.missed, "share": total.share,
                **{f"share_{kind}": self.duties[i].share for i, kind in enumerate(DUTY_KINDS)}}


def summed(groups: list[Group]) -> Group:
    out = Group(cases=sum(g.cases for g in groups))
    out.durations = [merged(g.durations[i] for g in groups) for i in range(len(STEPS))]
    for i in range(len(DUTY_KINDS)):
        out.duties[i] = Tally(sum(g.duties[i].met for g in groups), sum(g.duties[i].missed for g in groups))
        out.pending[i] = sum(g.pending[i] for g in groups)
    return out


def _count(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def read_groups(session: Session, view: View, child: ColumnElement[Any], today: date) -> dict[tuple[Any, Any], Group]:
    """The view's cases grouped by (unit one level down, officer): their number, each step's histogram and the
    duties counted by today. One scan of the covering index per step and one for the cases and duties, each a
    range per unit of the view (its cases' units are those whose path it prefixes, as unit_path says)."""
    where = view.case_where()
    if view.unit_path != "/":
        where.append(Case.unit_id.in_(select(Unit.id).where(Unit.path.startswith(view.unit_path, autoescape=True))
                                      .scalar_subquery()))
    key = (child, Case.assignee_id)
    out: dict[tuple[Any, Any], Group] = {}
    counted = [_count(Case.id.isnot(None))]
    for outcome, due in DUTY_COLUMNS.values():
        status, due_on = getattr(Case, outcome), getattr(Case, due)
        counted += [_count(status == MET), _count(or_(status == MISSED, and_(status == OPEN, due_on < today))),
                    _count(and_(status == OPEN, due_on >= today))]
    for unit, officer, cases, *duties in session.execute(select(*key, *counted).where(*where).group_by(*key)):
        figures = out[unit, officer] = Group(cases=int(cases))
        for i in range(len(DUTY_KINDS)):
            met, missed, pending = (int(n) for n in duties[3 * i:3 * i + 3])
            figures.duties[i], figures.pending[i] = Tally(met, missed), pending
    for i, (_key, _label, column, _scale) in enumerate(STEPS):
        for unit, officer, value, count in session.execute(
                select(*key, column, func.count()).where(*where, column.isnot(None)).group_by(*key, column)):
            out[unit, officer].durations[i][float(value)] = int(count)
    return out


def by(groups: dict[tuple[Any, Any], Group], part: int) -> dict[Any, Group]:
    """The groups summed by one part of their key (0: the unit, 1: the officer)."""
    parts: dict[Any, list[Group]] = {}
    for key, group in groups.items():
        parts.setdefault(key[part], []).append(group)
    return {name: summed(members) for name, members in parts.items()}


def child_path(view: View, unit_path: str) -> str:
    """The path of the unit one level below the view's that holds this case (the litigation page's grouping)."""
    rest = unit_path[len(view.unit_path):]
    return view.unit_path + rest.split("/", 1)[0] + "/"


ROW_COLUMNS = [Column("cases", _l("案件数"), "count"),
               Column("median_visit", _l("现场调查用时中位数（小时）"), "days"),
               Column("median_check", _l("审查用时中位数（天）"), "days"),
               Column("median_decision", _l("决定用时中位数（天）"), "days"),
               Column("median_payment", _l("支付用时中位数（天）"), "days"),
               Column("met", _l("按期"), "count"), Column("missed", _l("逾期"), "count"),
               Column("share", _l("按期率"), "share"),
               Column("share_on_site_investigation", _l("现场调查按期率"), "share"),
               Column("share_internal_first_check", _l("首次审查按期率"), "share"),
               Column("share_internal_decision", _l("决定按期率"), "share")]


def handling(session: Session, view: View, link: Link, today: date) -> Section:
    units = child_units(session, view)
    # The unit one level down that holds each case (None: a case of the view's own unit).
    child = case(*((Case.unit_path.startswith(u.path, autoescape=True), u.id) for u in units), else_=None) \
        if units else func.nullif(0, 0)
    groups = read_groups(session, view, child, today)
    by_unit, everything = by(groups, 0), summed(list(groups.values()))
    section = Section("handling", _l("办理时效"), intro=_l("统计期间内登记的案件（北京时间），不含草稿。"))

    section.tables.append(Table(
        "durations", _l("各环节用时"),
        [Column("step", _l("环节")), Column("count", _l("已完成件数"), "count"), Column("median", _l("中位数"), "days"),
         Column("p90", _l("90% 分位"), "days")],
        [{"step": label, "count": (s := everything.spread(i)).count, "median": s.median, "p90": s.p90}
         for i, (_key, label, *_rest) in enumerate(STEPS)], [], note=NOTE))
    section.charts.append(Chart("durations", _l("各环节用时中位数与 90% 分位"), "step", ("median", "p90")))

    section.tables.append(Table(
        "duties", _l("期限按期情况"),
        [Column("duty", _l("期限")), Column("met", _l("按期"), "count"), Column("missed", _l("逾期"), "count"),
         Column("share", _l("按期率"), "share"), Column("pending", _l("未到期未完成（不计）"), "count")],
        [{"duty": DEADLINE[kind], "met": everything.duties[i].met, "missed": everything.duties[i].missed,
          "share": everything.duties[i].share, "pending": everything.pending[i]} for i, kind in enumerate(DUTY_KINDS)],
        []))
    section.charts.append(Chart("duties", _l("按期与逾期"), "duty", ("met", "missed"), "stacked"))

    shown: list[Unit] = [u for u in units if u.id in by_unit]
    section.tables.append(Table(
        "by_unit", _l("按单位"), [Column("unit", _l("单位")), *ROW_COLUMNS],
        [{"unit": u.name, **by_unit[u.id].row()} for u in shown],
        [link("cases.index", **view.list_args(unit=u.id)) for u in shown],
        drill=[link("analytics.section", name="handling", **view.args(unit=u.id)) for u in shown]))
    section.charts.append(Chart("by_unit", _l("各单位用时中位数（天）"), "unit",
                                ("median_check", "median_decision", "median_payment")))
    section.charts.append(Chart("by_unit", _l("各单位期限按期与逾期"), "unit", ("met", "missed"), "stacked"))

    by_officer = by(groups, 1)
    names: dict[int | None, str] = {row.id: row.display_name for row in session.execute(
        select(User.id, User.display_name).where(User.id.in_([i for i in by_officer if i is not None])))}
    officers = sorted(by_officer, key=lambda i: (i is None, names.get(i, ""), i or 0))
    section.tables.append(Table(
        "by_officer", _l("按经办人"), [Column("officer", _l("经办人")), *ROW_COLUMNS],
        [{"officer": names.get(i, "") if i is not None else _l("未分派"), **by_officer[i].row()} for i in officers],
        [link("cases.index", **view.list_args(assignee=i if i is not None else "none")) for i in officers],
        note=_l("经办人为案件当前的承办法务人员。")))
    section.charts.append(Chart("by_officer", _l("各经办人期限按期与逾期"), "officer", ("met", "missed"), "stacked"))
    return section
