"""Reading an asset register's rows (lines, 台区, towers), as the utility's asset system exports them (issue 16).

Pure: the caller hands over the rows of the file (header first) and the unit codes the import may name;
what comes back is every entry, or every problem with the row it is on. Nothing is half-read: one bad row
and the caller stores nothing. The format is in the README ("The asset register").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: Each column the register knows, by the headers it may carry (Chinese first, then English). Others are ignored.
COLUMNS: dict[str, tuple[str, ...]] = {
    "unit_code": ("单位编码", "unit_code", "unit"),
    "kind": ("类型", "资产类型", "kind", "type"),
    "name": ("名称", "name"),
    "code": ("编号", "资产编号", "code", "number"),
    "voltage": ("电压等级", "voltage"),
    "line": ("所属线路", "line"),
    "village": ("村", "所在村", "village"),
}
REQUIRED_COLUMNS = ("kind", "name")
#: The kinds of asset as the file writes them → the stored code.
KINDS: dict[str, str] = {"线路": "line", "馈线": "line", "line": "line", "feeder": "line",
                         "台区": "district", "district": "district",
                         "杆塔": "tower", "杆": "tower", "塔": "tower", "tower": "tower", "pole": "tower"}
#: Longest value of each column (the database columns).
MAX_LENGTH = {"unit_code": 32, "name": 100, "code": 40, "voltage": 20, "line": 100, "village": 100}
MAX_ROWS = 100_000
_CONTROL = {chr(c) for c in range(32)} | {"\x7f"}


@dataclass(frozen=True)
class Entry:
    """One asset as read from the file; `line` is the row number a spreadsheet shows (the header is row 1)."""

    line: int
    unit_code: str
    kind: str
    name: str
    code: str | None
    voltage: str | None
    line_name: str | None
    village: str | None


@dataclass(frozen=True)
class Problem:
    """Why a row (or the whole file, line 1 or 0) cannot be imported: a code for the label catalogue, and what
    it is about (a column's name, the value, the earlier row of a duplicate)."""

    line: int
    code: str
    detail: str = ""


def _cell(value: object) -> str:
    """A cell as text: numbers without a trailing .0 (a tower numbered 12 is "12", not "12.0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\u3000", " ").strip()


def header_index(header: Sequence[object]) -> tuple[dict[str, int], list[Problem]]:
    """Which column holds what; a missing required column is a problem of row 1."""
    names = [_cell(h).lower() for h in header]
    index: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        for position, name in enumerate(names):
            if name in aliases:
                index[key] = position
                break
    problems = [Problem(1, "missing_column", COLUMNS[key][0]) for key in REQUIRED_COLUMNS if key not in index]
    return index, problems


def read_entries(rows: Sequence[Sequence[object]], *, default_unit: str,
                 allowed_units: Mapping[str, object]) -> tuple[list[Entry], list[Problem]]:
    """Every entry of the file, or the problems that stop it, each with its row number.

    `default_unit` is the importing unit's code (a row without 单位编码 belongs to it); `allowed_units` are the
    codes a row may name: the importing unit and the units below it. A row naming the same kind and name under
    the same unit as an earlier row is a duplicate; blank rows are skipped.
    """
    if not rows or not any(_cell(c) for c in rows[0]):
        return [], [Problem(0, "empty_file")]
    if len(rows) - 1 > MAX_ROWS:
        return [], [Problem(0, "too_many_rows", str(MAX_ROWS))]
    index, problems = header_index(rows[0])
    if problems:
        return [], problems
    entries: list[Entry] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        values = {key: (_cell(row[i]) if i < len(row) else "") for key, i in index.items()}
        if not any(values.values()) and not any(_cell(c) for c in row):
            continue
        found = _row_problems(number, values, default_unit, allowed_units)
        if found:
            problems.extend(found)
            continue
        unit = values.get("unit_code") or default_unit
        kind = KINDS[values["kind"].lower()]
        key = (unit, kind, values["name"])
        if key in seen:
            problems.append(Problem(number, "duplicate", str(seen[key])))
            continue
        seen[key] = number
        entries.append(Entry(number, unit, kind, values["name"], values.get("code") or None,
                             values.get("voltage") or None, values.get("line") or None,
                             values.get("village") or None))
    if problems:
        return [], problems
    if not entries:
        return [], [Problem(0, "no_rows")]
    return entries, []


def _row_problems(number: int, values: Mapping[str, str], default_unit: str,
                  allowed_units: Mapping[str, object]) -> list[Problem]:
    out = []
    for key, value in values.items():
        if any(ch in _CONTROL for ch in value):
            out.append(Problem(number, "control_characters", COLUMNS[key][0]))
        elif len(value) > MAX_LENGTH.get(key, 100):
            out.append(Problem(number, "too_long", COLUMNS[key][0]))
    if not values.get("kind"):
        out.append(Problem(number, "kind_missing"))
    elif values["kind"].lower() not in KINDS:
        out.append(Problem(number, "kind_unknown", values["kind"]))
    if not values.get("name"):
        out.append(Problem(number, "name_missing"))
    unit = values.get("unit_code") or default_unit
    if unit not in allowed_units:
        out.append(Problem(number, "unit_outside", unit))
    return out
