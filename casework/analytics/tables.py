"""What every analytics figure is: a table of words and numbers, with a link per row to the cases behind it,
and the charts drawn from it. The page, the CSV and XLSX downloads, the ECharts options and the PDF report's
SVG all read these, so a chart and its table cannot disagree."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from casework.ui.filters import day, money, month_of

#: How a column's values are written: text, a count, yuan, a share (0..1), days, a month, a date.
KINDS = ("text", "count", "money", "share", "days", "month", "date")


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a (lazy) translated string
    kind: str = "text"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(self.kind)


@dataclass
class Table:
    """One table. `links[i]` is the case list (or a drill-down) for row i, or None; `note` says how it was
    counted where a reader would ask."""

    name: str  # its name in download URLs: letters, digits and underscores
    title: Any
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)
    note: Any = ""
    drill: list[str | None] = field(default_factory=list)  # a narrower view of the same figure, per row

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def link(self, index: int) -> str | None:
        return self.links[index] if index < len(self.links) else None

    def drill_link(self, index: int) -> str | None:
        return self.drill[index] if index < len(self.drill) else None


@dataclass(frozen=True)
class Chart:
    """A chart of one table: `x` the column along the axis (or the slices of a pie), `series` the numeric
    columns drawn. kind: bar | stacked | line | pie."""

    table: str
    title: Any
    x: str
    series: tuple[str, ...]
    kind: str = "bar"


@dataclass
class Section:
    """One analytics page (overview, places, copycat, handling, litigation)."""

    name: str
    title: Any
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    intro: Any = ""
    options: dict[str, Any] = field(default_factory=dict)  # page-specific values its template shows (a threshold)

    def table(self, name: str) -> Table:
        found = next((t for t in self.tables if t.name == name), None)
        if found is None:
            raise KeyError(name)
        return found

    def charts_of(self, table: str) -> list[Chart]:
        return [c for c in self.charts if c.table == table]


def cell_text(column: Column, value: Any, lang: str = "zh") -> str:
    """A value as a person reads it on the page and in the PDF."""
    if value is None or value == "":
        return "—"
    if column.kind == "money":
        return money(value)
    if column.kind == "share":
        return f"{Decimal(value) * 100:.1f}%"
    if column.kind == "days":
        return f"{Decimal(value):.1f}"
    if column.kind == "month":
        return month_of(value, lang)
    if column.kind == "date":
        return day(value, lang)
    if column.kind == "count":
        return f"{int(value):,}"
    return str(value)


def plain_value(column: Column, value: Any, lang: str = "zh") -> Any:
    """A value for a spreadsheet: numbers stay numbers (yuan to the fen), words are words."""
    if value is None:
        return None
    if column.kind == "money":
        return Decimal(value).quantize(Decimal("0.01"))
    if column.kind == "count":
        return int(value)
    if column.kind in ("share", "days"):
        return round(float(value), 4 if column.kind == "share" else 1)
    if column.kind in ("month", "date"):
        return cell_text(column, value, lang)
    return str(value)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(text: str) -> str:
    """A CSV cell a spreadsheet would run as a formula (=, +, -, @ first) is read as text (OWASP CSV
    injection): a leading apostrophe. Numbers are written by us and never start so, except negatives."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(table: Table, lang: str = "zh") -> bytes:
    """UTF-8 with a byte-order mark, which Excel needs to read Chinese; a header row of labels."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutral(str(c.label)) for c in table.columns])
    for row in table.rows:
        cells = []
        for column in table.columns:
            value = plain_value(column, row.get(column.key), lang)
            text = "" if value is None else str(value)
            cells.append(neutral(text) if column.kind in ("text", "month", "date") else text)
        writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(tables: list[Table], lang: str = "zh", *, title: str = "") -> bytes:
    """One sheet per table: a bold header, money as numbers with two decimals, columns sized to the text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for table in tables:
        sheet = book.create_sheet(_sheet_name(str(table.title), book.sheetnames))
        sheet.append([str(c.label) for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([plain_value(c, row.get(c.key), lang) for c in table.columns])
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            if column.kind == "money":
                for cell in sheet[letter][1:]:
                    cell.number_format = "#,##0.00"
            elif column.kind == "share":
                for cell in sheet[letter][1:]:
                    cell.number_format = "0.0%"
            width = max([len(str(column.label)) * 2] + [len(str(c.value or "")) + 2 for c in sheet[letter][1:50]])
            sheet.column_dimensions[letter].width = min(60, max(8, width))
        sheet.freeze_panes = "A2"
    if title:
        book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str, taken: list[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique within the book.
    name = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:28] or "Sheet"
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name[:26]}({n})", n + 1
    return candidate
