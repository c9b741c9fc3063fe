"""The overview (issue 16): claims by category, unit and month; the outcomes of the check and of the decision;
money claimed, assessed and paid; goodwill payments and precedent-risk flags by unit and by approver.

Counts and sums come from the claims summary (case_summary), two grouped reads whatever the period; goodwill
and precedent risks from the approved proposals of the view's cases. Everything counts the cases registered
in the period (the month of registration in China), as the case list's registration filter does."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from casework.analytics.scope import View, child_units
from casework.analytics.tables import Chart, Column, Section, Table
from casework.auth.models import Unit, User
from casework.cases.models import Case, CaseSummary
from casework.decision.models import Proposal
from casework.domain.periods import Period
from casework.domain.summary import DECISIONS, FIGURES, MONEY, OUTCOMES
from casework.ui.labels import CATEGORY, DECIDED, OUTCOME

Link = Callable[..., str]  # the URL of an endpoint with query values (flask.url_for, bound by the view)
ZERO = Decimal("0.00")


def _sums() -> list[Any]:
    return [func.coalesce(func.sum(getattr(CaseSummary, name)), 0).label(name) for name in FIGURES]


def _figures(row: Any) -> dict[str, Any]:
    return {name: (Decimal(row[name] or 0).quantize(ZERO) if name in MONEY else int(row[name] or 0))
            for name in FIGURES}


def _add(into: dict[str, Any], figures: dict[str, Any]) -> None:
    for name, value in figures.items():
        into[name] = into.get(name, 0) + value


def summary_rows(session: Session, view: View) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[Any, dict[str, Any]]]:
    """The view's figures by (unit path, category), and by month."""
    by_unit_category = {
        (row["unit_path"], row["category"]): _figures(row)
        for row in session.execute(select(CaseSummary.unit_path, CaseSummary.category, *_sums())
                                   .where(*view.summary_where())
                                   .group_by(CaseSummary.unit_path, CaseSummary.category)).mappings()}
    by_month = {row["month_on"]: _figures(row)
                for row in session.execute(select(CaseSummary.month_on, *_sums()).where(*view.summary_where())
                                           .group_by(CaseSummary.month_on)).mappings()}
    return by_unit_category, by_month


MONEY_COLUMNS = [Column("claimed_amount", _l("索赔金额"), "money"), Column("assessed_amount", _l("审查认定金额"), "money"),
                 Column("paid_amount", _l("已支付金额"), "money"),
                 Column("paid_above_assessed_amount", _l("超出认定的支付"), "money")]


def overview(session: Session, view: View, link: Link) -> Section:
    by_unit_category, by_month = summary_rows(session, view)
    total: dict[str, Any] = {}
    categories: dict[str, dict[str, Any]] = {}
    for (_path, category), figures in by_unit_category.items():
        _add(total, figures)
        _add(categories.setdefault(category, {}), figures)
    section = Section("overview", _l("总览"), intro=_l("按登记月份统计（北京时间），不含草稿。"))

    rows = [{"category": CATEGORY.get(code, _l("其他")), **categories[code]}
            for code in CATEGORY if categories.get(code, {}).get("cases")]
    codes = [code for code in CATEGORY if categories.get(code, {}).get("cases")]
    section.tables.append(Table(
        "by_category", _l("按类别"),
        [Column("category", _l("类别")), Column("cases", _l("案件数"), "count"), *MONEY_COLUMNS],
        rows, [*(link("cases.index", **view.list_args(category=code)) for code in codes)]))
    section.charts.append(Chart("by_category", _l("各类别案件数"), "category", ("cases",)))

    units = child_units(session, view)
    unit_rows: list[dict[str, Any]] = []
    unit_links: list[str | None] = []
    unit_drill: list[str | None] = []
    for unit in units:
        sums: dict[str, Any] = {}
        for (path, _category), row in by_unit_category.items():
            if path.startswith(unit.path):
                _add(sums, row)
        if not sums.get("cases"):
            continue
        unit_rows.append({"unit": unit.name, **sums})
        unit_links.append(link("cases.index", **view.list_args(unit=unit.id)))
        unit_drill.append(link("analytics.overview", **view.args(unit=unit.id)))
    # Claims filed at the viewed unit itself (a county company's own), not under any unit below it.
    own: dict[str, Any] = {}
    for (path, _category), row in by_unit_category.items():
        if path == view.unit_path:
            _add(own, row)
    if own.get("cases") and view.unit_id is not None and units:  # a station has no rows below it to add up
        unit_rows.append({"unit": _l("%(unit)s（本级）", unit=view.unit_name), **own})
        unit_links.append(None)
        unit_drill.append(None)
    section.tables.append(Table(
        "by_unit", _l("按单位"),
        [Column("unit", _l("单位")), Column("cases", _l("案件数"), "count"),
         Column("decided_settled", _l("和解赔偿"), "count"), Column("decided_rejected", _l("不予赔偿"), "count"),
         Column("decided_court", _l("移交诉讼"), "count"), Column("goodwill", _l("酌情补偿"), "count"),
         *MONEY_COLUMNS],
        unit_rows, unit_links, drill=unit_drill))
    section.charts.append(Chart("by_unit", _l("各单位案件数"), "unit", ("cases",)))

    month_rows = [{"month": month, **by_month.get(month, dict.fromkeys(FIGURES, 0))} for month in view.period.months]
    section.tables.append(Table(
        "by_month", _l("按月份"),
        [Column("month", _l("月份"), "month"), Column("cases", _l("案件数"), "count"),
         Column("decided_settled", _l("和解赔偿"), "count"), Column("decided_rejected", _l("不予赔偿"), "count"),
         Column("decided_court", _l("移交诉讼"), "count"), Column("paid_amount", _l("已支付金额"), "money")],
        month_rows, [*(link("cases.index", **view.within(Period(m, m)).list_args()) for m in view.period.months)]))
    section.charts.append(Chart("by_month", _l("每月案件数与决定"), "month",
                                ("cases", "decided_settled", "decided_rejected", "decided_court"), "line"))

    outcome_rows: list[dict[str, Any]] = []
    outcome_links: list[str | None] = []
    for code in OUTCOMES:
        if total.get(f"check_{code}"):
            outcome_rows.append({"outcome": OUTCOME[code], "cases": total[f"check_{code}"]})
            # the summary counts a withdrawn claim as withdrawn only: its check is not counted, nor listed
            outcome_links.append(link("cases.index", **view.list_args(outcome=code, withdrawn="0")))
    if total.get("check_none"):
        outcome_rows.append({"outcome": _l("尚未审查"), "cases": total["check_none"]})
        outcome_links.append(None)
    section.tables.append(Table("check_outcomes", _l("法律依据审查结论"),
                                [Column("outcome", _l("结论")), Column("cases", _l("案件数"), "count")],
                                outcome_rows, outcome_links))
    section.charts.append(Chart("check_outcomes", _l("审查结论"), "outcome", ("cases",), "pie"))

    decision_rows = [{"decision": DECIDED[code], "cases": total.get(f"decided_{code}", 0)} for code in DECISIONS]
    decision_rows.append({"decision": _l("撤回"), "cases": total.get("withdrawn", 0)})
    section.tables.append(Table(
        "decisions", _l("处理决定"), [Column("decision", _l("决定")), Column("cases", _l("案件数"), "count")],
        decision_rows, [*(link("cases.index", **view.list_args(decision=code, withdrawn="0")) for code in DECISIONS),
                        link("cases.index", **view.list_args(state="withdrawn"))]))
    section.charts.append(Chart("decisions", _l("处理决定"), "decision", ("cases",), "pie"))

    money_rows = [{"figure": column.label, "amount": total.get(column.key, ZERO)} for column in MONEY_COLUMNS]
    money_rows.insert(3, {"figure": _l("和解约定金额"), "amount": total.get("settled_amount", ZERO)})
    section.tables.append(Table("money", _l("金额"), [Column("figure", _l("项目")), Column("amount", _l("金额"), "money")],
                                money_rows, [], note=_l("“超出认定的支付”是实际支付超过审查认定金额的部分；"
                                                       "审查认定不赔的案件，其支付全部计入。")))
    section.charts.append(Chart("money", _l("索赔、认定与支付"), "figure", ("amount",)))

    section.tables.extend(goodwill_tables(session, view, units, link))
    section.charts.append(Chart("goodwill_by_unit", _l("各单位酌情补偿与先例风险"), "unit",
                                ("goodwill", "precedent_risk"), "stacked"))
    return section


