"""Handling (issue 16): how long registration took to reach the site visit, the officer's first check, the
decision and the payment, and the share of the utility's deadlines met — by unit one level down and by officer
(the case's assignee): the service performance figures the department is assessed on.

One query reads, for each of the view's cases, the moments of its steps and its duties' due days (correlated
subqueries on indexed case_id columns); every table is computed from those rows in Python, since medians and
percentiles have no portable SQL. The arithmetic is domain.handling's."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.analytics.scope import View, child_units
from casework.analytics.tables import Chart, Column, Section, Table
from casework.auth.models import Unit, User
from casework.cases.models import Case, CaseDeadline
from casework.cases.site_visit import SiteVisit
from casework.decision.models import Proposal
from casework.domain.deadlines import DUTIES
from casework.domain.handling import (
    DUTY_KINDS,
    Spread,
    Tally,
    days_between,
    duty_outcome,
    hours_between,
    median,
    spread,
)
from casework.domain.lifecycle import State
from casework.ui.labels import DEADLINE

Link = Callable[..., str]

#: The steps timed, in the order of a claim: (key, label with its unit, in hours?).
STEPS = (("visit", _l("登记至现场调查（小时）"), True), ("check", _l("登记至确认审查结论（天）"), False),
         ("decision", _l("登记至批准决定（天）"), False), ("payment", _l("登记至支付（天）"), False))

NOTE = _l("时长从登记起算：现场调查按小时，其余按北京时间的日历天（当天为 0）；支付按最后一笔支付日。"
          "中位数为居中的值（偶数个取中间两个的平均），90% 分位为按大小排列第 ⌈0.9×件数⌉ 件的值。"
          "期限：在到期日当天或之前完成即为按期；完成晚于到期日或到期后仍未完成为逾期；"
          "尚未到期且未完成的不计，撤回的案件未完成的期限不计。现场调查以第一次调查记录为准，"
          "审查期限以经办人第一次确认审查结论为准，决定期限以待批或已批准的处理意见提出之日为准。")


_CHINA_OFFSET = timedelta(hours=8)  # China has kept UTC+8 without summer time since 1991: cheaper than a zone


def _local(moment: datetime | None) -> date | None:
    return (moment + _CHINA_OFFSET).date() if moment is not None else None


PENDING = "pending"  # undone, not yet due: shown beside the duties, never counted


@dataclass(frozen=True)
class Measured:
    """One case's durations (STEPS order, None when the step is not done) and duties (DUTY_KINDS order: MET,
    MISSED, PENDING or None when not counted), computed once from the row read."""

    unit_path: str
    assignee_id: int | None
    durations: tuple[float | None, ...]
    duties: tuple[str | None, ...]


def measure(row: Any, today: date) -> Measured:
    registered = _local(row.registered_at)
    assert registered is not None
    visited = row.visited_at
    # A visit before the claim was filed counts as done at once: the duty was met by then.
    hours = max(0.0, hours_between(row.registered_at, visited)) if visited is not None else None
    checked = _local(row.checked_at)
    days = [float(max(0, days_between(registered, end))) if end is not None else None
            for end in (checked, row.decided_on, row.paid_on)]
    done = {"on_site_investigation": _local(visited), "internal_first_check": checked,
            "internal_decision": _local(row.proposed_at)}
    state = str(row.state)
    duties: list[str | None] = []
    for kind in DUTY_KINDS:
        due = row._mapping[f"due_{kind}"]
        if due is None or (done[kind] is None and state in DUTIES[kind]):
            duties.append(None)  # no such duty, or fulfilled (by its state) at a moment nobody recorded
            continue
        outcome = duty_outcome(due, done[kind], today, withdrawn=state == State.WITHDRAWN.value)
        duties.append(PENDING if outcome is None and state != State.WITHDRAWN.value else outcome)
    return Measured(row.unit_path, row.assignee_id, (hours, *days), tuple(duties))


def read_cases(session: Session, view: View, today: date) -> list[Measured]:
    """The view's cases with their steps and duties: one query whatever their number."""
    def first(column: Any, *where: Any) -> Any:
        return select(func.min(column)).where(*where).correlate(Case).scalar_subquery()

    due = {kind: first(CaseDeadline.due_on, CaseDeadline.case_id == Case.id, CaseDeadline.kind == kind)
           for kind in DUTY_KINDS}
    query = select(
        Case.unit_path, Case.assignee_id, Case.state, Case.registered_at, Case.checked_at, Case.decided_on,
        Case.paid_on, first(SiteVisit.visited_at, SiteVisit.case_id == Case.id).label("visited_at"),
        # The proposal that stands (awaiting approval or approved) met the decision target when it was made.
        select(func.max(Proposal.proposed_at)).where(Proposal.case_id == Case.id,
                                                      Proposal.status.in_(("open", "approved")))
        .correlate(Case).scalar_subquery().label("proposed_at"),
        *(column.label(f"due_{kind}") for kind, column in due.items()),
    ).where(*view.case_where())
    return [measure(row, today) for row in session.execute(query)]


