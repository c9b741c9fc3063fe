"""Registry of the small pure predicates and formulas that rule rows name (OpenFisca-style)."""

from __future__ import annotations

from collections.abc import Callable

from casework.domain.rules.context import Ctx, Quantum, Verdict
from casework.domain.rules.model import Rule

Predicate = Callable[[Ctx, Rule], Verdict]
Formula = Callable[[Ctx, Rule], Quantum]

PREDICATES: dict[str, Predicate] = {}
FORMULAS: dict[str, Formula] = {}


def predicate(name: str) -> Callable[[Predicate], Predicate]:
    """Register a predicate under the name rule rows use in their `predicate` field."""

    def register(func: Predicate) -> Predicate:
        if name in PREDICATES:
            raise ValueError(f"predicate {name!r} registered twice")
        PREDICATES[name] = func
        return func

    return register


def formula(name: str) -> Callable[[Formula], Formula]:
    """Register a formula under the name rule rows use in their `formula` field."""

    def register(func: Formula) -> Formula:
        if name in FORMULAS:
            raise ValueError(f"formula {name!r} registered twice")
        FORMULAS[name] = func
        return func

    return register