def goodwill_tables(session: Session, view: View, units: list[Unit], link: Link) -> list[Table]:
    """Goodwill payments (approved settlements the law did not require) and precedent-risk flags of the
    view's cases, by unit one level down and by the approver."""
    approver = aliased(User)
    query = (select(Case.unit_path, approver.id.label("approver_id"), approver.display_name.label("approver"),
                    Proposal.goodwill, Proposal.precedent_risk, Proposal.amount)
             .join(Proposal, Proposal.case_id == Case.id).join(approver, approver.id == Proposal.decided_by_id)
             .where(*view.case_where(), Proposal.status == "approved",
                    Proposal.goodwill.is_(True) | Proposal.precedent_risk.is_(True)))
    rows = session.execute(query).all()

    def blank() -> dict[str, Any]:
        return {"goodwill": 0, "goodwill_amount": ZERO, "precedent_risk": 0}

    def count(into: dict[str, Any], row: Any) -> None:
        if row.goodwill:
            into["goodwill"] += 1
            into["goodwill_amount"] += row.amount or ZERO
        if row.precedent_risk:
            into["precedent_risk"] += 1

    by_unit: dict[int, dict[str, Any]] = {}
    by_approver: dict[int, dict[str, Any]] = {}
    for row in rows:
        unit = next((u for u in units if row.unit_path.startswith(u.path)), None)
        if unit is not None:
            count(by_unit.setdefault(unit.id, {"unit": unit.name, **blank()}), row)
        count(by_approver.setdefault(row.approver_id, {"approver": row.approver, **blank()}), row)
    columns = [Column("goodwill", _l("酌情补偿笔数"), "count"), Column("goodwill_amount", _l("酌情补偿金额"), "money"),
               Column("precedent_risk", _l("先例风险"), "count")]
    unit_ids = [u.id for u in units if u.id in by_unit]
    approvers = sorted(by_approver, key=lambda i: (-by_approver[i]["goodwill"], by_approver[i]["approver"]))
    return [
        Table("goodwill_by_unit", _l("酌情补偿与先例风险：按单位"), [Column("unit", _l("单位")), *columns],
              [by_unit[i] for i in unit_ids],
              [*(link("cases.index", **view.list_args(unit=i, goodwill="1")) for i in unit_ids)],
              note=_l("酌情补偿：法律不要求赔偿而经批准的和解赔偿。先例风险：与相似案件处理不一致而经批准的决定。")),
        Table("goodwill_by_approver", _l("酌情补偿与先例风险：按批准人"), [Column("approver", _l("批准人")), *columns],
              [by_approver[i] for i in approvers], []),
    ]
