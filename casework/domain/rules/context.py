"""What a predicate sees: the case's facts (parsed, never guessed), parameters, and its verdict types."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from casework.domain.calendar import HolidayCalendar
from casework.domain.contract import FACT_FIELDS, TOP_FIELDS, date_or_none
from casework.domain.money import MoneyError, parse_money, parse_quantity
from casework.domain.rules.model import Parameter, Rule, StagedRules
from casework.domain.rules.result import Item, Outcome
from casework.domain.rules.words import EMPTY, Say

if TYPE_CHECKING:  # for the annotation only: table.py loads the catalog, whose predicates import this module
    from casework.domain.rules.table import RuleTable

YES, NO, ZERO, MISSING = "yes", "no", "zero", "missing"


class Verdict(NamedTuple):
    """A predicate's answer: holds (yes), does not (no), holds with a zero result, or cannot tell.

    A NamedTuple rather than a frozen dataclass: some twenty are built per case, and a frozen
    dataclass costs about a microsecond each to construct.
    """

    status: str
    #: What was found, in both languages (no step number, no citation: the engine adds those).
    detail: Say = EMPTY
    missing: tuple[str, ...] = ()
    due: date | None = None
    flags: tuple[str, ...] = ()


#: Builds a Verdict from a full tuple of its fields: the generated Verdict(...) constructor is a Python-level
#: function, and the helpers below run several times per case.
_new_verdict = tuple.__new__


def yes(detail: Say = EMPTY, due: date | None = None, flags: tuple[str, ...] = ()) -> Verdict:
    """The rule's conditions hold."""
    return _new_verdict(Verdict, (YES, detail, (), due, flags))


#: The answer of most predicates most of the time; shared rather than rebuilt.
NOT_APPLICABLE = Verdict(NO)


def no(detail: Say = EMPTY, due: date | None = None) -> Verdict:
    """The rule's conditions do not hold."""
    if not detail.zh and due is None:
        return NOT_APPLICABLE
    return _new_verdict(Verdict, (NO, detail, (), due, ()))


def zero(detail: Say = EMPTY) -> Verdict:
    """The rule applies and its consequence is that nothing is owed."""
    return _new_verdict(Verdict, (ZERO, detail, (), None, ()))


def missing(*paths: str, detail: Say = EMPTY) -> Verdict:
    """The rule cannot be decided without these facts (JSON paths)."""
    return _new_verdict(Verdict, (MISSING, detail, paths, None, ()))


@dataclass
class Quantum:
    """A formula's result: the amount (rounded once per item), items, lines, measures used."""

    amount: Decimal | None = None
    items: list[Item] = field(default_factory=list)
    lines: list[Say] = field(default_factory=list)
    #: The lines that used each measure (by its method), for that measure's finding.
    notes: dict[str, list[Say]] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    measures: list[Rule] = field(default_factory=list)
    #: Flags the computation raises (an agreed sum open to challenge, a share a court may revise).
    flags: tuple[str, ...] = ()


#: Only plain str and int values can be enum members (bool is an int, True == 1; lists are unhashable).
_ENUM_TYPES = (str, int)
#: Allowed values of enum fields: a raw read of anything else (a typo, a list) reads as absent.
_TOP_ENUMS = {name: frozenset(spec.values) for name, spec in TOP_FIELDS.items() if spec.kind == "enum"}
_FACT_ENUMS = {
    category: {name: frozenset(spec.values) for name, spec in fields.items() if spec.kind == "enum"}
    for category, fields in FACT_FIELDS.items()
}

_PARSERS: dict[str, Callable[[Any], Any]] = {
    "date": date_or_none,
    "money": parse_money,
    "qty": parse_quantity,
}


class Ctx:
    """One case under assessment. Facts that are absent or malformed read as None."""

    __slots__ = (
        "case", "facts", "table", "cal", "category", "event_date", "rules", "basis",
        "outcome", "amount", "used_params", "cache", "enums", "report_date", "knew_date",
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
        self.outcome: Outcome | None = None
        self.amount: Decimal | None = None
        self.used_params: dict[str, tuple[Parameter, bool]] = {}
        self.cache: dict[str, Any] = {}
        self.enums = _FACT_ENUMS.get(category, {})
        # Read up front: the time rules ask for these dates again and again.
        #: The day the claim was first made.
        self.report_date: date | None = date_or_none(case.get("report_date"))
        #: The day the claimant knew of the damage and the obligor; defaults to the event.
        self.knew_date: date = date_or_none(case.get("knew_date")) or event_date

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
            return value if allowed is None or (type(value) in _ENUM_TYPES and value in allowed) else None
        return _convert(value, kind)

    def top(self, key: str, kind: str = "raw") -> Any:
        """A top-level case field parsed as `kind`; None when absent or malformed."""
        value = self.case.get(key)
        if value is None:
            return None
        if kind == "raw":
            allowed = _TOP_ENUMS.get(key)
            return value if allowed is None or (type(value) in _ENUM_TYPES and value in allowed) else None
        return _convert(value, kind)

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


def _convert(value: Any, kind: str) -> Any:
    if kind == "bool":
        return value if isinstance(value, bool) else None
    if kind == "str":
        return value if isinstance(value, str) and value.strip() else None
    try:
        return _PARSERS[kind](value)
    except (ValueError, MoneyError):
        return None
