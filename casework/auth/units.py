"""Which legal entity signs for a unit, and the administrator's change of it (audited).

A 供电所 (station) is not a legal person: a letter's paying party, sender and seal are the legal entity of
the unit that signs for it — the one chosen on the unit, or else the nearest unit up the tree (itself first)
that has a registered legal name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.auth.models import Unit
from casework.domain.access import Actor


class SigningRefused(ValueError):
    """The chosen signing unit cannot sign: it has no legal name, or it is the unit itself without one."""


def signing_unit(unit: Unit) -> Unit | None:
    """The unit whose legal entity signs and seals for `unit`; None where no unit up the tree has one."""
    if unit.signing_unit is not None and unit.signing_unit.legal_name:
        return unit.signing_unit
    current: Unit | None = unit
    while current is not None:
        if current.legal_name:
            return current
        current = current.parent
    return None


def signing_entity(unit: Unit) -> str:
    """The name a letter prints for the paying party, sender and seal: the legal entity's registered name.

    Where no legal name is set anywhere up the tree, the nearest company's own name (never a station's)."""
    signer = signing_unit(unit)
    if signer is not None and signer.legal_name:
        return signer.legal_name
    current: Unit | None = unit
    while current is not None and current.kind == "station":
        current = current.parent
    return (current or unit).name


def set_legal_entity(session: Session, actor: Actor, unit: Unit, *, legal_name: str | None,
                     signer: Unit | None, now: datetime) -> bool:
    """Set the unit's legal name and signing unit; audited with before and after. False when nothing changed."""
    legal_name = (legal_name or "").strip() or None
    if signer is not None and signer.id != unit.id and not signer.legal_name:
        raise SigningRefused(signer.name)
    if signer is not None and signer.id == unit.id:
        signer = None  # signing for itself is the default when it has a legal name
    before = {"legal_name": unit.legal_name, "signing_unit": unit.signing_unit.code if unit.signing_unit else None}
    after = {"legal_name": legal_name, "signing_unit": signer.code if signer else None}
    if before == after:
        return False
    unit.legal_name, unit.signing_unit = legal_name, signer
    record(session, actor, "unit.update", now=now, object_type="unit", object_id=unit.id, before=before,
           after=after)
    return True
