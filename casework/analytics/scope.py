"""What an analytics page counts: a period, a unit (and everything below it) and optionally a category, always
inside the viewer's scope (domain.access.case_scope). One form chooses them for every page; every link out of
a figure carries them (to another page, to a narrower unit, to the case list)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from casework.auth.models import Unit
from casework.cases.models import Case, CaseSummary
from casework.domain.access import Actor, case_scope
from casework.domain.periods import Period
from casework.ui.labels import CATEGORY

#: A period longer than this is refused: ten years of months is the longest view the department asks for.
MAX_MONTHS = 15 * 12
DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class View:
    period: Period
    unit_id: int | None  # None: the viewer's whole scope (an auditor's: every unit)
    unit_path: str  # the prefix counted ("/" for all)
    unit_name: str
    unit_kind: str  # province | city | county | station | "" (all)
    category: str = ""  # "" for every category

    def args(self, **override: Any) -> dict[str, Any]:
        """This view as an analytics URL's query (from, to, unit, category), with some values replaced."""
        first, last = self.period.code()
        out: dict[str, Any] = {"from": first, "to": last}
        if self.unit_id is not None:
            out["unit"] = self.unit_id
        if self.category:
            out["category"] = self.category
        out.update(override)
        return {k: v for k, v in out.items() if v not in (None, "")}

    def list_args(self, **extra: Any) -> dict[str, Any]:
        """The case list showing the cases behind a figure of this view (cases.linked, cases.listing)."""
        out: dict[str, Any] = dict(self.period.list_args())
        if self.unit_id is not None:
            out["unit"] = self.unit_id
        if self.category:
            out["category"] = self.category
        out.update(extra)
        return {k: v for k, v in out.items() if v not in (None, "")}

    def narrowed(self, unit: Unit) -> View:
        return replace(self, unit_id=unit.id, unit_path=unit.path, unit_name=unit.name, unit_kind=unit.kind)

    def within(self, period: Period) -> View:
        return replace(self, period=period)

    # Conditions for queries: the summary's rows, and the cases themselves.
    def summary_where(self) -> list[ColumnElement[bool]]:
        where = [CaseSummary.month_on >= self.period.first, CaseSummary.month_on <= self.period.last]
        if self.unit_path != "/":
            where.append(CaseSummary.unit_path.startswith(self.unit_path, autoescape=True))
        if self.category:
            where.append(CaseSummary.category == self.category)
        return where

    def case_where(self) -> list[ColumnElement[bool]]:
        """The registered cases of this view (a draft has no registration and is never counted)."""
        start, end = self.period.instants()
        where = [Case.registered_at >= start, Case.registered_at < end]
        where.append(Case.unit_path.startswith(self.unit_path, autoescape=True) if self.unit_path != "/" else true())
        if self.category:
            where.append(Case.category == self.category)
        return where


@dataclass(frozen=True)
class Problem:
    field: str
    message: Any


def read_view(session: Session, actor: Actor, args: Mapping[str, str], today: date) -> tuple[View, list[Problem]]:
    """The view asked for by a page's query string. What cannot be read (a month that is not one, a unit
    outside the viewer's scope) is named as a problem and replaced by the default, so the page still shows."""
    from flask_babel import lazy_gettext as _l

    problems: list[Problem] = []
    period = Period.last_months(DEFAULT_MONTHS, today)
    first, last = args.get("from", "").strip(), args.get("to", "").strip()
    if first or last:
        try:
            period = Period.between(first or last, last or first)
            if len(period.months) > MAX_MONTHS:
                problems.append(Problem("from", _l("统计期间最长 15 年。")))
                period = Period.last_months(DEFAULT_MONTHS, today)
        except ValueError:
            problems.append(Problem("from", _l("请按“年-月”填写统计期间，例如 2025-01，且结束不早于开始。")))
    scope = case_scope(actor)
    view = View(period, None, scope or "/", "", "")
    root = session.scalar(select(Unit).where(Unit.path == scope)) if scope and scope != "/" else None
    if scope == "/":  # an auditor: the province, when the tree has one (else every top-level unit)
        roots = list(session.scalars(select(Unit).where(Unit.parent_id.is_(None)).limit(2)))
        root = roots[0] if len(roots) == 1 else None
    if root is not None:
        view = view.narrowed(root)
    elif scope == "/":
        view = replace(view, unit_name=str(_l("全部单位")))
    wanted = args.get("unit", "").strip()
    if wanted:
        unit = session.get(Unit, int(wanted)) if wanted.isascii() and wanted.isdigit() and len(wanted) < 10 else None
        if unit is None or scope is None or not unit.path.startswith(scope):
            problems.append(Problem("unit", _l("所选单位不在您可查看的范围内。")))
        else:
            view = view.narrowed(unit)
    category = args.get("category", "").strip()
    if category and category in CATEGORY:
        view = replace(view, category=category)
    elif category:
        problems.append(Problem("category", _l("没有这个索赔类别。")))
    return view, problems


def child_units(session: Session, view: View) -> list[Unit]:
    """The units one level below the view's unit (the drill-down); for "all units", the top-level ones."""
    if view.unit_id is None:
        return list(session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.path)))
    return list(session.scalars(select(Unit).where(Unit.parent_id == view.unit_id).order_by(Unit.path)))
