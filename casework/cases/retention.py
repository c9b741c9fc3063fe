"""The retention schedule (PIPL art. 19 and 47; RELIABILITY P4): how long each class of a case's data is kept after
the case ended, which cases are due, legal holds, and the record of what was anonymised or deleted.

A case ends when it is closed or withdrawn; the moment is its last lifecycle transition in the audit trail (a
re-opened case has not ended). Each data class has its own period (config RETENTION_*_DAYS; 0 keeps forever):

- identifiers: the claimant's name, ID number, phone and addresses, the place and GPS of the event, the free-text
  description and the text facts, the payee's name; the search index and the look-up digests with them;
- bank_accounts: the claimant's and the settlement proposal's bank account;
- evidence: the bytes of the evidence files, their thumbnails, the generated letters and the sealed dossiers
  (rows, sizes and SHA-256 stay, so the dossier and bundle hashes stay provable);
- audit: never shortened here (the trail is hash-chained and append-only); see `audit_note`.

A case under a legal hold is left alone whatever its age. What is done is recorded once per case and class
(RetentionAction, unique), so a run can be repeated and resumed. The work itself is `casework.export.retention`,
the last stage, which may reach every stage's rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint, exists, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.audit.models import AuditEvent
from casework.audit.service import record
from casework.cases.models import Case
from casework.domain.access import FINAL_STATES, Actor, Role
from casework.infra.db import Base, UTCDateTime

CLASSES = ("identifiers", "bank_accounts", "evidence")
#: Config key of each class's period in days.
PERIOD_KEYS = {"identifiers": "RETENTION_IDENTIFIERS_DAYS", "bank_accounts": "RETENTION_BANK_ACCOUNTS_DAYS",
               "evidence": "RETENTION_EVIDENCE_DAYS", "audit": "RETENTION_AUDIT_DAYS"}
#: Cybersecurity Law art. 21(3): network logs are kept at least six months; a shorter audit period is refused.
AUDIT_MINIMUM_DAYS = 183
#: What an anonymised name reads as (the column is never empty).
ANONYMISED = "***"
#: Who the retention run acts as in the audit trail.
RETENTION = Actor(user_id=None, username="system-retention", role=Role.ADMIN, unit_path="/")


class LegalHold(Base):
    """A case that must be kept as it is (litigation, an inquiry): retention skips it while the hold stands."""

    __tablename__ = "legal_hold"

    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), primary_key=True, autoincrement=False)
    reason: Mapped[str] = mapped_column(Text)
    set_by_name: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RetentionAction(Base):
    """One data class of one case, anonymised or deleted under the schedule: when, and what it covered."""

    __tablename__ = "retention_action"
    __table_args__ = (UniqueConstraint("case_id", "data_class", name="uq_retention_action_case_class"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    data_class: Mapped[str] = mapped_column(String(24))
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the case ended (the period ran from here)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RetiredFile(Base):
    """Stored bytes deleted under the schedule. Rows that name them (evidence, letters, dossiers) stay; a download
    says the file was deleted (410), and fixity does not count it as missing. Written in the transaction that
    decides the deletion; the bytes go after the commit (a crash in between is finished by the next run)."""

    __tablename__ = "retired_file"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)  # the case whose period ran out


@dataclass(frozen=True)
class Policy:
    """The period of each class in days; None keeps it forever."""

    days: Mapping[str, int | None]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Policy:
        days: dict[str, int | None] = {}
        for data_class, key in PERIOD_KEYS.items():
            value = int(config.get(key) or 0)
            if value < 0:
                raise ValueError(f"{key} must be 0 (keep forever) or a number of days")
            days[data_class] = value or None
        audit = days["audit"]
        if audit is not None and audit < AUDIT_MINIMUM_DAYS:
            raise ValueError(f"RETENTION_AUDIT_DAYS must be at least {AUDIT_MINIMUM_DAYS} (Cybersecurity Law art. 21)")
        return cls(days)


@dataclass(frozen=True)
class Due:
    case_id: int
    number: str
    data_class: str
    ended_at: datetime


def ended() -> Any:
    """case id → when it ended: its last lifecycle transition (for a case now closed or withdrawn)."""
    return (select(AuditEvent.case_id.label("case_id"), func.max(AuditEvent.at).label("ended_at"))
            .where(AuditEvent.action == "case.transition", AuditEvent.case_id.isnot(None))
            .group_by(AuditEvent.case_id).subquery())


def due(session: Session, policy: Policy, *, now: datetime) -> list[Due]:
    """What the schedule says must go now: per class, ended cases past its period, not held, not done yet."""
    end = ended()
    out: list[Due] = []
    for data_class in CLASSES:
        period = policy.days[data_class]
        if period is None:
            continue
        done = exists().where(RetentionAction.case_id == Case.id, RetentionAction.data_class == data_class)
        held = exists().where(LegalHold.case_id == Case.id)
        rows = session.execute(
            select(Case.id, Case.number, end.c.ended_at).join(end, end.c.case_id == Case.id)
            .where(Case.state.in_(sorted(FINAL_STATES)), end.c.ended_at <= now - timedelta(days=period), ~done, ~held)
            .order_by(Case.id))
        out += [Due(case_id, number, data_class, ended_at) for case_id, number, ended_at in rows]
    return out


def audit_note(session: Session, policy: Policy, *, now: datetime) -> str | None:
    """What the run says about the audit class: entries older than its period are kept, and why."""
    period = policy.days["audit"]
    if period is None:
        return None
    older = session.scalar(select(func.count()).select_from(AuditEvent)
                           .where(AuditEvent.at < now - timedelta(days=period))) or 0
    return (f"audit: {older} entries are older than {period} days and are kept: the trail is hash-chained and "
            f"append-only, and never holds a full ID number, phone or bank account")


def hold(session: Session, actor: Actor, case: Case, reason: str, *, now: datetime) -> bool:
    """Put a case under a legal hold (False if it already is one); audited."""
    if session.get(LegalHold, case.id) is not None:
        return False
    session.add(LegalHold(case_id=case.id, reason=reason, set_by_name=actor.username, set_at=now))
    record(session, actor, "retention.hold", now=now, object_type="case", object_id=case.number, case_id=case.id,
           after={"reason": reason})
    return True


def release(session: Session, actor: Actor, case: Case, reason: str, *, now: datetime) -> bool:
    """End a case's legal hold (False if it has none); audited, with the hold's own reason."""
    row = session.get(LegalHold, case.id)
    if row is None:
        return False
    session.delete(row)
    record(session, actor, "retention.release", now=now, object_type="case", object_id=case.number,
           case_id=case.id, before={"reason": row.reason, "set_by": row.set_by_name}, after={"reason": reason})
    return True


def is_retired(session: Session, sha256: str) -> bool:
    """Were these bytes deleted under the schedule?"""
    return session.get(RetiredFile, sha256) is not None
