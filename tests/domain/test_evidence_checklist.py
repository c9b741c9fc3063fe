"""The evidence checklists: what each category needs, grounded in the rule table, and what is missing."""

from __future__ import annotations

from casework.domain.contract import CATEGORIES
from casework.domain.evidence import CHECKLISTS, KINDS, OTHER, checklist, kinds_for, missing, status
from casework.domain.rules import load_bundled_table


def test_every_category_has_a_checklist_with_something_required() -> None:
    assert set(CHECKLISTS) == set(CATEGORIES)
    for category in CATEGORIES:
        assert any(item.required for item in checklist(category)), category
        assert kinds_for(category)[-1] == OTHER


def test_every_legal_basis_is_a_rule_of_the_table() -> None:
    table = load_bundled_table()
    for category, items in CHECKLISTS.items():
        for item in items:
            if item.basis is not None:
                assert table.rules_by_id(item.basis), (category, item.kind, item.basis)


def test_the_appliance_list_follows_article_five() -> None:
    """家电办法 第五条: the registration record signed by the resident is the basis of the claim."""
    required = {item.kind: item.basis for item in checklist("appliance") if item.required}
    assert required["registration_record"] == "ha_register_evidence"
    assert {"appliance_photos", "purchase_proof", "repair_assessment"} <= set(required)


def test_missing_counts_files_and_waivers() -> None:
    everything = {item.kind: 1 for item in checklist("crop")}
    assert missing("crop", everything, ()) == ()
    assert missing("crop", {}, ()) == ("site_photos", "area_measurement", "land_contract", "rate_schedule")
    assert missing("crop", {"site_photos": 3}, {"rate_schedule"}) == ("area_measurement", "land_contract")
    assert missing("crop", {"other": 5}, ()) == missing("crop", {}, ())  # "other" satisfies nothing
    lines = status("trees", {}, ())
    optional = [line for line in lines if not line.item.required]
    assert optional and all(line.satisfied for line in optional)  # optional items never block


def test_kinds_are_unique_and_named() -> None:
    from casework.ui.labels import EVIDENCE_KIND

    assert len(KINDS) == len(set(KINDS))
    assert set(KINDS) == set(EVIDENCE_KIND)
