"""`casework verify BUNDLE_OR_FOLDER...` checks export bundles offline (no app, no database, only this package);
`casework export` writes them."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from casework.export.bundle import printable, verify_paths


@click.command("verify")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def verify_command(paths: tuple[Path, ...]) -> None:
    """Verify export bundles: each PATH a bundle .zip, or a folder whose *.zip files are all checked.

    Every file is hashed again and compared with the bundle's manifest.json. Exit code 1 if any bundle is bad.
    """
    reports = verify_paths(paths)
    for report in reports:
        name = printable(report.bundle)
        if report.ok:
            files = f"{report.files} file{'' if report.files == 1 else 's'}"
            click.echo(f"OK  {name}  ({files}, manifest {report.manifest_sha256[:12]})")
        else:
            click.echo(f"BAD {name}")
            for problem in report.problems:
                click.echo(f"    {problem}")
    bad = sum(not report.ok for report in reports)
    click.echo(f"{len(reports)} bundle{'' if len(reports) == 1 else 's'} checked: {len(reports) - bad} OK, {bad} bad")
    if bad:
        sys.exit(1)


@click.command("export")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="registered on or after this day (Beijing)")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="registered on or before this day (Beijing)")
@click.option("--unit", "unit_code", default="", help="a unit's code: its cases and its sub-units'")
@click.option("--category", default="", help="e.g. appliance")
@click.option("--outcome", default="", help="the legal-basis check's outcome, e.g. not_liable")
@click.option("--user", "username", default="", help="export as this user (their scope; named in the audit trail)")
@click.option("--out", "folder", required=True, type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_command(start: datetime | None, end: datetime | None, unit_code: str, category: str, outcome: str,
                   username: str, folder: Path) -> None:
    """Write one bundle per selected case into OUT (<number>.zip), with a progress bar; each export is audited."""
    from flask import current_app
    from sqlalchemy import select

    from casework.auth.models import Unit, User
    from casework.cases.models import Case
    from casework.db import db, unit_of_work, utcnow
    from casework.domain.access import SYSTEM
    from casework.evidence.storage import configured_store
    from casework.export.cases import export_case, selection

    session = db.session()
    actor = SYSTEM
    if username:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.UsageError(f"no user {username!r}")
        actor = user.actor()
    unit = session.scalar(select(Unit).where(Unit.code == unit_code)) if unit_code else None
    if unit_code and unit is None:
        raise click.UsageError(f"no unit {unit_code!r}")
    ids = list(session.scalars(selection(actor, start=start.date() if start else None, end=end.date() if end else None,
                                         unit=unit, category=category, outcome=outcome)))
    folder.mkdir(parents=True, exist_ok=True)
    store = configured_store(current_app.config["EVIDENCE_ROOT"], current_app.instance_path)
    with click.progressbar(ids, label=f"exporting {len(ids)} cases", file=sys.stderr) as bar:
        for case_id in bar:
            with unit_of_work() as work:
                case = work.get(Case, case_id)
                assert case is not None
                export_case(work, actor, case, store, folder, now=utcnow())
    click.echo(f"{len(ids)} bundles written to {folder}")


APP_COMMANDS = (export_command,)
