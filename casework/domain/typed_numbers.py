"""Numbers as people type them into a form, read into the contract's plain decimal strings.

A field worker writes "4500元", "4,500", "¥1,800.00" or full-width "１８００"; the contract wants "4500",
"4500", "1800.00", "1800". Pure: the caller turns the error codes into words."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["TypedNumberError", "plain_number"]

# What may stand before or after an amount without changing it: currency marks and the unit 元.
_PREFIXES = ("人民币", "RMB", "CNY", "¥", "￥")
_SUFFIXES = ("元整", "元", "圆", "块钱", "块")
# Thousands separators only where they group by three: "1,80" is not read as 180 (it may mean 1.80).
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^\d+(\.\d+)?$")


class TypedNumberError(ValueError):
    """`code` is negative | not_number."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def plain_number(text: str, *, currency: bool = True) -> str:
    """The typed number as plain ASCII digits ("4,500元" → "4500"); decimals kept as typed.

    `currency` allows the marks of an amount of money (¥, 元); a quantity (kWh, 亩) takes only the digits.
    Raises TypedNumberError("negative") for a minus sign, ("not_number") for anything else not a number."""
    value = unicodedata.normalize("NFKC", text).strip()  # full-width digits, comma, point and yen become ASCII
    value = value.replace("，", ",").replace(" ", "")
    if currency:
        for prefix in _PREFIXES:
            if value.upper().startswith(prefix):
                value = value[len(prefix):]
                break
        for suffix in _SUFFIXES:
            if value.endswith(suffix):
                value = value[: -len(suffix)]
                break
    if value.startswith(("-", "−")):
        raise TypedNumberError("negative")
    if _GROUPED.match(value):
        value = value.replace(",", "")
    if not _PLAIN.match(value) or not value.isascii():
        raise TypedNumberError("not_number")
    return value
