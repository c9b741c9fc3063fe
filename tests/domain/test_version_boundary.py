"""供电营业规则: the 1996 rules up to 2024-05-31, the 2024 rules from 2024-06-01, chosen by event_date."""

from __future__ import annotations

from typing import Any

import pytest
from casefactory import make, run, run_covered

BEFORE, CUT = "2024-05-31", "2024-06-01"


def on(day: str, category: str, **facts: Any) -> dict[str, Any]:
    return make(category, facts=facts, event_date=day, report_date=day)


def gyr(article: str, version: str) -> dict[str, str]:
    return {"instrument": "供电营业规则", "article": article, "version": version}


# (case builder, rule key and citation before the cut, rule key and citation from the cut)
BOUNDARY_CASES = [
    (lambda d: on(d, "outage"), "accident_outage_1996", gyr("第九十五条", "1996"), "accident_outage_2024", gyr("第九十七条", "2024")),
    (lambda d: on(d, "outage", outage_cause="customer_fault"),
     "customer_caused_outage", gyr("第九十五条", "1996"), "customer_caused_outage", gyr("第九十七条", "2024")),
    (lambda d: on(d, "power_quality"), "voltage_20pct_1996", gyr("第九十六条", "1996"), "quality_pct_2024#voltage", gyr("第九十八条", "2024")),
    (lambda d: on(d, "power_quality", quality_kind="frequency"),
     "frequency_20pct_1996", gyr("第九十七条", "1996"), "quality_pct_2024#frequency", gyr("第九十九条", "2024")),
    (lambda d: on(d, "power_quality", contract_quality_clause=False, power_factor_meets_standard=False),
     "voltage_limits", gyr("第五十四条", "1996"), "voltage_limits", gyr("第五十七条", "2024")),
    (lambda d: {**on(d, "appliance"), "facility_owner": "customer", "utility_maintains": False},
     "liability_by_ownership", gyr("第五十一条", "1996"), "boundary_2024", gyr("第五十四条", "2024")),
]


@pytest.mark.parametrize(("build", "old_key", "old_cite", "new_key", "new_cite"), BOUNDARY_CASES)
def test_day_before_the_cut_uses_the_1996_rules(build: Any, old_key: str, old_cite: dict[str, str],
                                                 new_key: str, new_cite: dict[str, str]) -> None:
    result = run(build(BEFORE))
    assert result["rule_results"].get(old_key) == "applies"
    assert old_cite in result["citations"]
    assert new_cite not in result["citations"]
    if new_key != old_key:
        assert new_key not in result["rule_results"]


@pytest.mark.parametrize(("build", "old_key", "old_cite", "new_key", "new_cite"), BOUNDARY_CASES)
def test_day_of_the_cut_uses_the_2024_rules(build: Any, old_key: str, old_cite: dict[str, str],
                                             new_key: str, new_cite: dict[str, str]) -> None:
    result = run(build(CUT))
    assert result["rule_results"].get(new_key) == "applies"
    assert new_cite in result["citations"]
    assert old_cite not in result["citations"]
    if new_key != old_key:
        assert old_key not in result["rule_results"]


@pytest.mark.parametrize(("day", "version"), [(BEFORE, "1996"), (CUT, "2024")])
def test_explanation_names_the_version_in_force(day: str, version: str) -> None:
    first = run(on(day, "outage"))["explanation"][0]
    assert f"《供电营业规则》{version}年版" in first


@pytest.mark.parametrize(("day", "key"), [(BEFORE, "restore_3d_1996"), (CUT, "restore_24h_2024")])
def test_restoration_period_follows_the_version(day: str, key: str) -> None:
    case = on(day, "outage")
    case["facts"]["outage_hours"] = "80"  # longer than either period: the restoration note bears on the claim
    results = run(case)["rule_results"]
    assert results.get(key) == "applies"
    other = "restore_24h_2024" if key == "restore_3d_1996" else "restore_3d_1996"
    assert other not in results


@pytest.mark.parametrize(("day", "flagged"), [(BEFORE, True), (CUT, False)])
def test_only_the_1996_accident_formula_carries_unverified_parameters(day: str, flagged: bool) -> None:
    assert ("unverified_parameter" in run_covered(on(day, "outage"))["flags"]) is flagged


def test_same_amount_on_both_sides_of_the_cut_when_prices_are_the_same() -> None:
    assert run(on(BEFORE, "outage"))["amount"] == run(on(CUT, "outage"))["amount"] == "4550.00"


def test_the_2024_notice_article_is_cited_only_from_the_cut() -> None:
    facts = {"outage_cause": "planned_maintenance", "notice_given_hours": 200}
    before = run(on(BEFORE, "outage", **facts))["citations"]
    after = run(on(CUT, "outage", **facts))["citations"]
    assert gyr("第七十一条", "2024") in after
    assert gyr("第七十一条", "2024") not in before
