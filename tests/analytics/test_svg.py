"""The PDF report's charts as SVG: each kind draws its table's figures, labels are text elements (escaped),
and the axis steps are round."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest

from casework.analytics.charts import PALETTE
from casework.analytics.svg import FONT, chart_svg, nice_step
from casework.analytics.tables import Chart, Column, Table

NS = "{http://www.w3.org/2000/svg}"
COLUMNS = [Column("category", "类别"), Column("cases", "案件数", "count"), Column("paid", "已支付金额", "money")]
ROWS = [{"category": "家电损坏", "cases": 3, "paid": Decimal("1600.74")},
        {"category": "青苗补偿", "cases": 1, "paid": Decimal("800.00")},
        {"category": "停电损失", "cases": 0, "paid": Decimal("0.00")}]


def _svg(kind: str, series: tuple[str, ...], rows: list[dict] | None = None) -> ET.Element:  # type: ignore[type-arg]
    table = Table("t", "表", COLUMNS, ROWS if rows is None else rows)
    text = chart_svg(Chart("t", "图题", "category", series, kind), table)
    return ET.fromstring(text)  # noqa: S314 (our own output)


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def _filled(root: ET.Element, tag: str, colour: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{NS}{tag}") if e.get("fill") == colour]


def test_a_bar_chart_draws_one_bar_per_row_with_its_figure_and_name() -> None:
    root = _svg("bar", ("paid",))
    assert root.get("font-family") == FONT and root.find(f"{NS}title").text == "图题"  # type: ignore[union-attr]
    assert len(_filled(root, "rect", PALETTE[0])) == 3
    texts = _texts(root)
    assert {"家电损坏", "青苗补偿", "停电损失", "¥1,600.74", "¥800.00"} <= set(texts)
    assert "¥0" in texts and "¥2,000" in texts  # the axis: round steps in whole yuan


def test_a_stacked_chart_draws_each_series_with_a_legend_and_the_total() -> None:
    root = _svg("stacked", ("cases", "cases"))
    assert len(_filled(root, "rect", PALETTE[0])) == 3 + 1 and len(_filled(root, "rect", PALETTE[1])) == 3 + 1
    assert _texts(root).count("案件数") == 2 and "6" in _texts(root)  # the legend; 3 + 3 on top of the first stack


def test_a_line_chart_draws_a_line_per_series_through_every_row() -> None:
    months = [{"category": date(2025, m, 1), "cases": m} for m in range(1, 13)]
    table = Table("t", "表", [Column("category", "月份", "month"), Column("cases", "案件数", "count")], months)
    root = ET.fromstring(chart_svg(Chart("t", "每月", "category", ("cases",), "line"), table))  # noqa: S314
    lines = list(root.iter(f"{NS}polyline"))
    assert len(lines) == 1 and len((lines[0].get("points") or "").split()) == 12
    labels = [t for t in root.iter(f"{NS}text") if (t.text or "").startswith("2025年")]
    assert len(labels) == 12 and all("rotate(-35" in (t.get("transform") or "") for t in labels)  # too wide: tilted


def test_a_pie_draws_the_rows_with_a_figure_as_slices_named_with_their_share() -> None:
    root = _svg("pie", ("cases",))
    assert len(list(root.iter(f"{NS}path"))) == 2  # 停电损失 has none
    assert "家电损坏　3（75.0%）" in _texts(root) and "青苗补偿　1（25.0%）" in _texts(root)
    whole = _svg("pie", ("cases",), [ROWS[0]])
    assert not list(whole.iter(f"{NS}path")) and _filled(whole, "circle", PALETTE[0])  # one slice: the disc


def test_labels_are_text_escaped_and_cut_when_long() -> None:
    rows = [{"category": "<script>alert(1)</script>", "cases": 2},
            {"category": "河西村台区第十二号变压器以北的农田", "cases": 1}]
    table = Table("t", "表", COLUMNS[:2], rows)
    text = chart_svg(Chart("t", "<b>", "category", ("cases",)), table)
    assert "<script>" not in text and "<b>" not in text
    root = ET.fromstring(text)  # noqa: S314
    assert "<script>ale…" in _texts(root) and "河西村台区第十二号变压…" in _texts(root)


def test_an_empty_table_draws_empty_axes() -> None:
    for kind in ("bar", "stacked", "line", "pie"):
        root = _svg(kind, ("cases",), [])
        assert not _filled(root, "rect", PALETTE[0])


@pytest.mark.parametrize(("top", "whole", "step"), [(7, True, 2), (15000, False, 5000), (0, True, 1), (3, True, 1),
                                                     (1.2, False, 0.5), (0.9, False, 0.25), (1601, False, 500)])
def test_axis_steps_are_round(top: float, whole: bool, step: float) -> None:
    assert nice_step(top, whole=whole) == step
