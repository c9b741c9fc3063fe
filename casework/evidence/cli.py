"""`casework evidence verify`: the fixity check, with a progress bar; `--repair-orphans` quarantines."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext


@click.group("evidence")
def evidence_group() -> None:
    """Evidence files: fixity checks."""


@evidence_group.command("verify")
@click.option("--repair-orphans", is_flag=True, help="move files no evidence refers to into quarantine/")
@with_appcontext
def verify_command(repair_orphans: bool) -> None:
    """Re-hash every evidence file; report changed and missing files and unreferenced ones. Exit 1 on damage."""
    from sqlalchemy import func, select

    from casework.audit.service import record
    from casework.domain.access import SYSTEM
    from casework.evidence.fixity import names_of, recorded, verify
    from casework.evidence.models import Evidence
    from casework.infra.db import db, unit_of_work, utcnow
    from casework.infra.settings import file_store

    store = file_store()
    session = db.session()
    total = sum(size for _sha, size in recorded(session))
    files = session.scalar(select(func.count(func.distinct(Evidence.sha256)))) or 0
    click.echo(f"checking {files} files ({total / 1024 / 1024:.1f} MB) in {store.root}")
    with click.progressbar(length=total, label="hashing", file=sys.stderr) as bar:
        report = verify(session, store, progress=bar.update)
    for sha256, now in report.changed:
        for number, name in names_of(session, sha256):
            click.echo(f"CHANGED  {number}  {name}  recorded {sha256}, now {now}")
    for sha256 in report.missing:
        for number, name in names_of(session, sha256):
            click.echo(f"MISSING  {number}  {name}  {sha256}")
    for sha256 in report.orphans:
        click.echo(f"ORPHAN   {sha256}  (no evidence refers to it)")
    stale = list(store.stale_staging(3600))
    for path in stale:
        click.echo(f"STAGING  {path.name}  (an upload that never finished)")
    if repair_orphans and (report.orphans or stale):
        with unit_of_work() as work:
            for sha256 in report.orphans:
                moved = store.quarantine(sha256)
                record(work, SYSTEM, "evidence.quarantine", now=utcnow(), object_type="evidence",
                       object_id=sha256, after={"moved_to": str(moved)})
        for path in stale:
            path.unlink(missing_ok=True)
        click.echo(f"moved {len(report.orphans)} orphan(s) to {store.root / 'quarantine'}, "
                   f"removed {len(stale)} unfinished upload(s)")
    click.echo(f"{report.checked} checked: {len(report.changed)} changed, {len(report.missing)} missing, "
               f"{len(report.orphans)} orphans")
    if not report.ok:
        sys.exit(1)


APP_COMMANDS = (evidence_group,)
