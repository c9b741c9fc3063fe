"""The rule table is data: it round-trips, rejects bad rows, and quotes REFERENCE.md exactly."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from typing import Any

import pytest
from casefactory import SHARED_REFERENCE, TABLE, example_files, item, load, make, require_shared

from casework.domain.rules import RuleTable, assess, bundled_table_dict, load_bundled_table, missing_facts
from casework.domain.rules.provisions import provisions_of

ARTICLE = re.compile(r"^第[一二三四五六七八九十百千零]+条$")


MIRROR_COMMIT = "2f4c5c23716267af9dbebbbbd6cbbf732b101981"  # the primary mirror REFERENCE.md names


def reference() -> str:
    return require_shared(SHARED_REFERENCE).read_text(encoding="utf-8")


def test_table_round_trips_through_plain_json() -> None:
    data = json.loads(json.dumps(TABLE.to_dict(), ensure_ascii=False))
    again = RuleTable.from_dict(data)
    assert again.to_dict() == TABLE.to_dict()
    assert again.version == TABLE.version == "2026.1"


def test_a_table_built_from_dicts_assesses_like_the_bundled_one() -> None:
    again = RuleTable.from_dict(TABLE.to_dict())
    for path in example_files():
        case = load(path)["case"]
        assert assess(case, again) == assess(case, TABLE)


def test_bundled_table_is_loaded_once_and_shared() -> None:
    assert load_bundled_table() is load_bundled_table()


def test_a_parameter_change_is_a_data_change() -> None:
    data = bundled_table_dict()
    for param in data["parameters"]:
        if param["name"] == "ha_floor_rate":
            param["value"] = "0.20"
    data["version"] = "2025.1-draft"
    draft = RuleTable.from_dict(data)
    case = make("appliance", facts={"appliances": [item(purchase_date="2010-01-01")]})
    assert assess(case, TABLE)["amount"] == "480.00"
    assert assess(case, draft)["amount"] == "960.00"
    assert assess(case, draft)["rule_table_version"] == "2025.1-draft"


def test_a_new_parameter_version_applies_from_its_date() -> None:
    data = bundled_table_dict()
    old = next(p for p in data["parameters"] if p["name"] == "ha_report_days")
    old["effective_to"] = "2025-07-31"
    data["parameters"].append({**copy.deepcopy(old), "value": 10, "effective_from": "2025-08-01", "effective_to": None})
    table = RuleTable.from_dict(data)
    before = make("appliance", event_date="2025-07-20", report_date="2025-07-30")
    after = make("appliance", event_date="2025-08-01", report_date="2025-08-11")
    assert assess(before, table)["outcome"] == "time_barred"
    assert assess(after, table)["outcome"] == "liable"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"predicate": "no_such_predicate"}, "unknown predicate"),
        ({"formula": "no_such_formula"}, "unknown formula"),
        ({"role": "basis", "stage": "time"}, "not allowed"),
        ({"confidence": "maybe"}, "confidence"),
        ({"effective_from": None}, "effective_from"),
    ],
)
def test_bad_rule_rows_are_rejected_at_load(change: dict[str, Any], message: str) -> None:
    data = bundled_table_dict()
    data["rules"][0].update(change)
    with pytest.raises(ValueError, match=message):
        RuleTable.from_dict(data)


def test_duplicate_rule_rows_are_rejected() -> None:
    data = bundled_table_dict()
    data["rules"].append(copy.deepcopy(data["rules"][0]))
    with pytest.raises(ValueError, match="duplicate"):
        RuleTable.from_dict(data)


def test_overlapping_parameter_rows_are_rejected() -> None:
    data = bundled_table_dict()
    row = next(p for p in data["parameters"] if p["name"] == "ha_floor_rate")
    data["parameters"].append({**copy.deepcopy(row), "value": "0.20", "effective_from": "2025-01-01"})
    with pytest.raises(ValueError, match="overlap"):
        RuleTable.from_dict(data)


def test_overlapping_versions_of_a_rule_are_rejected() -> None:
    data = bundled_table_dict()
    row = next(r for r in data["rules"] if r["id"] == "accident_outage_1996")
    data["rules"].append({**copy.deepcopy(row), "effective_from": "2020-01-01", "effective_to": None})
    with pytest.raises(ValueError, match="overlap"):
        RuleTable.from_dict(data)


def test_parameter_must_state_whether_it_is_verified() -> None:
    data = bundled_table_dict()
    del data["parameters"][0]["verified"]
    with pytest.raises(ValueError, match="verified"):
        RuleTable.from_dict(data)


def test_unverified_parameters_are_those_reference_md_marks() -> None:
    unverified = {(p.name, p.source.version if p.source else None) for p in TABLE.parameters if not p.verified}
    assert unverified == {
        ("ha_age_unit", None),
        ("ha_no_invoice_price_basis", None),
        ("ha_repair_cap", None),
        ("accident_min_hours", "1996"),
        ("accident_price_base", "1996"),
        ("hv_threshold_kv", None),
        # 1996 第五十三条 (frequency limits): no sourced text, REFERENCE.md §3.3
        ("frequency_tol_large_grid", "1996"),
        ("frequency_tol_small_grid", "1996"),
        ("frequency_tol_abnormal", "1996"),
    }


def test_rules_are_picked_by_event_date() -> None:
    ids_before = {r.id for r in TABLE.staged("outage", date(2024, 5, 31)).merits}
    ids_after = {r.id for r in TABLE.staged("outage", date(2024, 6, 1)).merits}
    assert "accident_outage_1996" in ids_before - ids_after
    assert "accident_outage_2024" in ids_after - ids_before


def test_unknown_category_has_no_rules() -> None:
    assert TABLE.staged("weather", date(2025, 1, 1)).merits == ()


def test_every_citation_is_well_formed() -> None:
    for rule in TABLE.rules:
        for source in rule.sources:
            if source.article is not None:
                assert ARTICLE.match(source.article), (rule.id, source.article)
            if source.instrument == "供电营业规则":
                assert source.version in ("1996", "2024"), rule.id
            else:
                assert source.version is None, rule.id


def test_every_rule_names_its_confidence_and_dates() -> None:
    for rule in TABLE.rules:
        assert rule.confidence in ("V", "PV", "U")
        assert rule.effective_to is None or rule.effective_to >= rule.effective_from
        assert rule.quote and rule.title_zh


def test_every_quote_is_verbatim_from_reference_md() -> None:
    """Verbatim from REFERENCE.md — or, for an article REFERENCE.md names without quoting (民法典第一百九十四条,
    第五百八十五条, 第五百九十一条…), from that article's whole text as copied from the primary mirror REFERENCE.md
    names."""
    text = reference()
    for rule in TABLE.rules:
        if rule.quote in text:
            continue
        mirrored = [p.text for p in provisions_of(rule) if p.source.startswith(f"LawRefBook/Laws@{MIRROR_COMMIT}:")]
        parts = [part.strip() for part in re.split(r"……| / ", rule.quote) if part.strip()]
        assert all(part in text or any(part in t for t in mirrored) for part in parts), rule.result_key


def test_every_instrument_is_cited_by_its_reference_title() -> None:
    text = reference()
    for rule in TABLE.rules:
        for source in rule.sources:
            # REFERENCE.md §6 names the repealed 民法通则 by its short title only; it is cited by its full one
            short = {"中华人民共和国民法通则": "民法通则"}.get(source.instrument, source.instrument)
            assert short in text, source.instrument


def test_every_rule_id_of_section_9_is_in_the_table() -> None:
    section = reference().split("## 9. Rule table", 1)[1].split("## 11.", 1)[0]
    wanted = set(re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.M))
    assert len(wanted) > 60
    assert wanted <= set(TABLE.rule_ids)


def test_rule_results_cover_the_rules_evaluated() -> None:
    result = assess(make("appliance"), TABLE)
    assert result["rule_results"]["ha_scope"] == "applies"
    assert result["rule_results"]["ha_exemptions"] == "not_applicable"
    assert set(result["rule_results"].values()) <= {"applies", "not_applicable", "undetermined"}


def test_missing_facts_lists_every_stage_a_draft_still_needs() -> None:
    draft = make("appliance", drop=("report_date",), facts={"appliances": []})
    assert assess(draft, TABLE)["missing_facts"] == ["report_date"]
    assert missing_facts(draft, TABLE) == ["report_date", "facts.appliances"]


def test_missing_facts_of_an_empty_draft_asks_for_the_basics() -> None:
    assert missing_facts({}, TABLE) == ["category", "event_date"]
    draft = {"category": "crop", "event_date": "2025-05-18", "facts": {}}
    assert missing_facts(draft, TABLE) == ["facts.work_kind", "report_date"]


def test_missing_facts_is_empty_for_a_complete_case() -> None:
    assert missing_facts(make("outage"), TABLE) == []
