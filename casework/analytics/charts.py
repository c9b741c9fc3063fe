"""A chart's Apache ECharts options, built here from its table and passed to the page as JSON data
(static/analytics.js draws them). The canvas renderer and rich-text tooltips: ECharts' HTML tooltips and SVG
renderer write inline styles, which the app's Content-Security-Policy refuses."""

from __future__ import annotations

from typing import Any

from casework.analytics.tables import Chart, Table, cell_text, plain_value

PALETTE = ["#0d6efd", "#fd7e14", "#198754", "#dc3545", "#6f42c1", "#20c997", "#ffc107", "#6c757d"]


def _number(value: Any) -> float:
    return float(value or 0)


def echarts_option(chart: Chart, table: Table, lang: str) -> dict[str, Any]:
    x = table.column(chart.x)
    names = [cell_text(x, row.get(chart.x), lang) for row in table.rows]
    series_columns = [table.column(key) for key in chart.series]
    base: dict[str, Any] = {
        "color": PALETTE, "animation": False, "aria": {"enabled": True},
        "tooltip": {"renderMode": "richText", "trigger": "item" if chart.kind == "pie" else "axis"},
        "legend": {"show": len(series_columns) > 1 or chart.kind == "pie", "bottom": 0, "type": "scroll"},
    }
    if chart.kind == "pie":
        column = series_columns[0]
        base["series"] = [{"type": "pie", "radius": ["35%", "65%"], "name": str(column.label),
                           "data": [{"name": name, "value": _number(plain_value(column, row.get(column.key)))}
                                    for name, row in zip(names, table.rows, strict=True)]}]
        return base
    base["grid"] = {"left": 8, "right": 16, "top": 16, "bottom": 40, "containLabel": True}
    base["xAxis"] = {"type": "category", "data": names, "axisLabel": {"interval": "auto", "hideOverlap": True}}
    base["yAxis"] = {"type": "value"}
    base["series"] = [
        {"type": "line" if chart.kind == "line" else "bar", "name": str(column.label),
         **({"stack": "total"} if chart.kind == "stacked" else {}),
         "data": [_number(plain_value(column, row.get(column.key))) for row in table.rows]}
        for column in series_columns]
    return base


def chart_data(chart: Chart, table: Table, lang: str) -> dict[str, Any]:
    """What the page embeds for one chart: its options and the case-list link of each data point."""
    return {"option": echarts_option(chart, table, lang), "links": [table.link(i) for i in range(len(table.rows))]}
