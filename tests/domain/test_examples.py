"""Every worked example of the assessment contract passes through the pure engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from casefactory import HERE, SHARED_EXAMPLES, check_expected, example_files, load, require_shared, run

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


def test_bundled_copy_matches_shared_examples() -> None:
    shared = {p.name: load(p) for p in require_shared(SHARED_EXAMPLES).glob("*.json")}
    copied = {p.name: load(p) for p in (HERE / "examples").glob("*.json")}
    assert copied == shared


def test_a_missing_shared_folder_fails_on_ci_and_skips_elsewhere(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        require_shared(tmp_path / "shared")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        require_shared(tmp_path / "shared")
    assert require_shared(tmp_path) == tmp_path
