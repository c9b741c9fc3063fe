"""Money is Decimal, parsed strictly, rounded half up to the fen once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from casework.domain.money import (
    MoneyError,
    format_money,
    format_number,
    format_yuan,
    parse_money,
    parse_quantity,
    round_money,
)


@pytest.mark.parametrize(("text", "value"), [("4800.00", "4800.00"), ("0.5", "0.5"), ("12", "12"), (" 3.10 ", "3.10")])
def test_parse_money_accepts_up_to_two_decimals(text: str, value: str) -> None:
    assert parse_money(text) == Decimal(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [("1.234", "more than 2 decimals"), ("1e3", "not a decimal"), ("", "not a decimal"), (12, "not a decimal string"),
     (1.5, "not a decimal string"), ("-1.00", "must not be negative"), ("NaN", "not a decimal")],
)
def test_parse_money_rejects(value: object, message: str) -> None:
    with pytest.raises(MoneyError, match=message):
        parse_money(value)


def test_quantities_from_floats_keep_their_decimal_spelling() -> None:
    assert parse_quantity(0.65) == Decimal("0.65")
    assert parse_quantity(400) == Decimal(400)
    assert parse_quantity("3.5") == Decimal("3.5")
    assert parse_quantity(Decimal("1.25")) == Decimal("1.25")


@pytest.mark.parametrize("value", [True, None, "abc", float("inf"), float("nan"), -1, [1]])
def test_parse_quantity_rejects(value: object) -> None:
    with pytest.raises(MoneyError):
        parse_quantity(value)


@pytest.mark.parametrize(("raw", "rounded"), [("0.005", "0.01"), ("0.015", "0.02"), ("2.675", "2.68"), ("-0.005", "-0.01"),
                                              ("1800", "1800.00"), ("3138.8860", "3138.89")])
def test_round_half_up_to_the_fen(raw: str, rounded: str) -> None:
    assert round_money(Decimal(raw)) == Decimal(rounded)
    assert format_money(Decimal(raw)) == rounded


@pytest.mark.parametrize(("amount", "printed"), [
    ("0.125", "¥0.13"), ("2.675", "¥2.68"), ("1234.565", "¥1,234.57"), ("-0.125", "-¥0.13"), ("-1234.565", "-¥1,234.57"),
    ("1800", "¥1,800.00"), ("-0.004", "¥0.00"), (1234567, "¥1,234,567.00"),
])
def test_an_amount_prints_in_yuan_rounded_half_up(amount: str | int, printed: str) -> None:
    """x.xx5 goes up, away from zero (四舍五入), where Decimal's default half-even would go to ¥0.12."""
    assert format_yuan(Decimal(amount)) == format_yuan(amount) == printed


def test_an_amount_in_yuan_is_never_a_float() -> None:
    with pytest.raises(TypeError):
        format_yuan(2.675)  # the binary float is 2.67499…: it would print ¥2.67


def test_format_number_drops_needless_zeros() -> None:
    assert format_number(Decimal("1400.00")) == "1400"
    assert format_number(Decimal("3.50")) == "3.5"
    assert format_number(Decimal("0E-7")) == "0"
