"""Every worked example of the assessment contract passes through the pure engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from casefactory import HERE, SHARED_EXAMPLES, check_expected, example_files, load, run

EXAMPLES = example_files()


def test_examples_are_found() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_passes(path: Path) -> None:
    example = load(path)
    check_expected(run(example["case"]), example["expected"])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_result_has_the_contract_shape(path: Path) -> None:
    result = run(load(path)["case"])
    for key in ("outcome", "amount", "items", "citations", "flags", "missing_facts", "deadlines",
                "rule_table_version", "explanation"):
        assert key in result
    assert result["explanation"][0].startswith("第1步：")
    assert all(line.startswith(f"第{i}步：") for i, line in enumerate(result["explanation"], 1))
    json.dumps(result, ensure_ascii=False)  # plain JSON data, nothing else


@pytest.mark.skipif(not SHARED_EXAMPLES.is_dir(), reason="shared/ not beside the clone")
def test_bundled_copy_matches_shared_examples() -> None:
    shared = {p.name: load(p) for p in SHARED_EXAMPLES.glob("*.json")}
    copied = {p.name: load(p) for p in (HERE / "examples").glob("*.json")}
    assert copied == shared
