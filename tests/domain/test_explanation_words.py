"""The explanation, its English twin and the findings are words: no code of the system reaches a person."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from casefactory import TABLE, example_files, load

from casework.domain.contract import FACT_FIELDS, TOP_FIELDS, FieldSpec
from casework.domain.rules import assess
from casework.domain.rules.words import PARAMETER, TEXT_EN, article_en, fact_label

GOLDEN = json.loads((Path(__file__).parent / "golden" / "assessments.json").read_text(encoding="utf-8"))["cases"]


def _keys_and_values(fields: dict[str, FieldSpec]) -> set[str]:
    out: set[str] = set()
    for name, spec in fields.items():
        out.add(name)
        out.update(str(v) for v in spec.values if isinstance(v, str))
        if spec.items:
            out |= _keys_and_values(dict(spec.items))
    return out


_CODES = _keys_and_values(TOP_FIELDS) | {c for f in FACT_FIELDS.values() for c in _keys_and_values(f)}
_CODES |= set(FACT_FIELDS) | {r.id for r in TABLE.rules} | {p.name for p in TABLE.parameters}
#: Codes that are also plain English words may appear in English text; in Chinese text no code may.
#: ASCII boundaries, not \b: a Chinese character counts as a word character, so 类别appliance has no \b.
_CODE_RE_ZH = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(sorted(map(re.escape, _CODES), key=len, reverse=True))
                         + r")(?![A-Za-z0-9_])")
_CODE_RE_EN = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(sorted((re.escape(c) for c in _CODES if "_" in c),
                                                                  key=len, reverse=True)) + r")(?![A-Za-z0-9_])")
_SHAPES = re.compile(r"\d{4}-\d{2}-\d{2}|facts\.|\[\d+\]|\bNone\b|\bTrue\b|\bFalse\b|\{'|Decimal\(|\bu\d{4}")


def _bad(text: str, english: bool) -> list[str]:
    hits = (_CODE_RE_EN if english else _CODE_RE_ZH).findall(text) + _SHAPES.findall(text)
    return [h for h in hits if h]


def _texts(result: dict[str, Any]) -> list[tuple[str, bool]]:
    out = [(line, False) for line in result["explanation"]] + [(line, True) for line in result["explanation_en"]]
    for finding in result["findings"].values():
        out += [(finding["zh"], False), (finding["en"], True)]
    for note in result.get("to_verify", []):
        out += [(note["zh"], False), (note["en"], True)]
    return out


def _cases() -> list[tuple[str, Any]]:
    return [(f"example:{p.stem}", load(p)["case"]) for p in example_files()] + [(e["name"], e["case"]) for e in GOLDEN]


@pytest.mark.parametrize(("name", "case"), _cases(), ids=lambda v: v if isinstance(v, str) else "")
def test_no_internal_identifier_in_any_line(name: str, case: Any) -> None:
    result = assess(case, TABLE)
    found = {text: _bad(text, english) for text, english in _texts(dict(result)) if _bad(text, english)}
    assert found == {}


def test_english_lines_are_english_line_for_line() -> None:
    for _, case in _cases():
        result = assess(case, TABLE)
        assert len(result["explanation_en"]) == len(result["explanation"])
        for line in result["explanation_en"]:
            # Chinese may appear only inside data the claimant gave (an appliance's name, a crop), never in our words
            assert line.startswith("Step ")
            assert not re.search(r"[\u4e00-\u9fff]{2,}(?:：|——|；)", line), line


def test_findings_name_the_facts_of_the_claim() -> None:
    case = load(next(p for p in example_files() if p.stem == "appliance-depreciated"))["case"]
    findings = assess(case, TABLE)["findings"]
    depreciated = findings["ha_irreparable_depreciated"]
    assert depreciated["zh"].startswith("本案电冰箱购于2019年7月20日") and "1800.00元" in depreciated["zh"]
    assert "20 July 2019" in depreciated["en"] and "CNY 1,800.00" in depreciated["en"]
    for finding in findings.values():  # a lawyer's sentence: no step number, no citation prefix, no quotation
        assert not re.match(r"第\d+步|Step \d", finding["zh"] + finding["en"])
        assert "《" not in finding["zh"] and "「" not in finding["zh"] and finding["zh"].endswith("。")


def test_every_code_of_the_bundled_table_has_words() -> None:
    assert {p.name for p in TABLE.parameters} <= set(PARAMETER)
    for rule in TABLE.rules:
        assert rule.title_en != rule.title_zh, rule.result_key
        detail = rule.args.get("detail")
        assert detail is None or detail in TEXT_EN, rule.result_key
        for source in rule.sources:
            assert source.article is None or article_en(source.article).startswith("Art. "), source.article


def test_articles_and_paths_read_as_words() -> None:
    assert article_en("第一千二百四十条") == "Art. 1240"
    assert article_en("第二百零一条") == "Art. 201"
    assert article_en("第一百八十八条第二款") == "Art. 188(2)"
    assert fact_label("appliance", "facts.appliances[0].purchase_date").zh.endswith("第1项 购置日期")
    assert "#1" in fact_label("appliance", "facts.appliances[0].purchase_date").en