@dataclass
class Group:
    """The figures of a group of cases (a unit, an officer, all)."""

    cases: int = 0
    durations: list[list[float]] = field(default_factory=lambda: [[] for _step in STEPS])
    duties: list[Tally] = field(default_factory=lambda: [Tally() for _kind in DUTY_KINDS])
    pending: list[int] = field(default_factory=lambda: [0 for _kind in DUTY_KINDS])

    def add(self, case: Measured) -> None:
        self.cases += 1
        for values, value in zip(self.durations, case.durations, strict=True):
            if value is not None:
                values.append(value)
        for i, outcome in enumerate(case.duties):
            if outcome == PENDING:
                self.pending[i] += 1
            else:
                self.duties[i].add(outcome)

    def spread(self, step: int) -> Spread:
        return spread(self.durations[step])

    def all_duties(self) -> Tally:
        return Tally(sum(t.met for t in self.duties), sum(t.missed for t in self.duties))

    def row(self) -> dict[str, Any]:
        total = self.all_duties()
        return {"cases": self.cases, **{f"median_{key}": median(self.durations[i]) for i, (key, _l_, _h) in enumerate(STEPS)},
                "met": total.met, "missed": total.missed, "share": total.share,
                **{f"share_{kind}": self.duties[i].share for i, kind in enumerate(DUTY_KINDS)}}


def grouped(cases: Iterable[Measured], key: Callable[[Measured], Any]) -> dict[Any, Group]:
    out: dict[Any, Group] = {}
    for case in cases:
        out.setdefault(key(case), Group()).add(case)
    return out


def child_path(view: View, unit_path: str) -> str:
    """The path of the unit one level below the view's that holds this case."""
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
    cases = read_cases(session, view, today)
    everything = Group()
    for case in cases:
        everything.add(case)
    section = Section("handling", _l("办理时效"), intro=_l("统计期间内登记的案件（北京时间），不含草稿。"))

    section.tables.append(Table(
        "durations", _l("各环节用时"),
        [Column("step", _l("环节")), Column("count", _l("已完成件数"), "count"), Column("median", _l("中位数"), "days"),
         Column("p90", _l("90% 分位"), "days")],
        [{"step": label, "count": (s := everything.spread(i)).count, "median": s.median, "p90": s.p90}
         for i, (_key, label, _h) in enumerate(STEPS)], [], note=NOTE))
    section.charts.append(Chart("durations", _l("各环节用时中位数与 90% 分位"), "step", ("median", "p90")))

    section.tables.append(Table(
        "duties", _l("期限按期情况"),
        [Column("duty", _l("期限")), Column("met", _l("按期"), "count"), Column("missed", _l("逾期"), "count"),
         Column("share", _l("按期率"), "share"), Column("pending", _l("未到期未完成（不计）"), "count")],
        [{"duty": DEADLINE[kind], "met": everything.duties[i].met, "missed": everything.duties[i].missed,
          "share": everything.duties[i].share, "pending": everything.pending[i]} for i, kind in enumerate(DUTY_KINDS)],
        []))
    section.charts.append(Chart("duties", _l("按期与逾期"), "duty", ("met", "missed"), "stacked"))

    units = child_units(session, view)
    by_path = grouped(cases, lambda c: child_path(view, c.unit_path))
    shown: list[Unit] = [u for u in units if u.path in by_path]
    section.tables.append(Table(
        "by_unit", _l("按单位"), [Column("unit", _l("单位")), *ROW_COLUMNS],
        [{"unit": u.name, **by_path[u.path].row()} for u in shown],
        [link("cases.index", **view.list_args(unit=u.id)) for u in shown],
        drill=[link("analytics.section", name="handling", **view.args(unit=u.id)) for u in shown]))
    section.charts.append(Chart("by_unit", _l("各单位用时中位数（天）"), "unit",
                                ("median_check", "median_decision", "median_payment")))
    section.charts.append(Chart("by_unit", _l("各单位期限按期与逾期"), "unit", ("met", "missed"), "stacked"))

    by_officer = grouped(cases, lambda c: c.assignee_id)
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
