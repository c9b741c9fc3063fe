"""Numbers as a field worker types them: the units and marks people add are read, anything else refused."""

from __future__ import annotations

import pytest

from casework.domain.typed_numbers import TypedNumberError, plain_number


@pytest.mark.parametrize(("typed", "plain"), [
    ("4500元", "4500"), ("4,500", "4500"), ("1,800", "1800"), ("¥1,800.00", "1800.00"), ("１８００", "1800"),
    ("￥2,164.55", "2164.55"), ("人民币4500元整", "4500"), ("RMB 1200", "1200"), (" 1 234 ", "1234"),
    ("1,234,567.5", "1234567.5"), ("１，８００元", "1800"), ("300块", "300"),
])
def test_an_amount_as_people_write_it_is_read(typed: str, plain: str) -> None:
    assert plain_number(typed) == plain


@pytest.mark.parametrize(("typed", "code"), [
    ("-1800", "negative"), ("¥-5", "negative"), ("三百元", "not_number"), ("1,80", "not_number"),
    ("18,00.00", "not_number"), ("1.2.3", "not_number"), ("", "not_number"), ("元", "not_number"),
    ("4500美元", "not_number"), ("१२३", "not_number"),
])
def test_what_is_not_an_amount_is_refused_with_a_reason(typed: str, code: str) -> None:
    with pytest.raises(TypedNumberError) as refused:
        plain_number(typed)
    assert refused.value.code == code


def test_a_quantity_takes_no_currency_marks() -> None:
    assert plain_number("1,400", currency=False) == "1400"
    with pytest.raises(TypedNumberError):
        plain_number("400元", currency=False)
