"""An uploaded or named register file as rows of cells: CSV (UTF-8 or GB18030) or XLSX (the first sheet)."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

MAX_BYTES = 16 * 1024 * 1024  # a county's register is a few thousand rows; also the largest request body


class RegisterFileError(ValueError):
    """The file cannot be read as a table at all; `code` is for the label catalogue (ui.labels.ASSET_PROBLEM)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030, the asset system's other export: every UTF-8 file that
    is not plain ASCII fails to decode as GB18030 rarely, but GB18030 text almost never decodes as UTF-8."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RegisterFileError("encoding")


def read_rows(data: bytes) -> list[list[Any]]:
    """The rows of the file, header first. An XLSX is known by its content (a ZIP), not by its name."""
    if len(data) > MAX_BYTES:
        raise RegisterFileError("too_large")
    if data[:4] == b"PK\x03\x04":
        return _xlsx(data)
    text = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error:
        raise RegisterFileError("not_a_table") from None


def _xlsx(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise RegisterFileError("not_a_table") from None
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
