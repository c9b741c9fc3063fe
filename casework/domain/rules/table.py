"""The rule table as data: rules, dated parameters and local rate tables, indexed for speed."""

from __future__ import annotations

import copy
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from casework.domain.calendar import HolidayCalendar
from casework.domain.rules.catalog import check_rule
from casework.domain.rules.model import (
    Parameter,
    Rule,
    StagedRules,
    parse_parameter,
    parse_rule,
)
from casework.domain.rules.rates import RateTable

_DAY_ZERO = date(1900, 1, 1)


@dataclass(frozen=True)
class RuleTable:
    """One published (or draft) version of the rule table.

    Built from plain dicts (`from_dict`) so it can live in a database or a JSON/YAML file;
    the indexes are derived once here so `assess` never copies or rescans the table.
    """

    version: str
    rules: tuple[Rule, ...]
    parameters: tuple[Parameter, ...]
    rate_tables: tuple[RateTable, ...] = ()
    calendar: HolidayCalendar = field(default_factory=HolidayCalendar)
    meta: Mapping[str, Any] = field(default_factory=dict)
    #: The table as used on a demo instance: only there may a fictional rate table give an amount (said so in
    #: words). The app sets it from its configuration (`DEMO`); it is never part of the table's data.
    demo_instance: bool = False
    _segments: dict[str, tuple[list[date], list[StagedRules]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _params: dict[str, tuple[Parameter, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _by_id: dict[str, tuple[Rule, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        seen: set[tuple[str, str | None, date]] = set()
        by_id: dict[str, list[Rule]] = {}
        for rule in self.rules:
            key = (rule.id, rule.variant, rule.effective_from)
            if key in seen:
                raise ValueError(f"duplicate rule row {rule.id!r} variant {rule.variant!r} from {rule.effective_from}")
            seen.add(key)
            check_rule(rule)
            by_id.setdefault(rule.id, []).append(rule)
        self._by_id.update({k: tuple(v) for k, v in by_id.items()})
        params: dict[str, list[Parameter]] = {}
        for param in self.parameters:
            params.setdefault(param.name, []).append(param)
        self._params.update(
            {k: tuple(sorted(v, key=lambda p: p.effective_from)) for k, v in params.items()}
        )
        for name, rows in self._params.items():
            _no_overlap(f"parameter {name!r}", rows)
        for rule_id, rule_rows in self._by_id.items():
            for variant in {r.variant for r in rule_rows}:
                same = sorted((r for r in rule_rows if r.variant == variant), key=lambda r: r.effective_from)
                _no_overlap(f"rule {rule_id!r} variant {variant!r}", same)
        categories = sorted({c for r in self.rules for c in r.categories})
        for category in categories:
            self._segments[category] = self._index(category)

    def _index(self, category: str) -> tuple[list[date], list[StagedRules]]:
        """Split time at every effective date; each segment holds the rules in force, by stage."""
        mine = [r for r in self.rules if category in r.categories]
        cuts = {_DAY_ZERO}
        # Parameter dates cut segments too, so a segment can carry its parameter rows resolved.
        dated: list[Rule | Parameter] = [*mine, *self.parameters]
        for row in dated:
            cuts.add(row.effective_from)
            if row.effective_to is not None:
                cuts.add(date.fromordinal(row.effective_to.toordinal() + 1))
        starts = sorted(cuts)
        staged = []
        for start in starts:
            segment = StagedRules.build([r for r in mine if r.in_force_or_fallback(start)])
            segment.params.update({name: self.parameter(name, start) for name in self._params})
            staged.append(segment)
        return starts, staged

    def staged(self, category: str, on: date) -> StagedRules:
        """The category's rules in force on `on`, grouped by stage and ordered (bisect, no scan)."""
        segments = self._segments.get(category)
        if segments is None:
            return StagedRules.build([])
        starts, staged = segments
        return staged[bisect_right(starts, on) - 1]

    def parameter(self, name: str, on: date) -> tuple[Parameter, bool]:
        """The parameter row in force on `on`, and whether it had to be taken from outside its dates."""
        rows = self._params.get(name)
        if not rows:
            raise KeyError(f"rule table {self.version!r} has no parameter {name!r}")
        for row in rows:
            if row.effective_from <= on and (row.effective_to is None or on <= row.effective_to):
                return row, False
        # No row covers the date: use the nearest one, and let the engine flag it as unverified.
        return (rows[0] if on < rows[0].effective_from else rows[-1]), True

    def on_instance(self, *, demo: bool) -> RuleTable:
        """This table as the instance uses it: a demo instance admits fictional rates, any other refuses them.

        A shallow copy that shares the indexes (they derive from the same immutable rows).
        """
        if self.demo_instance == demo:
            return self
        twin = copy.copy(self)
        object.__setattr__(twin, "demo_instance", demo)
        return twin

    def rules_by_id(self, rule_id: str) -> tuple[Rule, ...]:
        """Every row (versions and variants) of one rule id."""
        return self._by_id.get(rule_id, ())

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The distinct rule ids, in table order."""
        return tuple(self._by_id)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleTable:
        """Build from plain data (as exported by `to_dict`); raises ValueError on bad rows."""
        try:
            version = str(data["version"])
            rules = tuple(parse_rule(r) for r in data["rules"])
            params = tuple(parse_parameter(p) for p in data["parameters"])
        except (KeyError, TypeError) as exc:
            raise ValueError(f"malformed rule table: {exc}") from exc
        rates = tuple(RateTable.from_dict(t) for t in data.get("rate_tables", ()))
        calendar = HolidayCalendar.from_dict(data.get("calendar") or {})
        meta = {k: v for k, v in data.items() if k not in _TABLE_KEYS}
        return cls(version, rules, params, rates, calendar, meta)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data that `from_dict` turns back into an equal table."""
        out: dict[str, Any] = dict(self.meta)
        out.update(
            {
                "version": self.version,
                "rules": [r.to_dict() for r in self.rules],
                "parameters": [p.to_dict() for p in self.parameters],
                "rate_tables": [t.to_dict() for t in self.rate_tables],
                "calendar": self.calendar.to_dict(),
            }
        )
        return out


_TABLE_KEYS = frozenset({"version", "rules", "parameters", "rate_tables", "calendar"})


def _no_overlap(what: str, rows: Sequence[Rule | Parameter]) -> None:
    """Two rows of one rule or parameter in force on the same day would make the choice arbitrary."""
    for earlier, later in zip(rows, rows[1:], strict=False):
        if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
            raise ValueError(f"{what}: rows from {earlier.effective_from} and {later.effective_from} overlap")
