"""Trees felled or pruned for a line: paid only when they stood before the protection zone was designated.

电力设施保护条例实施细则 第十八条第二款: "电力企业对已划定的电力设施保护区域内新种植或自然生长的可能危及电力设施安全的
树木、竹子，应当予以砍伐，并不予支付林木补偿费、林地补偿费、植被恢复费等任何费用" — whatever the reason for the felling;
电力法 第五十三条第二款 forbids the planting itself. Only trees "在依法划定电力设施保护区前已经种植的" (电力法 第五十三条
第三款) get the one-time compensation of 细则 第十六条（一）.
"""

from __future__ import annotations

import pytest
from casefactory import make, run

CORRIDOR = {"reason": "new_line_corridor"}


@pytest.mark.parametrize("reason", ["new_line_corridor", "protection_zone_clearance"])
def test_trees_newly_planted_in_a_designated_zone_are_not_paid_whatever_the_reason(reason: str) -> None:
    """细则第十八条: 已划定的电力设施保护区域内新种植……的树木……不予支付……任何费用."""
    result = run(make("trees", facts={"reason": reason, "planted_date": "2022-03-01",
                                      "zone_designated_date": "2020-04-01"}))
    assert (result["outcome"], result["amount"]) == ("not_liable", "0.00")
    assert {"instrument": "电力设施保护条例实施细则", "article": "第十八条"} in result["citations"]
    assert result["rule_results"]["trees_preexisting"] != "applies"


def test_a_zone_designated_in_advance_for_a_planned_line_counts_for_the_new_line() -> None:
    """The zone of a planned line, designated and announced before the line is built: planting after the
    announcement is planting in a designated zone (细则第十八条), so the corridor felling pays nothing for it."""
    result = run(make("trees", facts={**CORRIDOR, "planted_date": "2023-05-01", "zone_designated_date": "2023-01-10"},
                      event_date="2025-04-15"))
    assert result["outcome"] == "not_liable"


def test_trees_standing_before_a_zone_designated_with_the_new_line_get_one_time_compensation() -> None:
    """No zone before the line: the zone is designated with the new line, so trees planted before that date stood
    before designation (电力法第五十三条第三款) and get the one-time compensation of 细则第十六条（一）."""
    result = run(make("trees", facts={**CORRIDOR, "planted_date": "2012-04-01", "zone_designated_date": "2025-04-01"}))
    assert (result["outcome"], result["amount"]) == ("liable", "6000.00")
    assert {"instrument": "电力设施保护条例实施细则", "article": "第十六条"} in result["citations"]


@pytest.mark.parametrize("dropped", [("facts.planted_date",), ("facts.zone_designated_date",),
                                     ("facts.planted_date", "facts.zone_designated_date")])
def test_a_new_line_corridor_without_the_dates_asks_for_them(dropped: tuple[str, ...]) -> None:
    """Without both dates nobody can tell new planting (nothing paid) from standing trees (paid once)."""
    result = run(make("trees", facts=CORRIDOR, drop=dropped))
    assert (result["outcome"], result["amount"]) == ("insufficient_facts", None)
    assert result["missing_facts"] == list(dropped)


@pytest.mark.parametrize("reason", ["new_line_corridor", "protection_zone_clearance"])
def test_the_explanation_never_says_trees_stood_before_designation_when_they_did_not(reason: str) -> None:
    result = run(make("trees", facts={"reason": reason, "planted_date": "2022-03-01"}))
    text = "\n".join(result["explanation"])
    assert "划定前已有" not in text and "划定前已种植" not in text
    assert "2022年3月1日" in text and "2020年4月1日" in text


@pytest.mark.parametrize("reason", ["new_line_corridor", "protection_zone_clearance"])
def test_the_explanation_of_paid_trees_states_both_dates(reason: str) -> None:
    result = run(make("trees", facts={"reason": reason}))
    assert result["outcome"] == "liable"
    basis = next(line for line in result["explanation"] if "保护区划定前已有树木的一次性补偿" in line)
    assert "2019年3月1日" in basis and "2020年4月1日" in basis


def test_trees_planted_after_the_zone_need_no_reason_to_be_refused() -> None:
    """细则第十八条 holds whatever the reason, so the reason is not asked for."""
    result = run(make("trees", facts={"planted_date": "2022-03-01"}, drop=("facts.reason",)))
    assert result["outcome"] == "not_liable"
