"""What a predicate sees: the case's facts (parsed, never guessed), parameters, and its verdict types."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from casework.domain.calendar import HolidayCalendar
from casework.domain.contract import FACT_FIELDS, TOP_FIELDS, parse_date
from casework.domain.money import MoneyError, parse_money, parse_quantity
from casework.domain.rules.model import Parameter, Rule, StagedRules
from casework.domain.rules.table import RuleTable

YES, NO, ZERO, MISSING = "yes", "no", "zero", "missing"


class Verdict(NamedTuple):
    """A predicate's answer: holds (yes), does not (no), holds with a zero result, or cannot tell.

    A NamedTuple rather than a frozen dataclass: some twenty are built per case, and a frozen
    dataclass costs about a microsecond each to construct.
    """

    status: str
    detail: str = ""
    missing: tuple[str, ...] = ()
    due: date | None = None
    flags: tuple[str, ...] = ()


def yes(detail: str = "", due: date | None = None, flags: tuple[str, ...] = ()) -> Verdict:
    """The rule's conditions hold."""
    return Verdict(YES, detail, (), due, flags)


#: The answer of most predicates most of the time; shared rather than rebuilt.
NOT_APPLICABLE = Verdict(NO)


def no(detail: str = "", due: date | None = None) -> Verdict:
    """The rule's conditions do not hold."""
    if not detail and due is None:
        return NOT_APPLICABLE
    return Verdict(NO, detail, (), due)


def zero(detail: str = "") -> Verdict:
    """The rule applies and its consequence is that nothing is owed."""
    return Verdict(ZERO, detail)


def missing(*paths: str, detail: str = "") -> Verdict:
    """The rule cannot be decided without these facts (JSON paths)."""
    return Verdict(MISSING, detail, tuple(paths))


@dataclass
class Quantum:
    """A formula's result: the amount (rounded once per item), items, lines, measures used."""

    amount: Decimal | None = None
    items: list[dict[str, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    missing: tuple[str, ...] = ()
    measures: list[Rule] = field(default_factory=list)


#: Allowed values of enum fields: a raw read of anything else (a typo, a list) reads as absent.
_TOP_ENUMS = {name: frozenset(spec.values) for name, spec in TOP_FIELDS.items() if spec.kind == "enum"}
_FACT_ENUMS = {
    category: {name: frozenset(spec.values) for name, spec in fields.items() if spec.kind == "enum"}
    for category, fields in FACT_FIELDS.items()
}

_PARSERS: dict[str, Callable[[Any], Any]] = {
    "date": parse_date,
    "money": parse_money,
    "qty": parse_quantity,
}


class Ctx:
    """One case under assessment. Facts that are absent or malformed read as None."""

    __slots__ = (
        "case", "facts", "table", "cal", "category", "event_date", "rules", "basis",
        "outcome", "amount", "used_params", "cache", "enums",
    )

    def __init__(
        self,
        case: Mapping[str, Any],
        table: RuleTable,
        cal: HolidayCalendar,
        category: str,
        event_date: date,
        rules: StagedRules,
    ) -> None:
        facts = case.get("facts")
        self.case = case
        # type() first: isinstance against the Mapping ABC is slow and this runs per case.
        self.facts: Mapping[str, Any] = facts if type(facts) is dict or isinstance(facts, Mapping) else {}
        self.table = table
        self.cal = cal
        self.category = category
        self.event_date = event_date
        self.rules = rules
        self.basis: Rule | None = None
        self.outcome: str | None = None
        self.amount: Decimal | None = None
        self.used_params: dict[str, tuple[Parameter, bool]] = {}
        self.cache: dict[str, Any] = {}
        self.enums = _FACT_ENUMS.get(category, {})

    # -- facts -------------------------------------------------------------------------
    def has_fact(self, key: str) -> bool:
        """The key is present in `facts`, even with a null value (null can carry meaning)."""
        return key in self.facts

    def fact(self, key: str, kind: str = "raw") -> Any:
        """A fact parsed as `kind` (raw, bool, str, date, money, qty); None when absent or malformed."""
        value = self.facts.get(key)
        if value is None:
            return None
        if kind == "raw":
            allowed = self.enums.get(key)
            return value if allowed is None or _member(value, allowed) else None
        return _convert(value, kind)

    def top(self, key: str, kind: str = "raw") -> Any:
        """A top-level case field parsed as `kind`; None when absent or malformed."""
        value = _read(self.case, key, kind)
        if kind == "raw" and value is not None and key in _TOP_ENUMS and not _member(value, _TOP_ENUMS[key]):
            return None
        return value

    @property
    def report_date(self) -> date | None:
        """The day the claim was first made (parsed once)."""
        if "report_date" not in self.cache:
            self.cache["report_date"] = self.top("report_date", "date")
        report: date | None = self.cache["report_date"]
        return report

    @property
    def knew_date(self) -> date:
        """The day the claimant knew of the damage and the obligor; defaults to the event."""
        if "knew_date" not in self.cache:
            self.cache["knew_date"] = self.top("knew_date", "date") or self.event_date
        knew: date = self.cache["knew_date"]
        return knew

    # -- parameters --------------------------------------------------------------------
    def param(self, name: str) -> Any:
        """The parameter value in force on the event date; the use is recorded for flags."""
        found = self.rules.params.get(name)
        if found is None:
            found = self.table.parameter(name, self.event_date)
        self.used_params[name] = found
        return found[0].value

    def param_peek(self, name: str) -> Any:
        """The value without recording a use: for a parameter that matters only if it changes the result."""
        found = self.rules.params.get(name)
        if found is None:
            found = self.table.parameter(name, self.event_date)
        return found[0].value

    def param_dec(self, name: str) -> Decimal:
        """A numeric parameter as a Decimal (values are stored as strings or integers)."""
        return Decimal(str(self.param(name)))


def _member(value: Any, allowed: frozenset[Any]) -> bool:
    # bool is an int (True == 1) and lists are unhashable: only plain str/int can be enum values.
    return type(value) in (str, int) and value in allowed


def _read(source: Mapping[str, Any], key: str, kind: str) -> Any:
    value = source.get(key)
    if value is None or kind == "raw":
        return value
    return _convert(value, kind)


def _convert(value: Any, kind: str) -> Any:
    if kind == "bool":
        return value if isinstance(value, bool) else None
    if kind == "str":
        return value if isinstance(value, str) and value.strip() else None
    try:
        return _PARSERS[kind](value)
    except (ValueError, MoneyError):
        return None
