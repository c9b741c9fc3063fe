"""`casework retention`: run the retention schedule (or see what it would do), and legal holds."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext


@click.group("retention")
def retention_group() -> None:
    """The retention schedule: anonymise or delete what its period (RETENTION_*_DAYS) says is due."""


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="list what is due and change nothing")
@with_appcontext
def run_command(dry_run: bool) -> None:
    """Anonymise the identifiers and bank accounts, and delete the stored files, of the ended cases whose period
    has passed (legal holds apart); one audited transaction per case and class; safe to repeat."""
    from casework.cases.retention import PERIOD_KEYS, Policy, audit_note
    from casework.export.retention import run
    from casework.infra.db import db, unit_of_work, utcnow
    from casework.infra.settings import file_store, setting

    try:
        policy = Policy.from_config({key: setting(key) for key in PERIOD_KEYS.values()})
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    now = utcnow()
    periods = ", ".join(f"{name} {days or 'forever'}" for name, days in policy.days.items())
    click.echo(f"retention periods (days after a case ended): {periods}")
    report = run(unit_of_work, db.session(), policy, file_store(), now=now, dry_run=dry_run,
                 progress=lambda item: click.echo(
                     f"{'due' if dry_run else 'done'}: {item.number} {item.data_class} (ended {item.ended_at:%Y-%m-%d})"))
    if note := audit_note(db.session(), policy, now=now):
        click.echo(note)
    db.session.rollback()
    verb = "would be" if dry_run else "were"
    click.echo(f"{len(report.done)} case data classes {verb} anonymised or deleted"
               + ("" if dry_run else f"; {report.files_deleted} stored files deleted"))


def _case(number: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from casework.cases.models import Case
    from casework.infra.db import db

    case = db.session.scalar(select(Case).where(Case.number == number))
    if case is None:
        raise click.ClickException(f"no case {number!r}")
    return case


@retention_group.command("hold")
@click.argument("number")
@click.option("--reason", required=True, help="why the case must be kept as it is (litigation, an inquiry)")
@with_appcontext
def hold_command(number: str, reason: str) -> None:
    """Put case NUMBER under a legal hold: retention leaves it alone until it is released."""
    from casework.cases.retention import hold
    from casework.domain.access import SYSTEM
    from casework.infra.db import unit_of_work, utcnow

    if not reason.strip():
        raise click.UsageError("--reason must say why")
    with unit_of_work() as session:
        changed = hold(session, SYSTEM, session.merge(_case(number)), reason.strip(), now=utcnow())
    click.echo(f"{number}: {'held' if changed else 'already held'}")


@retention_group.command("release")
@click.argument("number")
@click.option("--reason", required=True, help="why the hold ends")
@with_appcontext
def release_command(number: str, reason: str) -> None:
    """End the legal hold of case NUMBER."""
    from casework.cases.retention import release
    from casework.domain.access import SYSTEM
    from casework.infra.db import unit_of_work, utcnow

    if not reason.strip():
        raise click.UsageError("--reason must say why")
    with unit_of_work() as session:
        changed = release(session, SYSTEM, session.merge(_case(number)), reason.strip(), now=utcnow())
    if not changed:
        click.echo(f"{number}: not held", err=True)
        sys.exit(1)
    click.echo(f"{number}: released")


APP_COMMANDS = (retention_group,)
