"""The states of a case (DESIGN.md, Lifecycle). The guarded transition table arrives with intake."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    REGISTERED = "registered"
    ASSESSED = "assessed"
    EVIDENCE_COMPLETE = "evidence_complete"
    DECISION_PENDING = "decision_pending"
    SETTLED = "settled"
    PAID = "paid"
    REJECTED = "rejected"
    IN_LITIGATION = "in_litigation"
    JUDGED = "judged"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


OPEN_STATES = frozenset(s for s in State if s not in (State.CLOSED, State.WITHDRAWN))


def case_number(year: int, seq: int) -> str:
    """PC-2025-000123: the year the case was opened and its sequence within that year."""
    return f"PC-{year:04d}-{seq:06d}"
