"""Loading the rule table bundled with the package (the only file reading in the engine)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from casework.domain.rules.table import RuleTable

_PACKAGE = "casework.rules_data"


def _read(name: str) -> Any:
    return json.loads(resources.files(_PACKAGE).joinpath(name).read_text("utf-8"))


def bundled_table_dict() -> dict[str, Any]:
    """The bundled table as plain data, assembled from its manifest `table.json`."""
    manifest: dict[str, Any] = _read("table.json")
    data = {k: v for k, v in manifest.items() if not k.endswith(("_file", "_files"))}
    data["rules"] = [rule for name in manifest["rule_files"] for rule in _read(name)["rules"]]
    data["parameters"] = _read(manifest["parameter_file"])["parameters"]
    data["rate_tables"] = [_read(name) for name in manifest.get("rate_table_files", ())]
    data["calendar"] = _read(manifest["calendar_file"])
    return data


@lru_cache(maxsize=1)
def load_bundled_table() -> RuleTable:
    """The rule table shipped with the package; immutable, so one instance is shared."""
    return RuleTable.from_dict(bundled_table_dict())
