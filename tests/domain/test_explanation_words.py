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


# -- only what bears on the claim, said as the claim ends (issue 15, the review's §2) ---------------------------

def _text(case: Any) -> str:
    return "\n".join(assess(case, TABLE)["explanation"])


def test_the_1996_boundary_defaults_are_read_only_when_the_facility_is_not_the_utilitys() -> None:
    """供电营业规则（1996）第四十七条 "公用低压线路供电的，以供电接户线用户端最后支持物为分界点，支持物属供电企业":
    where the boundary lies decides nothing when the input says the failed facility is the utility's own."""
    from casefactory import make

    old = {"event_date": "2019-03-01", "report_date": "2019-03-03",
           "facts": {"appliances": [{"name": "电视机", "class": "electronic", "price": "4800.00",
                                     "purchase_date": "2018-01-01", "invoice": True, "repairable": False}]}}
    assert "第四十七条" not in _text(make("appliance", **old))
    assert "第四十七条" in _text(make("appliance", **old, facility_owner="customer"))


def test_the_climbing_note_is_read_only_when_the_victim_climbed_or_flew_a_kite() -> None:
    """电力设施保护条例第十四条（五）"擅自攀登杆塔", （三）"在架空电力线路导线两侧各300米的区域内放风筝": evidence of gross
    negligence only where the victim did one of these; a 0.38 kV injury where nobody climbed is not told of it."""
    from casefactory import make

    careless = {"voltage_kv": "0.38", "victim_conduct": "gross_negligence"}
    assert "擅自攀登杆塔" not in _text(make("injury", facts=careless))
    for act in ("climbing_tower", "kite_flying"):
        assert "擅自攀登杆塔" in _text(make("injury", facts={**careless, "prohibited_act": act}))
    high = {**careless, "voltage_kv": "10"}  # the 第一千二百四十条 reduction names no act nobody did
    assert "攀登" not in _text(make("injury", facts=high))
    assert "受害人有重大过失（擅自攀登杆塔）" in _text(make("injury", facts={**high, "prohibited_act": "climbing_tower"}))


@pytest.mark.parametrize(("day", "article", "short", "long"), [
    ("2025-03-12", "第七十二条", "24", "24.5"), ("2019-03-12", "第六十九条", "72", "73")])
def test_the_restoration_note_is_read_only_when_the_outage_outlasted_it(day: str, article: str, short: str,
                                                                      long: str) -> None:
    """供电营业规则（2024）第七十二条 "应当在二十四小时内恢复供电"; （1996）第六十九条 "应在三日内恢复供电": an outage no
    longer than that was restored in time whenever its cause was removed, so the note bears only on a longer one."""
    from casefactory import make

    def note(hours: str) -> bool:
        case = make("outage", event_date=day, report_date=day, facts={"outage_hours": hours})
        return any("恢复供电" in line and article in line for line in assess(case, TABLE)["explanation"])

    assert not note("3.5") and not note(short)
    assert note(long)


def test_every_amount_is_said_with_its_fen() -> None:
    """Amounts are read aloud as "1300.00元", a total as "合计N.00元", never "合计N元"."""
    bare = re.compile(r"(?<![\d.,])\d+(?:\.\d)?元(?!/)")  # a unit price (元/千瓦时) is said as given
    found = {line for _, case in _cases() for line in assess(case, TABLE)["explanation"] if bare.search(line)}
    assert found == set()


def test_dates_are_said_one_way_and_the_category_in_words() -> None:
    from casefactory import make

    for category in ("appliance", "outage", "injury"):
        lines = assess(make(category), TABLE)["explanation"]
        assert "案件类别为" in lines[0] and category not in lines[0]
        assert all(not re.search(r"\d{4}-\d{2}-\d{2}|\d{4}/\d{1,2}/\d{1,2}", line) for line in lines)


def test_a_basis_says_liable_only_when_the_claim_ends_liable() -> None:
    """The basis step's conclusion matches the outcome: no "——供电企业应当承担赔偿责任" in a claim that ends out of
    time, undecided or exempt."""
    liable_words = "——供电企业应当承担赔偿责任"
    for _, case in _cases():
        result = assess(case, TABLE)
        said = any(liable_words in line for line in result["explanation"])
        if result["outcome"] not in ("liable", "reduced"):
            assert not said, (result["outcome"], case)
    from casefactory import make

    late = assess(make("appliance", report_date="2025-08-20"), TABLE)
    assert late["outcome"] == "time_barred"
    assert any("本应承担赔偿责任，但请求已超过期限" in line for line in late["explanation"])
    assert "本应承担赔偿责任，但请求已超过期限" in late["findings"]["ha_scope"]["zh"]
    undecided = assess(make("appliance", drop=("facts.appliances",)), TABLE)
    assert any("如其余事实成立，供电企业应当承担赔偿责任" in line for line in undecided["explanation"])
