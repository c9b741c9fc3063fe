"""`casework evidence verify`: the fixity check over every stored file (evidence, letters, dossiers), with a
progress bar; damaged files are marked (their downloads refuse), unfinished uploads are removed, and
`--repair-orphans` quarantines files no row refers to."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext


@click.group("evidence")
def evidence_group() -> None:
    """Stored files (evidence, letters, dossiers): fixity checks."""


@evidence_group.command("verify")
@click.option("--repair-orphans", is_flag=True,
              help="move files no row refers to (and older than an hour) into quarantine/")
@with_appcontext
def verify_command(repair_orphans: bool) -> None:
    """Re-hash every stored file; report changed, missing and unreferenced ones by owner, mark damaged files
    (their downloads then refuse) and clear the mark of files that verify again. Exit 1 on damage."""
    from casework.audit.service import record
    from casework.domain.access import SYSTEM
    from casework.evidence.fixity import ORPHAN_GRACE_S, holders_of, record_marks, recorded, referenced, verify
    from casework.infra.db import db, unit_of_work, utcnow
    from casework.infra.settings import file_store

    store = file_store()
    session = db.session()
    counts: dict[str, int] = {}
    total = 0
    for kind, _sha, size in recorded(session):
        counts[kind] = counts.get(kind, 0) + 1
        total += size
    owners = ", ".join(f"{kind} {n}" for kind, n in counts.items()) or "none"
    click.echo(f"checking {sum(counts.values())} files ({total / 1024 / 1024:.1f} MB) in {store.location}: {owners}")
    with click.progressbar(length=total, label="hashing", file=sys.stderr) as bar:
        report = verify(session, store, progress=bar.update)
    def owned_by(sha256: str) -> list[str]:
        holders = holders_of(session, sha256)
        return [f"{h.kind:8} {h.case_number}  {h.name}" for h in holders] or ["(a row no owner names)"]

    for sha256, now in report.changed:
        for who in owned_by(sha256):
            click.echo(f"CHANGED  {who}  recorded {sha256}, now {now}")
    for sha256 in report.missing:
        for who in owned_by(sha256):
            click.echo(f"MISSING  {who}  {sha256}")
    with unit_of_work() as work:
        record_marks(work, SYSTEM, store, report, now=utcnow())
    for sha256 in report.restored:
        click.echo(f"RESTORED {sha256}  (was marked damaged; its bytes verify again, downloads allowed)")
    if report.changed or report.missing:
        click.echo(f"marked {len(report.changed) + len(report.missing)} file(s) damaged: their downloads are "
                   "refused until the bytes are restored from a backup and this check passes")
    young = {sha256 for sha256 in report.orphans if store.object_age(sha256) < ORPHAN_GRACE_S}
    for sha256 in report.orphans:
        why = "stored under an hour ago: may belong to a row not yet committed" if sha256 in young else ""
        click.echo(f"ORPHAN   {sha256}  (no row refers to it{'; ' + why if why else ''})")
    removed = store.clear_abandoned_staging()
    for name, size in removed:
        click.echo(f"STAGING  {name}  (an upload that never finished, {size} bytes: removed)")
    if removed:
        with unit_of_work() as work:
            record(work, SYSTEM, "store.staging_cleared", now=utcnow(), object_type="stored_file",
                   after={"files": len(removed), "bytes": sum(size for _name, size in removed)})
    if repair_orphans:
        moved = 0
        with unit_of_work() as work:
            for sha256 in report.orphans:
                if sha256 in young or referenced(work, sha256):  # asked again: a row may have come meanwhile
                    continue
                target = store.quarantine(sha256)
                moved += 1
                record(work, SYSTEM, "evidence.quarantine", now=utcnow(), object_type="stored_file",
                       object_id=sha256, after={"moved_to": target})
        click.echo(f"moved {moved} orphan(s) to {store.location.rstrip('/')}/quarantine"
                   + (f", left {len(young)} younger than an hour" if young else ""))
    click.echo(f"{report.checked} checked: {len(report.changed)} changed, {len(report.missing)} missing, "
               f"{len(report.orphans)} orphans")
    if not report.ok:
        sys.exit(1)


APP_COMMANDS = (evidence_group,)
