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

from casework.domain.calendar import HolidayCalendar
from casework.domain.contract import validate_case, validate_cases
from casework.domain.rules import RuleTable, assess, load_bundled_table


def _configured_table() -> tuple[RuleTable, HolidayCalendar | None]:
    """The instance database's table when one is initialised, else the one bundled with the package; as the
    instance may use it (a fictional rate table gives amounts only where config DEMO is on)."""
    from casework import instance_path
    from casework.config import instance_config

    folder = Path(instance_path())
    config = instance_config(str(folder))
    demo = bool(config["DEMO"])
    if not ((folder / "config.py").exists() or os.environ.get("CASEWORK_DATABASE_URL")):
        return load_bundled_table().on_instance(demo=demo), None
    table, days = (_read_database(config["DATABASE_URL"], int(config["SQLITE_BUSY_TIMEOUT_S"]))
                   or (load_bundled_table(), None))
    return table.on_instance(demo=demo), days


def _read_database(url: str, busy_timeout_s: int) -> tuple[RuleTable, HolidayCalendar | None] | None:
    """The table in force and the administrators' calendar, read as `ruletable.store` reads them
    (`current_table`, `calendar`), or None when there is no initialised database to read.

    Plain SQL over a bare engine: the ORM models and the web app cost several times the query, and a
    one-case `casework assess` is mostly start-up. A missing SQLite file is not created.
    """
    from sqlalchemy import JSON, Date, String, create_engine, make_url, text
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.pool import NullPool

    try:
        target = make_url(url)
        options: dict[str, Any] = {}
        if target.get_backend_name() == "sqlite":
            if not target.database or not Path(target.database).is_file():
                return None
            options["connect_args"] = {"timeout": busy_timeout_s}
        engine = create_engine(target, poolclass=NullPool, **options)
        try:
            with engine.connect() as conn:
                data = conn.execute(text(
                    "SELECT data FROM rule_table_version WHERE status = 'published' "
                    "ORDER BY published_at DESC, id DESC LIMIT 1").columns(data=JSON)).scalar()
                days = conn.execute(text("SELECT day, kind, name FROM calendar_day")
                                    .columns(day=Date, kind=String, name=String)).all()
        finally:
            engine.dispose()
    except SQLAlchemyError:
        return None
    table = RuleTable.from_dict(data) if data is not None else load_bundled_table()
    if not days:
        return table, None
    return table, HolidayCalendar.from_days((day, kind, name or "") for day, kind, name in days)


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


def _in_words(outcome: str | None, amount: Any) -> str:
    """A check's result as the officer reads it on the case page: the outcome's label and the amount in yuan;
    a case never checked says so (it printed "None None")."""
    from casework.domain.money import format_yuan
    from casework.ui.labels import OUTCOME

    if outcome is None:
        return "（未审查）"
    label = str(OUTCOME.get(outcome, outcome))  # outside a request the catalogue speaks Chinese
    return f"{label} {format_yuan(amount)}" if amount is not None else label


@click.command("recheck")
@with_appcontext
def recheck_command() -> None:
    """Re-run every open case against the table in force and report what changed."""
    from sqlalchemy import func, select

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
        click.echo(f"{change.number}: {_in_words(change.old_outcome, change.old_amount)} → "
                   f"{_in_words(change.new_outcome, change.new_amount)}")

    with bar, unit_of_work() as work:
        report = recheck_open_cases(work, SYSTEM, table=table, calendar=days, now=utcnow(),
                                    targets=deadline_targets(), progress=bar.update, on_change=show)
    click.echo(f"checked {report.checked} open cases; {report.changed} changed")


#: Commands that run inside the app (registered by casework.cli.register_cli).
APP_COMMANDS = (recheck_command,)
