"""`casework verify BUNDLE_OR_FOLDER...` checks export bundles offline (no app, no database, only this package),
and with --against-db also against the configured instance's database; `casework export` writes them."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from casework.export.paths import printable
from casework.export.verify import Report, verify_paths


@click.command("verify")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--against-db", is_flag=True,
              help="also compare each bundle with the database of the configured instance")
def verify_command(paths: tuple[Path, ...], against_db: bool) -> None:
    """Verify export bundles: each PATH a bundle .zip, or a folder whose *.zip files are all checked.

    Every file is hashed again and compared with the bundle's manifest.json. With --against-db, each bundle that
    passes is then compared with what the system holds: the case, the sealed dossier version, every evidence item
    and letter, the audit chain head and the export's audit entry. Exit code 1 if any bundle is bad.
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
    if against_db:  # only now: the offline check needs neither Flask nor the app
        bad += _against_db([report for report in reports if report.ok and report.manifest is not None])
    if bad:
        sys.exit(1)


def _against_db(bundles: list[Report]) -> int:
    """Compare offline-verified bundles with the database; print the result of each; return how many differ."""
    from flask.cli import ScriptInfo
    from sqlalchemy.exc import SQLAlchemyError

    from casework import create_app
    from casework.export.against_db import compare
    from casework.infra.db import db

    if not bundles:
        click.echo("no intact bundle to compare with the database")
        return 0
    # The app `casework` (or a test runner) would load; verify_command called on its own: the configured instance's.
    info = click.get_current_context().find_object(ScriptInfo)
    try:
        app = info.load_app() if info is not None and info.create_app is not None else create_app()
    except RuntimeError as exc:  # e.g. no secret key: the instance is not initialised
        raise click.ClickException(f"cannot open the database: {exc}") from exc
    with app.app_context():
        try:
            results = [(bundle.bundle, compare(db.session(), bundle.manifest or {})) for bundle in bundles]
        except SQLAlchemyError as exc:
            raise click.ClickException(f"cannot read the database: {exc}") from exc
        finally:
            db.session.remove()
            db.engine.dispose()
    for bundle, result in results:
        name, number = printable(bundle), printable(result.case_number)
        if result.ok:
            click.echo(f"OK  {name}  {number}: OK (matches the database)")
        else:
            click.echo(f"BAD {name}  {number}: does not match the database")
            for problem in result.problems:
                click.echo(f"    {problem}")
        for note in result.notes:
            click.echo(f"    note: {note}")
    differ = sum(not result.ok for _, result in results)
    click.echo(f"{len(results)} bundle{'' if len(results) == 1 else 's'} compared with the database: "
               f"{len(results) - differ} match, {differ} differ")
    return differ


@click.command("export")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="registered on or after this day (Beijing)")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="registered on or before this day (Beijing)")
@click.option("--unit", "unit_code", default="", help="a unit's code: its cases and its sub-units'")
@click.option("--category", default="", help="e.g. appliance")
@click.option("--outcome", default="", help="the legal-basis check's outcome, e.g. not_liable")
@click.option("--user", "username", default="",
              help="export as this user (their scope; named in the audit trail); "
                   "without it, as the system exporter, which sees every case")
@click.option("--allow-empty", is_flag=True, help="exit 0 even when the selection holds no case")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="parallel exporters (default: one per core)")
@click.option("--out", "folder", required=True, type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_command(start: datetime | None, end: datetime | None, unit_code: str, category: str, outcome: str,
                   username: str, allow_empty: bool, workers: int | None, folder: Path) -> None:
    """Write one bundle per selected case into OUT (<number>.zip), with a progress bar; each export is audited.

    Without --user the export runs as the system exporter ("system-exporter" in the audit trail), which sees every
    case. A selection with no case is an error (exit status 1) unless --allow-empty: a nightly job that
    archives nothing must not report success.
    """
    from sqlalchemy import select

    from casework.audit.service import record
    from casework.auth.models import User
    from casework.domain.access import SYSTEM_EXPORTER, Perm, case_scope
    from casework.export.batch import run_batch
    from casework.export.cases import Criteria, case_ids, left_out
    from casework.infra.db import db, unit_of_work, utcnow
    from casework.infra.settings import render_limits, running_app

    session = db.session()
    actor = SYSTEM_EXPORTER
    if username:
        user = session.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None:
            raise click.UsageError(f"no user {username!r}")
        actor = user.actor()
        if not actor.can(Perm.CASES_EXPORT) or case_scope(actor) is None:
            raise click.UsageError(f"user {actor.username!r} ({actor.role}) may not export cases; name an auditor or "
                                   f"a head of legal, or leave out --user to export as the system exporter")
    criteria = Criteria(start=start.date() if start else None, end=end.date() if end else None,
                        unit_code=unit_code, category=category, outcome=outcome)
    try:
        ids = case_ids(session, actor, criteria)
    except LookupError as exc:
        raise click.UsageError(str(exc)) from None
    retired = left_out(session, actor, criteria)
    session.rollback()
    asked = ", ".join(f"{k} {v}" for k, v in criteria.as_json().items() if v) or "every case"
    if retired:
        click.echo(f"{retired} cases left out: their files were deleted under the retention schedule", err=True)
    with unit_of_work() as work:  # the run itself is on the record, an empty one too
        record(work, actor, "export.batch.run", now=utcnow(), object_type="export",
               after={**criteria.as_json(), "cases": len(ids), "out": str(folder)[-200:]})
    if not ids:
        click.echo(f"nothing to export: no case matches ({asked}) in the scope of {actor.username}", err=True)
        if not allow_empty:
            sys.exit(1)
        return
    click.echo(f"exporting {len(ids)} cases ({asked}) as {actor.username}")
    with click.progressbar(length=len(ids), label=f"exporting {len(ids)} cases", file=sys.stderr) as bar:
        outcome_ = run_batch(running_app(), actor, ids, folder,
                             workers=workers, limits=render_limits(), progress=lambda done, total: bar.update(1))
    click.echo(f"{len(outcome_.written)} bundles written to {folder}")
    for case_id, why in outcome_.failed:
        click.echo(f"FAILED case {case_id}: {why}", err=True)
    if outcome_.failed:
        sys.exit(1)


APP_COMMANDS = (export_command,)
