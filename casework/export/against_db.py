"""A verified bundle compared with what the system holds (`casework verify --against-db`): the case, the sealed
dossier version, every evidence item and generated letter, the audit chain head and the export's own audit entry.

Pure comparison: a Session and a bundle's parsed manifest in, plain-English lines out. The offline check
(:mod:`casework.export.verify`) must have passed first: only then do the manifest's hashes describe the files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit.models import AuditEvent
from casework.cases.models import Case
from casework.decision.letters import documents
from casework.dossier.service import versions
from casework.evidence.models import Evidence
from casework.export.cases import DOCUMENTS, DOSSIER, EVIDENCE, WITHDRAWN, document_path, evidence_path
from casework.export.paths import printable


@dataclass
class Comparison:
    """What the database says about one bundle: `problems` are discrepancies, `notes` facts worth knowing."""

    case_number: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _short(sha256: str) -> str:
    return sha256[:12] + "…"


def _since(manifest: Mapping[str, Any], export: AuditEvent | None) -> datetime | None:
    """The moment of the export: its audit entry's, else the manifest's rounded up (it keeps whole seconds only),
    so that what is called "after this export" certainly is."""
    if export is not None:
        return export.at
    try:
        stamp = datetime.strptime(str(manifest.get("exported_at", "")), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return stamp + timedelta(seconds=1)


def _after(moment: datetime | None, since: datetime | None) -> str:
    return " after this export" if moment and since and moment > since else ""


def _files(manifest: Mapping[str, Any]) -> dict[str, str]:
    return {item["path"]: item["sha256"] for item in manifest.get("files", [])}


def _dossier(session: Session, case: Case, files: Mapping[str, str], out: Comparison) -> None:
    sealed = versions(session, case.id)
    sha256 = files.get(DOSSIER)
    if sha256 is None:
        out.problems.append("the bundle has no dossier.pdf")
        return
    if not sealed:
        out.problems.append("dossier.pdf: the system holds no sealed dossier for this case")
        return
    match, latest = next((row for row in sealed if row.sha256 == sha256), None), sealed[-1]
    if match is None:
        out.problems.append(f"dossier.pdf matches none of the {len(sealed)} sealed version(s) of the dossier "
                            f"(sha256 {_short(sha256)})")
        return
    out.notes.append(f"dossier.pdf is sealed version {match.version} ({_stamp(match.sealed_at)}, "
                     f"{printable(match.sealed_by_name)})")
    if latest.version > match.version:
        out.notes.append(f"a newer dossier has been sealed since: version {latest.version} "
                         f"({_stamp(latest.sealed_at)}, {printable(latest.sealed_by_name)})")


def _evidence(session: Session, case: Case, files: Mapping[str, str], since: datetime | None,
              out: Comparison) -> None:
    held = {item.sha256: item for item in session.scalars(select(Evidence).where(Evidence.case_id == case.id)
                                                          .order_by(Evidence.id))}
    found: dict[int, str] = {}
    for path, sha256 in sorted(files.items()):
        folder = path.split("/", 1)[0]
        if folder not in (EVIDENCE, WITHDRAWN):
            continue
        name = printable(path)
        item = held.get(sha256)
        if item is None:
            out.problems.append(f"{name}: not an evidence item of this case in the database (sha256 {_short(sha256)})")
            continue
        if item.id in found:
            out.problems.append(f"{name}: the same evidence item as {printable(found[item.id])}")
            continue
        found[item.id] = path
        if item.withdrawn_at and folder == EVIDENCE:
            out.problems.append(f"{name}: withdrawn{_after(item.withdrawn_at, since)} ({_stamp(item.withdrawn_at)}), "
                                "but the bundle has it under evidence/ instead of withdrawn/")
        elif not item.withdrawn_at and folder == WITHDRAWN:
            out.problems.append(f"{name}: the system holds it as current evidence, but the bundle has it under "
                                "withdrawn/")
        elif path != evidence_path(item):
            out.problems.append(f"{name}: the system names this file {printable(evidence_path(item))}")
    for item in held.values():
        if item.id not in found:
            state = "withdrawn evidence" if item.withdrawn_at else "evidence"
            out.problems.append(f"missing from the bundle: {state} {printable(item.original_name)!r} "
                                f"(uploaded{_after(item.uploaded_at, since)} {_stamp(item.uploaded_at)}, "
                                f"sha256 {_short(item.sha256)})")


def _documents(session: Session, case: Case, files: Mapping[str, str], since: datetime | None,
               out: Comparison) -> None:
    held = {document_path(doc): doc for doc in documents(session, case.id)}
    for path, sha256 in sorted(files.items()):
        if not path.startswith(DOCUMENTS + "/"):
            continue
        name = printable(path)
        document = held.pop(path, None)
        if document is None:
            same = [p for p, doc in held.items() if doc.sha256 == sha256]
            out.problems.append(f"{name}: the system has generated no such document for this case"
                                + (f" (its bytes are {printable(same[0])})" if same else ""))
        elif document.sha256 != sha256:
            out.problems.append(f"{name}: differs from the document the system generated "
                                f"(sha256 {_short(sha256)}, the system holds {_short(document.sha256)})")
    for path, document in sorted(held.items()):
        out.problems.append(f"missing from the bundle: {printable(path)} "
                            f"(generated{_after(document.created_at, since)} {_stamp(document.created_at)})")


def _unexpected(files: Mapping[str, str], out: Comparison) -> None:
    for path in sorted(files):
        if path != DOSSIER and path.split("/", 1)[0] not in (EVIDENCE, WITHDRAWN, DOCUMENTS):
            out.problems.append(f"{printable(path)}: not a file a casework export writes")


def _chain_head(session: Session, manifest: Mapping[str, Any], out: Comparison) -> None:
    chain_head = str(manifest.get("audit_chain_head", ""))
    seq = session.scalar(select(AuditEvent.seq).where(AuditEvent.hash == chain_head)) if chain_head else None
    if seq is None:
        out.problems.append(f"the manifest's audit chain head {printable(chain_head) or '(empty)'} is not an entry "
                            "of the audit trail")
    else:
        out.notes.append(f"audit chain head is entry #{seq} of the audit trail")


def _export_entry(session: Session, case: Case | None, manifest: Mapping[str, Any], out: Comparison
                  ) -> AuditEvent | None:
    """The export.case entry export_case wrote for this very manifest (its `after` holds the manifest's hash)."""
    number, manifest_sha256 = str(manifest.get("case_number", "")), manifest.get("manifest_sha256")
    query = select(AuditEvent).where(AuditEvent.action == "export.case", AuditEvent.object_id == number)
    if case is not None:
        query = query.where(AuditEvent.case_id == case.id)
    entry = next((e for e in session.scalars(query.order_by(AuditEvent.seq))
                  if (e.after or {}).get("manifest_sha256") == manifest_sha256), None)
    if entry is None:
        out.problems.append(f"the audit trail records no export of this bundle (no export.case entry for "
                            f"{printable(number)} with manifest sha256 {_short(str(manifest_sha256))})")
    else:  # the manifest's hash covers exporter and time: the entry vouches for them as well
        out.notes.append(f"export recorded as audit entry #{entry.seq} ({_stamp(entry.at)}, "
                         f"{printable(entry.actor_name)})")
    return entry


def compare(session: Session, manifest: Mapping[str, Any]) -> Comparison:
    """Compare one (offline-verified) bundle's manifest with the database; read-only."""
    number = str(manifest.get("case_number", ""))
    out = Comparison(number)
    case = session.scalar(select(Case).where(Case.number == number))
    if case is None:
        out.problems.append(f"case {printable(number)} is not in the database")
    export = _export_entry(session, case, manifest, out)
    if case is not None:
        files, since = _files(manifest), _since(manifest, export)
        _dossier(session, case, files, out)
        _evidence(session, case, files, since, out)
        _documents(session, case, files, since, out)
        _unexpected(files, out)
    _chain_head(session, manifest, out)
    return out
