"""The PDF report for the head of legal's meeting (issue 16): one month or one quarter of one unit, every
analytics page in the order of its tabs, each table with its charts drawn as SVG (analytics.svg).

The figures are the pages' own: each section comes from its builder in analytics.sections, so the report and
the pages cannot disagree. Like the dossier and the letters, the report is a department document and prints in
Chinese whatever the page's language. The template gets plain values only (strings already formatted)."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flask import g
from flask_babel import force_locale
from sqlalchemy.orm import Session

from casework.analytics.overview import Link
from casework.analytics.scope import View
from casework.analytics.sections import SECTIONS
from casework.analytics.svg import chart_svg
from casework.analytics.tables import Section, Table, cell_text
from casework.domain.report_periods import report_code, report_name
from casework.ui.filters import day, moment

ZH = "zh"
TEMPLATE = "analytics/report.html"
STYLESHEET = "casework-static:/report.css"
#: Rows of one table the PDF prints: a rectification list can run to hundreds; the download has them all, and
#: the bound keeps the layout quick.
MAX_ROWS = 40


@dataclass(frozen=True)
class ReportChart:
    title: str
    src: str  # a data: URL of the SVG (the PDF's fetcher loads nothing else)


@dataclass(frozen=True)
class ReportTable:
    title: str
    headings: list[tuple[str, bool]]  # (label, numeric: aligned right)
    rows: list[list[str]]
    total_rows: int  # more than len(rows) when cut at MAX_ROWS
    note: str
    charts: list[ReportChart] = field(default_factory=list)


@dataclass(frozen=True)
class ReportSection:
    title: str
    intro: str
    tables: list[ReportTable]


@dataclass(frozen=True)
class Report:
    unit_name: str
    period_code: str
    period_name: str  # 2025年第三季度
    period_days: str  # 2025年7月1日至2025年9月30日
    generated_at: str
    generated_by: str
    sections: list[ReportSection]

    @property
    def filename(self) -> str:
        return f"理赔分析报告-{self.unit_name}-{self.period_name}.pdf"

    @property
    def row_count(self) -> int:
        return sum(t.total_rows for s in self.sections for t in s.tables)


@contextlib.contextmanager
def in_chinese() -> Iterator[None]:
    """Translate every lazy label in Chinese, and make ui.filters.language() (cached per request in `g`) say so,
    for builders that format with it: a Chinese report from an English page."""
    saved = g.get("_casework_language")
    g._casework_language = ZH
    try:
        with force_locale(ZH):
            yield
    finally:
        if saved is None:
            g.pop("_casework_language", None)
        else:
            g._casework_language = saved


def _data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def report_table(section: Section, table: Table) -> ReportTable:
    charts = [ReportChart(str(chart.title), _data_url(chart_svg(chart, table, ZH)))
              for chart in section.charts_of(table.name)] if table.rows else []
    return ReportTable(
        title=str(table.title),
        headings=[(str(c.label), c.kind not in ("text", "month", "date")) for c in table.columns],
        rows=[[cell_text(c, row.get(c.key), ZH) for c in table.columns] for row in table.rows[:MAX_ROWS]],
        total_rows=len(table.rows), note=str(table.note or ""), charts=charts)


def report_section(section: Section) -> ReportSection:
    return ReportSection(str(section.title), str(section.intro or ""),
                         [report_table(section, table) for table in section.tables])


def build_report(session: Session, view: View, link: Link, *, by: str, now: datetime,
                 options: Mapping[str, str] | None = None) -> Report:
    """Every section of SECTIONS for `view` (a month or a quarter, one unit), as the report prints it."""
    with in_chinese():
        sections = [report_section(builder(session, view, link, options or {})) for _title, builder in SECTIONS.values()]
        return Report(
            unit_name=view.unit_name, period_code=report_code(view.period), period_name=report_name(view.period, ZH),
            period_days=f"{day(view.period.first, ZH)}至{day(view.period.last_day, ZH)}",
            generated_at=moment(now, ZH), generated_by=by, sections=sections)
