"""Command-line entry points of the legal-basis check: assess, rules, rates, recheck, tokens."""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from casework.domain.calendar import HolidayCalendar
from casework.domain.contract import validate_case, validate_cases
from casework.domain.rules import RuleTable, assess, load_bundled_table


def _configured_table() -> tuple[RuleTable, HolidayCalendar | None]:
    """The instance database's table when one is initialised, else the one bundled with the package."""
    from casework import create_app, instance_path
    from casework.infra.db import db
    from casework.ruletable.store import calendar, current_table

    if not ((Path(instance_path()) / "config.py").exists() or os.environ.get("CASEWORK_DATABASE_URL")):
        return load_bundled_table(), None
    try:
        app = create_app()
        with app.app_context():
            session = db.session()
            found = current_table(session), calendar(session)
            db.session.remove()
            db.engine.dispose()
            return found
    except (SQLAlchemyError, RuntimeError):
        return load_bundled_table(), None


@click.command("assess")
@click.argument("source", type=click.File("rb"))
@click.option("--pretty", is_flag=True, help="indent the JSON output")
def assess_command(source: Any, pretty: bool) -> None:
    """Assess the case object (or JSON array of them) in SOURCE ('-' for standard input); print JSON results."""
    try:
        body = json.loads(source.read(), parse_float=Decimal)
    except ValueError as exc:
        click.echo(f"$: not valid JSON ({exc})", err=True)
        sys.exit(2)
    errors = validate_cases(body) if isinstance(body, list) else validate_case(body)
    if errors:
        for error in errors:
            click.echo(f"{error.path}: {error.message}", err=True)
        sys.exit(2)
    table, days = _configured_table()
    indent = 2 if pretty else None
    if not isinstance(body, list):
        click.echo(json.dumps(assess(body, table, days), ensure_ascii=False, indent=indent))
        return
    # Results are written as they come, so a file of 100,000 cases never holds 100,000 results at once.
    out = sys.stdout
    out.write("[")
    for index, case in enumerate(body):
        text = json.dumps(assess(case, table, days), ensure_ascii=False, indent=indent)
        out.write(("," if index else "") + ("\n" + _indent(text) if pretty else text))
    out.write("\n]\n" if pretty and body else "]\n")


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


@click.command("recheck")
@with_appcontext
def recheck_command() -> None:
    """Re-run every open case against the table in force and report what changed."""
    from sqlalchemy import func

    from casework.cases.models import Case
    from casework.domain.access import SYSTEM
    from casework.domain.lifecycle import OPEN_STATES
    from casework.infra.db import db, unit_of_work, utcnow
    from casework.infra.settings import deadline_targets
    from casework.rulecheck.service import recheck_open_cases
    from casework.ruletable.store import calendar, current_table

    session = db.session()
    total = session.scalar(select(func.count()).select_from(Case).where(
        Case.state.in_([s.value for s in OPEN_STATES]))) or 0
    table, days = current_table(session), calendar(session)
    bar = click.progressbar(length=total, label=f"re-checking against {table.version}", file=sys.stderr)

    def show(change: Any) -> None:
        click.echo(f"{change.number}: {change.old_outcome} {change.old_amount} → {change.new_outcome} "
                   f"{change.new_amount}")

    with bar, unit_of_work() as work:
        report = recheck_open_cases(work, SYSTEM, table=table, calendar=days, now=utcnow(),
                                    targets=deadline_targets(), progress=bar.update, on_change=show)
    click.echo(f"checked {report.checked} open cases; {report.changed} changed")


#: Commands that run inside the app (registered by casework.cli.register_cli).
APP_COMMANDS = (recheck_command,)
