"""A chart drawn as SVG on the server, for the PDF report (WeasyPrint runs no JavaScript, so ECharts cannot
draw there). Drawn from the same Chart and Table as the page's ECharts options (analytics.charts), in the same
colours. Every label is a real <text> element in the PDF's CJK face, so the report's words stay text: they can
be searched, copied and read back by a test. Hand-drawn in about two hundred lines rather than with a plotting
library: four plain kinds are all the report needs, and the SVG stays small enough to lay out quickly."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

from casework.analytics.charts import PALETTE
from casework.analytics.tables import Chart, Column, Table, cell_text, plain_value

#: The face the report and the dossier print in (static/report.css, static/dossier.css): one face, embedded once.
FONT = "Noto Serif CJK SC"
WIDTH, HEIGHT = 640, 280
FONT_SIZE = 11
MAX_LABEL = 12  # characters of an axis label or legend entry before it is cut with …
GRID = "#d0d0d0"
INK = "#222222"


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """An estimate of how wide `text` is drawn: a CJK character is one em, Latin letters and digits about half."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.56 for ch in text)


def short(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def nice_step(top: float, ticks: int = 4, whole: bool = False) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` gridlines up to `top`."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return max(1.0, math.ceil(step)) if whole else step


def number(value: Any, column: Column) -> float:
    return float(plain_value(column, value) or 0)


def tick_text(value: float, column: Column) -> str:
    """An axis figure: money as whole yuan, shares as percentages, counts as integers."""
    if column.kind == "money":
        return f"¥{value:,.0f}"
    if column.kind == "share":
        return f"{value * 100:.0f}%"
    if column.kind == "count":
        return f"{value:,.0f}"
    return f"{value:,.1f}".rstrip("0").rstrip(".")


class _Drawing:
    def __init__(self, title: str) -> None:
        self.root = ET.Element("svg", {
            "xmlns": "http://www.w3.org/2000/svg", "version": "1.1", "viewBox": f"0 0 {WIDTH} {HEIGHT}",
            "width": str(WIDTH), "height": str(HEIGHT), "font-family": FONT, "font-size": str(FONT_SIZE),
            "fill": INK})
        ET.SubElement(self.root, "title").text = title

    def add(self, tag: str, **attributes: Any) -> ET.Element:
        return ET.SubElement(self.root, tag, {k.replace("_", "-"): _attr(v) for k, v in attributes.items()})

    def text(self, x: float, y: float, words: str, **attributes: Any) -> ET.Element:
        element = self.add("text", x=x, y=y, **attributes)
        element.text = words
        return element

    def legend(self, entries: list[tuple[str, str]], x: float, y: float, *, across: bool) -> None:
        """Coloured squares with their names, in a row (above a plot) or a column (beside a pie)."""
        for name, colour in entries:
            self.add("rect", x=x, y=y - 9, width=10, height=10, fill=colour)
            self.text(x + 14, y, name)
            if across:
                x += 14 + text_width(name) + 16
            else:
                y += FONT_SIZE + 7

    def svg(self) -> str:
        return ET.tostring(self.root, encoding="unicode")


def _attr(value: Any) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def chart_svg(chart: Chart, table: Table, lang: str = "zh") -> str:
    """The SVG document of `chart` over `table`'s rows (an empty table draws empty axes)."""
    drawing = _Drawing(str(chart.title))
    if chart.kind == "pie":
        _pie(drawing, chart, table, lang)
    else:
        _axes(drawing, chart, table, lang)
    return drawing.svg()


def _axes(drawing: _Drawing, chart: Chart, table: Table, lang: str) -> None:
    """Bars side by side (bar), stacked (stacked) or lines (line), one series per numeric column."""
    x_column = table.column(chart.x)
    columns = [table.column(key) for key in chart.series]
    names = [short(cell_text(x_column, row.get(chart.x), lang)) for row in table.rows]
    values = [[number(row.get(c.key), c) for row in table.rows] for c in columns]
    stacked = chart.kind == "stacked"
    totals = [sum(v[i] for v in values) for i in range(len(names))] if stacked else []
    high = max([0.0, *(totals if stacked else (x for v in values for x in v))])
    low = min([0.0, *(x for v in values for x in v)])
    step = nice_step(high - low, whole=all(c.kind == "count" for c in columns))
    top, bottom = math.ceil(high / step) * step or step, math.floor(low / step) * step

    legend_h = 22 if len(columns) > 1 else 0
    labels_w = max(text_width(tick_text(t, columns[0])) for t in (top, bottom))
    left, right, upper = 10 + labels_w, WIDTH - 12, 10 + legend_h
    slot = (right - left) / max(1, len(names))
    tilted = any(text_width(n) > slot - 4 for n in names)
    lower = HEIGHT - (10 + max([text_width(n) for n in names] or [0]) * 0.6 + 6 if tilted else 24)
    if legend_h:
        drawing.legend([(str(c.label), PALETTE[i % len(PALETTE)]) for i, c in enumerate(columns)], left, 16,
                       across=True)

    def y_of(value: float) -> float:
        return lower - (value - bottom) / (top - bottom) * (lower - upper)

    for k in range(round((top - bottom) / step) + 1):
        tick = bottom + k * step
        y = y_of(tick)
        drawing.add("line", x1=left, y1=y, x2=right, y2=y, stroke=GRID if tick else INK, stroke_width=0.6)
        drawing.text(left - 4, y + 4, tick_text(tick, columns[0]), text_anchor="end")
    for i, name in enumerate(names):
        x = left + slot * (i + 0.5)
        if tilted:
            drawing.text(x + 3, lower + 10, name, text_anchor="end", transform=f"rotate(-35 {x + 3:.1f} {lower + 10:.1f})")
        else:
            drawing.text(x, lower + 15, name, text_anchor="middle")

    if chart.kind == "line":
        for s, series in enumerate(values):
            colour = PALETTE[s % len(PALETTE)]
            points = " ".join(f"{left + slot * (i + 0.5):.1f},{y_of(v):.1f}" for i, v in enumerate(series))
            drawing.add("polyline", points=points, fill="none", stroke=colour, stroke_width=2)
            for i, v in enumerate(series):
                drawing.add("circle", cx=left + slot * (i + 0.5), cy=y_of(v), r=2.5, fill=colour)
        return
    width = slot * 0.7 / (1 if stacked else len(values))
    for i in range(len(names)):
        base = 0.0
        for s, series in enumerate(values):
            value = series[i]
            x = left + slot * i + slot * 0.15 + (0 if stacked else s * width)
            start, end = (base, base + value) if stacked else (0.0, value)
            y1, y2 = sorted((y_of(start), y_of(end)))
            drawing.add("rect", x=x, y=y1, width=width, height=max(0.0, y2 - y1), fill=PALETTE[s % len(PALETTE)])
            base += value if stacked else 0
        if len(names) <= 16:  # the figure itself above each bar (or stack), as the meeting reads it
            if stacked:
                drawing.text(left + slot * (i + 0.5), y_of(max(totals[i], 0)) - 3, _figure(totals[i], columns[0]),
                             text_anchor="middle", font_size=FONT_SIZE - 2)
                continue
            for s, series in enumerate(values):
                drawing.text(left + slot * i + slot * 0.15 + (s + 0.5) * width, y_of(max(series[i], 0)) - 3,
                             _figure(series[i], columns[s]), text_anchor="middle", font_size=FONT_SIZE - 2)

def _figure(value: float, column: Column) -> str:
    """A bar's own figure as the table prints it (¥1,600.74, 3, 12.5%)."""
    return cell_text(column, int(value) if column.kind == "count" else Decimal(str(value)))


def _pie(drawing: _Drawing, chart: Chart, table: Table, lang: str) -> None:
    """Slices of the first series, largest first as the table orders them, with a legend of name, figure, share."""
    x_column, column = table.column(chart.x), table.column(chart.series[0])
    entries = [(short(cell_text(x_column, row.get(chart.x), lang)), number(row.get(column.key), column),
                cell_text(column, row.get(column.key), lang)) for row in table.rows]
    entries = [e for e in entries if e[1] > 0]
    total = sum(e[1] for e in entries)
    cx, cy, r = HEIGHT / 2, HEIGHT / 2, HEIGHT / 2 - 16
    if not total:
        drawing.add("circle", cx=cx, cy=cy, r=r, fill="none", stroke=GRID)
    angle = -math.pi / 2
    for i, (_name, value, _shown) in enumerate(entries):
        colour = PALETTE[i % len(PALETTE)]
        if value == total:
            drawing.add("circle", cx=cx, cy=cy, r=r, fill=colour)
            break
        sweep = 2 * math.pi * value / total
        x1, y1 = cx + r * math.cos(angle), cy + r * math.sin(angle)
        x2, y2 = cx + r * math.cos(angle + sweep), cy + r * math.sin(angle + sweep)
        large = 1 if sweep > math.pi else 0
        drawing.add("path", d=f"M{cx:.1f},{cy:.1f} L{x1:.1f},{y1:.1f} A{r:.1f},{r:.1f} 0 {large} 1 {x2:.1f},{y2:.1f} Z",
                    fill=colour, stroke="#ffffff", stroke_width=1)
        angle += sweep
    drawing.legend([(f"{name}　{shown}（{value / total * 100:.1f}%）", PALETTE[i % len(PALETTE)])
                    for i, (name, value, shown) in enumerate(entries)], HEIGHT + 10, 40, across=False)
