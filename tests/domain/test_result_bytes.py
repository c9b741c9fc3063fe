"""The JSON contract stays byte-identical: today's engine prints exactly what the recorded engine printed.

Issue 14 reworded the explanation (words instead of codes) and added `explanation_en`, `findings` and
`to_verify`; so `sha256_without_explanation` (the bytes of every other key, recorded before that change) proves
the contract keys did not move by a byte, while `sha256`/`json` were re-recorded deliberately with the new wording.

Issue 15 fixed the defects a legal review found (table 2026.1) and re-recorded every entry with
`scripts/rerecord_golden.py`; the cases whose outcome or needed facts changed are listed in that merge's commit
message, each with the defect that changed it. A case the contract now refuses is recorded with its `errors`.

`golden/assessments.json` was recorded by running the engine of commit 6fd09e3 (before the results were typed)
over the contract's examples and a sweep of variations of every category (each fact dropped, each enum value,
late reports, old event dates, malformed input). It holds each case, the SHA-256 of
`json.dumps(assess(case), ensure_ascii=False)` encoded as UTF-8 — the bytes `casework assess` prints and the
snapshot a case stores — and, for the examples, that text in full so a failure shows the difference.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from casefactory import TABLE, example_files, load

from casework.domain.contract import validate_case
from casework.domain.rules import assess, missing_facts

GOLDEN: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "golden" / "assessments.json").read_text(encoding="utf-8"))["cases"]


def _text(case: Any) -> str:
    return json.dumps(assess(case, TABLE), ensure_ascii=False)


def test_the_recording_covers_every_example_and_every_outcome() -> None:
    recorded = {entry["name"]: entry["case"] for entry in GOLDEN}
    for path in example_files():
        assert recorded[f"example:{path.stem}"] == load(path)["case"]
    assert {entry["outcome"] for entry in GOLDEN} == {
        "liable", "not_liable", "reduced", "time_barred", "outside_service_boundary", "insufficient_facts"}


@pytest.mark.parametrize("entry", [e for e in GOLDEN if "json" in e], ids=lambda e: e["name"])
def test_example_output_is_byte_identical(entry: dict[str, Any]) -> None:
    assert _text(entry["case"]) == entry["json"]


def test_every_recorded_case_prints_the_same_bytes() -> None:
    changed = [entry["name"] for entry in GOLDEN
               if hashlib.sha256(_text(entry["case"]).encode("utf-8")).hexdigest() != entry["sha256"]]
    assert changed == []


#: The keys whose wording issue 14 changed or added; everything else must be exactly as recorded before it.
_WORDING = ("explanation", "explanation_en", "findings", "to_verify")


def test_every_contract_key_prints_the_same_bytes_as_before_the_rewording() -> None:
    changed = []
    for entry in GOLDEN:
        result = {k: v for k, v in assess(entry["case"], TABLE).items() if k not in _WORDING}
        digest = hashlib.sha256(json.dumps(result, ensure_ascii=False).encode("utf-8")).hexdigest()
        if digest != entry["sha256_without_explanation"]:
            changed.append(entry["name"])
    assert changed == []


def test_every_recorded_case_still_needs_the_same_facts() -> None:
    changed = [entry["name"] for entry in GOLDEN if missing_facts(entry["case"], TABLE) != entry["missing_facts_all"]]
    assert changed == []


def test_the_recording_says_which_cases_the_contract_refuses() -> None:
    """A refused case (issue 15: dates out of order) is recorded with the errors the CLI and the API print."""
    changed = [entry["name"] for entry in GOLDEN
               if [f"{e.path}: {e.message}" for e in validate_case(entry["case"])] != entry.get("errors", [])]
    assert changed == []
