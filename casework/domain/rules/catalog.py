"""Loads every predicate and formula module so the registry is complete; checks rule rows against it."""

from __future__ import annotations

from casework.domain.rules import (  # noqa: F401  (imported for their registrations)
    formulas,
    formulas_appliance,
    preds_agreement,
    preds_appliance,
    preds_boundary,
    preds_common,
    preds_injury,
    preds_land,
    preds_notes,
    preds_outage,
    preds_quality,
    preds_supply,
    preds_time,
)
from casework.domain.rules.model import Rule
from casework.domain.rules.registry import FORMULAS, PREDICATES

__all__ = ["FORMULAS", "PREDICATES", "check_rule"]


def check_rule(rule: Rule) -> None:
    """Reject a row naming a predicate or formula the code does not have (caught at load time)."""
    if rule.predicate not in PREDICATES:
        raise ValueError(f"rule {rule.id!r}: unknown predicate {rule.predicate!r}")
    if rule.formula is not None and rule.formula not in FORMULAS:
        raise ValueError(f"rule {rule.id!r}: unknown formula {rule.formula!r}")
    if rule.role == "basis" and rule.formula is None:
        raise ValueError(f"rule {rule.id!r}: a basis rule must name the formula of its quantum")
