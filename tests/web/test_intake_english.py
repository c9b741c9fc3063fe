"""The intake pages in English mode are in English: category names, the form's title, every label, help text
and option (issue 14). Chinese is allowed only in the data: unit and person names."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from casework.domain.contract import CATEGORIES, FACT_FIELDS, TOP_FIELDS, FieldSpec
from tests.conftest import csrf_from
from tests.visible import leaks
from tests.web.test_decision import _client, world  # noqa: F401 - the shared fixture

DATA = ("单位S1", "单位K1", "单位C1", "单位P", "Field1")


def _specs(fields: dict[str, FieldSpec]) -> list[FieldSpec]:
    found = []
    for spec in fields.values():
        found.append(spec)
        if spec.items:
            found += _specs(dict(spec.items))
    return found


def test_every_help_text_and_option_has_its_english() -> None:
    specs = _specs(TOP_FIELDS) + [s for fields in FACT_FIELDS.values() for s in _specs(fields)]
    assert [s.label_zh for s in specs if s.help_zh and not s.help_en] == []
    assert [(s.label_zh, v) for s in specs for (v, zh), (_, en) in zip(s.choices, s.choices_en, strict=True)
            if en == zh] == []


@pytest.mark.parametrize("category", CATEGORIES)
def test_the_intake_form_in_english_has_no_chinese_outside_data(app: Flask, world: dict[str, Any],  # noqa: F811
                                                               category: str) -> None:
    field = _client(app, "field1")
    field.post("/language", data={"csrf_token": csrf_from(field.get("/intake/").text), "lang": "en"})
    found = []
    for page in ("/intake/", f"/intake/new/{category}"):
        response = field.get(page)
        assert response.status_code == 200, page
        from tests.visible import html_text

        found += [str(leak) for leak in leaks(page, html_text(response.text), english=True, data=DATA)]
    assert found == []
