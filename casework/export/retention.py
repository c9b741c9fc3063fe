"""Running the retention schedule (`casework retention run`): the classes `casework.cases.retention` says are due,
anonymised or deleted case by case, each in its own audited transaction. It lives in the last stage because it
reaches every stage's rows: the case's own columns, proposals, evidence, letters and dossiers.

What stays of an anonymised case is what makes it countable and its record provable: number, category, unit,
state and dates, amounts claimed, assessed, proposed and paid, the outcome and its assessment snapshots, the
decisions and their reasons, every row's SHA-256 and size, the sealed dossiers' hashes and chain heads, and the
whole audit trail (an export taken earlier still verifies against the database).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.cases.models import Case
from casework.cases.retention import ANONYMISED, RETENTION, Due, Policy, RetentionAction, RetiredFile, due
from casework.cases.search import index_case
from casework.decision.models import CaseDocument, Proposal
from casework.dossier.models import DossierVersion
from casework.evidence.models import Evidence
from casework.evidence.service import thumbnail_name
from casework.infra.storage import Store

#: Case columns the identifiers class empties (the name is never empty: it reads ANONYMISED).
IDENTIFIER_COLUMNS = ("claimant_id_number", "claimant_id_digest", "claimant_phone", "claimant_phone_digest",
                      "claimant_address", "address", "gps_lat", "gps_lng", "description")
#: Facts that are free text about the people involved (a service dispute's description).
FREE_TEXT_FACTS = ("description",)
#: The rows that name stored bytes, with what the audit entry calls them.
HOLDERS: tuple[tuple[Any, str], ...] = ((Evidence, "evidence"), (CaseDocument, "letters"), (DossierVersion, "dossiers"))


@dataclass
class Report:
    done: list[tuple[Due, dict[str, Any]]] = field(default_factory=list)
    files_deleted: int = 0


def _identifiers(session: Session, case: Case) -> dict[str, Any]:
    cleared = [name for name in IDENTIFIER_COLUMNS if getattr(case, name) is not None]
    for name in cleared:
        setattr(case, name, None)
    if case.claimant_name != ANONYMISED:
        case.claimant_name = ANONYMISED
        cleared.insert(0, "claimant_name")
    facts = {k: v for k, v in (case.facts or {}).items() if k not in FREE_TEXT_FACTS}
    if facts != (case.facts or {}):
        case.facts = facts
        cleared.append("facts.description")
    payees = 0
    for proposal in session.scalars(select(Proposal).where(Proposal.case_id == case.id, Proposal.payee.isnot(None))):
        proposal.payee = ANONYMISED
        payees += 1
    session.flush()
    index_case(session, case)  # the search index holds the name, addresses and last digits: rebuilt from what is left
    return {"fields": cleared, "payees": payees}


def _bank_accounts(session: Session, case: Case) -> dict[str, Any]:
    cleared = 0
    if case.claimant_bank_account is not None:
        case.claimant_bank_account = None
        cleared += 1
    for proposal in session.scalars(select(Proposal).where(Proposal.case_id == case.id,
                                                           Proposal.bank_account.isnot(None))):
        proposal.bank_account = None
        cleared += 1
    return {"accounts": cleared}


def _still_needed(session: Session, case_id: int, sha256: str) -> bool:
    """Another case's row names the same bytes (the store keeps one copy) and its files are not due."""
    retired_cases = select(RetentionAction.case_id).where(RetentionAction.data_class == "evidence")
    return any(session.scalar(select(exists().where(model.sha256 == sha256, model.case_id != case_id,
                                                    model.case_id.notin_(retired_cases))))
               for model, _ in HOLDERS)


def _evidence(session: Session, case: Case, *, now: datetime) -> dict[str, Any]:
    counts: dict[str, int] = {}
    kept_shared = 0
    seen: set[str] = set()
    for model, name in HOLDERS:
        rows = list(session.scalars(select(model).where(model.case_id == case.id)))
        counts[name] = len(rows)
        for row in rows:
            if isinstance(row, Evidence) and (row.meta or {}).get("gps"):
                row.meta = {**row.meta, "gps": None}  # where a photo was taken: gone with the photo
            if row.sha256 in seen:
                continue
            seen.add(row.sha256)
            if _still_needed(session, case.id, row.sha256):
                kept_shared += 1
            elif session.get(RetiredFile, row.sha256) is None:
                session.add(RetiredFile(sha256=row.sha256, retired_at=now, case_id=case.id))
    return {**counts, "files": len(seen) - kept_shared, "kept_shared": kept_shared}


APPLY: dict[str, Callable[..., dict[str, Any]]] = {
    "identifiers": lambda session, case, now: _identifiers(session, case),
    "bank_accounts": lambda session, case, now: _bank_accounts(session, case),
    "evidence": lambda session, case, now: _evidence(session, case, now=now),
}


def apply(session: Session, item: Due, *, period_days: int, now: datetime) -> dict[str, Any]:
    """Anonymise or delete one class of one case, record it and audit it (in the caller's transaction)."""
    case = session.get(Case, item.case_id)
    assert case is not None
    detail = APPLY[item.data_class](session, case, now)
    session.add(RetentionAction(case_id=case.id, data_class=item.data_class, ended_at=item.ended_at, done_at=now,
                                detail=detail))
    record(session, RETENTION, f"retention.{item.data_class}", now=now, object_type="case", object_id=case.number,
           case_id=case.id, after={**detail, "ended_at": item.ended_at, "period_days": period_days})
    return detail


def delete_retired(session: Session, store: Store) -> int:
    """Remove the bytes (and thumbnails) of every retired file still in the store; after the commit that
    retired them, so a crash leaves at most bytes that the next run removes. Returns how many went."""
    removed = 0
    for sha256 in session.scalars(select(RetiredFile.sha256).order_by(RetiredFile.sha256)):
        removed += store.remove(sha256)
        store.remove_derived(thumbnail_name(sha256))
    return removed


def run(begin: Callable[[], AbstractContextManager[Session]], session: Session, policy: Policy, store: Store,
        *, now: datetime, dry_run: bool = False, progress: Callable[[Due], None] = lambda item: None) -> Report:
    """Everything due now: each (case, class) in its own unit of work from `begin()`; then the bytes. A dry run
    lists what is due and changes nothing."""
    report = Report()
    items = due(session, policy, now=now)
    session.rollback()
    for item in items:
        if dry_run:
            report.done.append((item, {}))
        else:
            with begin() as work:
                days = policy.days[item.data_class]
                assert days is not None
                report.done.append((item, apply(work, item, period_days=days, now=now)))
        progress(item)
    if not dry_run:
        report.files_deleted = delete_retired(session, store)
        session.rollback()
    return report
