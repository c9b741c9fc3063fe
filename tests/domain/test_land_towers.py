"""Tower and pole land: each quotation under the article that holds it (issue 15, D10).

REFERENCE.md §9.4 `tower_land_one_time`: "PFPR 24; local: 豫 26, 浙 8, 沪 32, 济南 16". The wording on tower-base
land is provincial — 河南省供用电条例 第二十六条 "架空电力线路走廊（包括杆、塔基础）和地下电缆通道建设不实行征地，电力设施建设
单位应当对杆、塔基础用地的土地承包经营权人或者建设用地使用权人给予一次性补偿" — so it is cited under the provincial regulation
for land in that province, and only 电力设施保护条例 第二十四条's own words where no province matches.
"""

from __future__ import annotations

import pytest
from casefactory import TABLE, make, run

from casework.domain.rules.provisions import provision
from casework.domain.rules.words import TEXT_EN

NATIONAL = {"instrument": "电力设施保护条例", "article": "第二十四条"}
PROVINCES = [
    ("410102", "河南省供用电条例", "第二十六条", "不实行征地"),
    ("330106", "浙江省电网设施建设保护和供用电秩序维护条例", "第八条", "相应补偿"),
    ("310115", "上海市供用电条例", "第三十二条", "一次性经济补偿"),
    ("370102", "济南市电力管理条例", "第十六条", "不实行征地"),
]
KINDS = [
    ({}, "liable"),  # unpaid one-time compensation
    ({"claim_kind": "recurring_fee"}, "not_liable"),
    ({"one_time_compensation_paid": True}, "not_liable"),
    ({"claimant_acquired_date": "2016-01-01"}, "not_liable"),
]


@pytest.mark.parametrize(("region", "instrument", "article", "words"), PROVINCES)
@pytest.mark.parametrize(("facts", "outcome"), KINDS)
def test_tower_land_in_a_province_cites_and_quotes_its_regulation(
        region: str, instrument: str, article: str, words: str, facts: dict[str, str], outcome: str) -> None:
    result = run(make("land_tower", facts={**facts, "region": region}))
    assert result["outcome"] == outcome
    assert {"instrument": instrument, "article": article} in result["citations"]
    line = next(line for line in result["explanation"] if f"《{instrument}》{article}" in line and "原文：「" in line)
    quote = line.split("原文：「", 1)[1].split("」", 1)[0]
    assert words in line
    text = provision(next(s for r in TABLE.rules for s in r.sources if s.instrument == instrument))
    assert text is not None and all(part.strip("，。") in text.text for part in quote.split("……") if part)


@pytest.mark.parametrize(("facts", "outcome"), KINDS)
def test_where_no_province_matches_only_the_national_text_is_quoted(facts: dict[str, str], outcome: str) -> None:
    for region in (None, "520102"):  # no region given; 贵州, whose rule REFERENCE does not name
        extra = {"region": region} if region else {}
        result = run(make("land_tower", facts={**facts, **extra}))
        assert result["outcome"] == outcome
        assert NATIONAL in result["citations"]
        assert not any("条例》第二十六条" in line or "杆、塔基础用地" in line for line in result["explanation"])


def test_before_the_provincial_rule_took_effect_the_national_row_answers() -> None:
    """河南省供用电条例 第六十四条: 本条例自2013年1月1日起施行."""
    result = run(make("land_tower", facts={"region": "410102", "claim_kind": "recurring_fee"},
                      event_date="2012-06-01", report_date="2012-06-02"))
    assert {"instrument": "河南省供用电条例", "article": "第二十六条"} not in result["citations"]
    assert result["rule_results"]["tower_land_one_time#recurring"] == "applies"


def test_jinan_is_a_city_rule_not_shandongs() -> None:
    result = run(make("land_tower", facts={"region": "370202"}))  # 青岛
    assert {"instrument": "济南市电力管理条例", "article": "第十六条"} not in result["citations"]
    assert NATIONAL in result["citations"]


def test_every_provincial_finding_has_its_english() -> None:
    for rule in TABLE.rules:
        local = rule.args.get("local")
        assert local is None or local in TEXT_EN, rule.result_key


def test_crop_damage_during_maintenance_rests_on_the_article_for_maintenance() -> None:
    """电力供应与使用条例 第十六条: "供电企业和用户对供电设施、受电设施进行建设和维护时……因作业对建筑物或者农作物造成损坏的，
    应当……负责修复或者给予合理的补偿"; 电力设施保护条例 第二十四条 is about 新建、改建或扩建 and is neither quoted nor cited."""
    result = run(make("crop", facts={"work_kind": "maintenance"}))
    assert {"instrument": "电力供应与使用条例", "article": "第十六条"} in result["citations"]
    assert NATIONAL not in result["citations"]
    assert not any("新建、改建或扩建" in line for line in result["explanation"])
