"""Reading a local compensation schedule (青苗 per mu, trees per tree) from CSV or XLSX into a rate table.

The columns, in Chinese or English: 类别/kind (青苗|crop, 林木|trees), 地区代码/region, 作物或树种/item,
生长期或规格/grade (may be empty), 标准/rate (yuan), 生效日期/effective_from, 失效日期/effective_to (may be empty).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

COLUMNS = {
    "kind": ("类别", "kind"), "region": ("地区代码", "region"), "item": ("作物或树种", "item"),
    "grade": ("生长期或规格", "grade"), "rate": ("标准", "rate"),
    "effective_from": ("生效日期", "effective_from"), "effective_to": ("失效日期", "effective_to"),
}
KINDS = {"青苗": "crop", "crop": "crop", "林木": "trees", "trees": "trees"}
KEYS = {"crop": ("crop", "growth_stage", "rate_per_mu"), "trees": ("species", "size", "rate_per_tree")}


class RatesError(ValueError):
    """The file cannot be read as a schedule; the message names the row and column."""


def _rows(path: Path) -> list[list[Any]]:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]  # type: ignore[union-attr]
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _day(value: Any, where: str) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime | date):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError as exc:
        raise RatesError(f"{where}: not a date (YYYY-MM-DD): {value!r}") from exc


def read_rates(path: Path, *, table_id: str, label: str, source: str) -> dict[str, Any]:
    """The rate table in the rule table's file shape; imported schedules are real, so not fictional."""
    rows = [r for r in _rows(path) if any(c not in (None, "") for c in r)]
    if not rows:
        raise RatesError("the file is empty")
    header = [str(c or "").strip() for c in rows[0]]
    index = {}
    for key, names in COLUMNS.items():
        found = [i for i, h in enumerate(header) if h in names]
        if not found and key not in ("grade", "effective_to"):
            raise RatesError(f"row 1: missing column {names[0]} ({names[1]})")
        index[key] = found[0] if found else None
    out: dict[str, Any] = {"id": table_id, "label_zh": label, "fictional": False, "verified": True,
                           "source": source, "crop": [], "trees": []}
    for number, row in enumerate(rows[1:], start=2):
        def cell(key: str, row: list[Any] = row) -> Any:
            i = index[key]
            return row[i] if i is not None and i < len(row) else None

        kind = KINDS.get(str(cell("kind") or "").strip())
        if kind is None:
            raise RatesError(f"row {number}, 类别: expected 青苗 or 林木, got {cell('kind')!r}")
        try:
            rate = Decimal(str(cell("rate")).strip()).quantize(Decimal("0.01"))
        except InvalidOperation as exc:
            raise RatesError(f"row {number}, 标准: not an amount: {cell('rate')!r}") from exc
        if rate < 0:
            raise RatesError(f"row {number}, 标准: must not be negative")
        region, item = str(cell("region") or "").strip(), str(cell("item") or "").strip()
        if not region or not item:
            raise RatesError(f"row {number}: 地区代码 and 作物或树种 are required")
        item_key, grade_key, rate_key = KEYS[kind]
        start = _day(cell("effective_from"), f"row {number}, 生效日期")
        if start is None:
            raise RatesError(f"row {number}, 生效日期: required")
        out[kind].append({"region": region, item_key: item, grade_key: str(cell("grade") or "").strip() or None,
                          rate_key: f"{rate:.2f}", "effective_from": start,
                          "effective_to": _day(cell("effective_to"), f"row {number}, 失效日期")})
    return out
