"""Money and quantity helpers: Decimal only, rounded half up to the fen once per item."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

#: The contract writes money as a JSON string with at most two decimals.
_MONEY_RE = re.compile(r"^\d+(\.\d{1,2})?$")
#: Quantities may be strings with any number of decimals (kWh, hours, mu).
_QUANTITY_RE = re.compile(r"^\d+(\.\d+)?$")
FEN = Decimal("0.01")
ZERO = Decimal("0")


class MoneyError(ValueError):
    """A value that is not an acceptable amount; the message is the contract's wording."""


def parse_money(value: object) -> Decimal:
    """Parse a contract money string ("4800.00") into a Decimal; raise MoneyError otherwise."""
    if not isinstance(value, str):
        raise MoneyError("not a decimal string")
    text = value.strip()
    if text.startswith("-"):
        raise MoneyError("must not be negative")
    if not _MONEY_RE.match(text):
        if _QUANTITY_RE.match(text):
            raise MoneyError("not a decimal: more than 2 decimals")
        raise MoneyError("not a decimal")
    return Decimal(text)


def parse_quantity(value: object) -> Decimal:
    """Parse a quantity given as a JSON string or number; floats go through str() so no binary noise."""
    if isinstance(value, bool):
        raise MoneyError("not a number")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        # repr() of a float is the shortest string that round-trips, so 0.65 stays 0.65.
        try:
            result = Decimal(repr(value))
        except InvalidOperation as exc:
            raise MoneyError("not a number") from exc
    elif isinstance(value, str):
        text = value.strip()
        if text.startswith("-"):
            raise MoneyError("must not be negative")
        if not _QUANTITY_RE.match(text):
            raise MoneyError("not a number")
        result = Decimal(text)
    else:
        raise MoneyError("not a number")
    if not result.is_finite():
        raise MoneyError("not a number")
    if result < 0:
        raise MoneyError("must not be negative")
    return result


def round_money(amount: Decimal) -> Decimal:
    """Round half up to 0.01 yuan; called once per item, at the end of its computation."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal) -> str:
    """Format an amount as the contract's string with exactly two decimals ("1800.00")."""
    return f"{round_money(amount):.2f}"


def format_yuan(amount: Decimal | int | str) -> str:
    """An amount as people read it, on a page or in a letter: ¥1,234.57, -¥0.13.

    Rounded half up to the fen (四舍五入, the Chinese accounting convention), not the Decimal default
    half-even, so ¥x.xx5 prints the same wherever it is printed. Float is refused: an amount is Decimal."""
    if isinstance(amount, float):
        raise TypeError("amounts are Decimal, never float")
    value = round_money(Decimal(amount))
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"


def format_number(value: Decimal) -> str:
    """Format a quantity for an explanation without a trailing exponent or needless zeros."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"
