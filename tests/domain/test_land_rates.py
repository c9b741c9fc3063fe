"""Local compensation rates (青苗 per mu, trees per tree): published schedules only, the fictional demo table only
on a demo instance.

土地管理法 第四十八条第四款: "征收农用地以外的其他土地、地上附着物和青苗等的补偿标准，由省、自治区、直辖市制定" — the
amount is the province's published standard. The bundled `rates_demo.json` is marked FICTIONAL: its figures are no
one's standard, so on a production instance a claim that would need it is `insufficient_facts` (issue 15, D8).
"""

from __future__ import annotations

from typing import Any

import pytest
from casefactory import COVERED, TABLE, make, run

from casework.domain.rules import RateTable, RuleTable, assess

DEMO = TABLE.on_instance(demo=True)
NO_RATE = ("facts.local_rate_per_mu",)


def on_demo(case: dict[str, Any]) -> dict[str, Any]:
    return assess(case, DEMO)


def test_a_fictional_rate_never_gives_an_amount_on_a_production_instance() -> None:
    """The review's case: 410102, 小麦, 抽穗期, no rate given — 1040.00 from the fictional table before."""
    result = run(make("crop", facts={"region": "410102"}, drop=NO_RATE))
    assert (result["outcome"], result["amount"]) == ("insufficient_facts", None)
    assert result["missing_facts"] == ["facts.local_rate_per_mu"]
    text = "\n".join(result["explanation"])
    assert "没有已公布的当地补偿标准（行政区划410102，小麦，抽穗期）" in text
    assert "1040.00" not in text and "1300.00" not in text
    assert "no published local compensation standard (administrative division 410102, 小麦, 抽穗期)" in "\n".join(
        result["explanation_en"])


def test_a_fictional_tree_rate_is_refused_too() -> None:
    facts = {"region": "410000", "species": "杨树", "size": "胸径10-20厘米", "tree_count": 3}
    result = run(make("trees", facts=facts, drop=("facts.rate_per_tree",)))
    assert (result["outcome"], result["missing_facts"]) == ("insufficient_facts", ["facts.rate_per_tree"])


def test_on_a_demo_instance_the_fictional_rate_is_used_and_said_to_be_invented() -> None:
    result = on_demo(make("crop", drop=NO_RATE))
    assert (result["outcome"], result["amount"]) == ("liable", "960.00")  # 0.8 mu × 1200.00 (fictional)
    assert "unverified_parameter" in result["flags"]
    assert any("该补偿标准为虚构数字，仅供演示" in line for line in result["explanation"])
    assert any("虚构演示数据" in note["zh"] for note in result["to_verify"])
    assert "虚构" in result["findings"]["crop_rate_local"]["zh"]


def test_a_real_schedule_wins_over_the_fictional_one_on_any_instance() -> None:
    real = RateTable.from_dict({"id": "henan-2025", "label_zh": "河南省2025年青苗补偿标准", "fictional": False,
                                "verified": True, "crop": [{"region": "410000", "crop": "小麦", "growth_stage": "抽穗期",
                                                            "rate_per_mu": "1100.00", "effective_from": "2025-01-01"}]})
    data = TABLE.to_dict()
    data["rate_tables"] = [*data["rate_tables"], real.to_dict()]
    table = RuleTable.from_dict(data)
    for instance in (table, table.on_instance(demo=True)):
        result = assess(make("crop", drop=NO_RATE), instance, COVERED)  # a calendar for every year: no coverage flag
        assert (result["amount"], result["flags"]) == ("880.00", [])


def test_a_stated_rate_needs_no_schedule_on_a_production_instance() -> None:
    assert run(make("crop"))["amount"] == "1200.00"


def test_the_instance_mode_is_not_part_of_the_tables_data() -> None:
    assert DEMO.to_dict() == TABLE.to_dict()
    assert DEMO.on_instance(demo=False) is not DEMO and TABLE.on_instance(demo=False) is TABLE


# -- how the schedules are searched (on a demo instance, the only one the bundled figures serve) --------------------
@pytest.mark.parametrize(
    ("region", "stage", "amount"),
    [
        ("410102", "抽穗期", "1040.00"),  # county → its city's schedule (410100)
        ("410305", "抽穗期", "960.00"),  # county → province schedule (410000)
        ("410000", "拔节期", "800.00"),  # no rate for the stage → the all-stage rate
        ("410000", None, "800.00"),
    ],
)
def test_rate_lookup_falls_back_to_wider_region_then_any_stage(region: str, stage: str | None, amount: str) -> None:
    facts = {"region": region, "growth_stage": stage}
    assert on_demo(make("crop", facts=facts, drop=NO_RATE))["amount"] == amount


def test_rate_is_the_one_in_force_on_the_event_date() -> None:
    facts = {"region": "330000", "crop": "水稻", "growth_stage": None, "area_mu": "1"}
    old = make("crop", facts=facts, drop=NO_RATE, event_date="2024-12-31", report_date="2025-01-02")
    new = make("crop", facts=facts, drop=NO_RATE, event_date="2025-01-01", report_date="2025-01-02")
    assert (on_demo(old)["amount"], on_demo(new)["amount"]) == ("1600.00", "1750.00")


def test_tree_rate_can_come_from_the_rate_table() -> None:
    facts = {"region": "410000", "species": "杨树", "size": "胸径10-20厘米", "tree_count": 3}
    assert on_demo(make("trees", facts=facts, drop=("facts.rate_per_tree",)))["amount"] == "450.00"
