"""Re-record tests/domain/golden/assessments.json after a deliberate change to the engine's output.

The golden file proves the contract's bytes do not move by accident; when a change in the law moves them on
purpose, run this, read what it prints (every case whose outcome, amount, flags or needed facts changed) and
say in the commit why each one changed.

    PYTHONPATH=$PWD:$PWD/tests/domain python scripts/rerecord_golden.py [--about TEXT]
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

from casefactory import TABLE, example_files, load

from casework.domain.contract import validate_case
from casework.domain.rules import assess, missing_facts

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "domain" / "golden" / "assessments.json"
WORDING = ("explanation", "explanation_en", "findings", "to_verify")


def _digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--about", help="replace the file's 'about' note")
    args = parser.parse_args()
    document = json.loads(GOLDEN.read_text(encoding="utf-8"))
    known = {entry["name"] for entry in document["cases"]}
    for path in example_files():  # an example added since the last recording is recorded too, in full
        if f"example:{path.stem}" not in known:
            document["cases"].append({"name": f"example:{path.stem}", "case": load(path)["case"], "json": ""})
    for entry in document["cases"]:
        # A case the contract refuses (CLI exit 2, HTTP 422) is still recorded as the engine answers it, as
        # malformed input always was; `errors` says what the entry points print instead.
        errors = [f"{e.path}: {e.message}" for e in validate_case(entry["case"])]
        if errors != entry.get("errors", []):
            print(f"{entry['name']}: refused by the contract: {errors}" if errors else f"{entry['name']}: valid now")
        if errors:
            entry["errors"] = errors
        else:
            entry.pop("errors", None)
        result = assess(entry["case"], TABLE)
        before = (entry.get("outcome"), entry.get("missing_facts_all"), entry.get("sha256_without_explanation"))
        entry["outcome"] = result["outcome"]
        entry["missing_facts_all"] = missing_facts(entry["case"], TABLE)
        entry["sha256"] = _digest(result)
        entry["sha256_without_explanation"] = _digest({k: v for k, v in result.items() if k not in WORDING})
        if "json" in entry:
            entry["json"] = json.dumps(result, ensure_ascii=False)
        if before[:2] != (entry["outcome"], entry["missing_facts_all"]):
            print(f"{entry['name']}: {before[0]} -> {result['outcome']} {result['amount']} "
                  f"flags={result['flags']} missing={entry['missing_facts_all']}")
    if args.about:
        document["about"] = args.about
    lines = ["{" + json.dumps("about") + ": " + json.dumps(document["about"], ensure_ascii=False) + ",",
             '"cases": [']
    lines.append(",\n".join(json.dumps(entry, ensure_ascii=False) for entry in document["cases"]))
    lines.append("]}")
    GOLDEN.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
