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
    from casework.db import db
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


@click.group("rules")
def rules_group() -> None:
    """The rule table: list versions, export one, import a file as a draft."""


@rules_group.command("list")
@with_appcontext
def rules_list() -> None:
    """Every stored version with its status."""
    from casework.db import db
    from casework.ruletable.models import RuleTableVersion

    for row in db.session.scalars(select(RuleTableVersion).order_by(RuleTableVersion.id)):
        click.echo(f"{row.version:20} {row.status:10} {row.summary or ''}")


@rules_group.command("export")
@click.option("--version", "version", default=None, help="a stored version (default: the one in force)")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default="-", help="file, or - for stdout")
@with_appcontext
def rules_export(version: str | None, out: str) -> None:
    """Write a version of the table as one JSON file, for review like code."""
    from casework.db import db
    from casework.ruletable.models import RuleTableVersion
    from casework.ruletable.store import in_force

    session = db.session()
    row = (session.scalar(select(RuleTableVersion).where(RuleTableVersion.version == version)) if version
           else in_force(session))
    if row is None:
        raise click.ClickException(f"no rule table version {version or '(in force)'}")
    text = json.dumps(row.data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    with click.open_file(out, "w", encoding="utf-8") as fh:
        fh.write(text)


@rules_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--version", "version", required=True, help="the label of the new draft version")
@click.option("--summary", default="", help="what changed and why")
@with_appcontext
def rules_import(path: str, version: str, summary: str) -> None:
    """Store a table file as a new draft; publishing it needs the head of legal's approval."""
    from casework.db import db, unit_of_work, utcnow
    from casework.domain.access import SYSTEM
    from casework.ruletable.store import TableError, create_draft, in_force

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    base = in_force(db.session())
    if base is None:
        raise click.ClickException("no table in force: run `casework init` first")
    try:
        with unit_of_work() as session:
            create_draft(session, SYSTEM, base=session.merge(base), version=version, summary=summary,
                         now=utcnow(), data=data)
    except TableError as err:
        raise click.ClickException(f"{err.key}: {err.detail}") from err
    click.echo(f"draft {version} stored; review its impact and submit it on the rule-table page")


@click.command("recheck")
@with_appcontext
def recheck_command() -> None:
    """Re-run every open case against the table in force and report what changed."""
    from flask import current_app
    from sqlalchemy import func

    from casework.cases.models import Case
    from casework.config import targets
    from casework.db import db, unit_of_work, utcnow
    from casework.domain.access import SYSTEM
    from casework.domain.lifecycle import OPEN_STATES
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
                                    targets=targets(current_app.config), progress=bar.update, on_change=show)
    click.echo(f"checked {report.checked} open cases; {report.changed} changed")


@click.group("tokens")
def tokens_group() -> None:
    """API tokens for POST /api/v1/assess."""


@tokens_group.command("create")
@click.option("--user", "username", required=True)
@click.option("--name", default="api", help="what the token is for")
@with_appcontext
def tokens_create(username: str, name: str) -> None:
    """Create a token acting as USER and print it once."""
    from casework.auth.models import User
    from casework.auth.tokens import create_token
    from casework.db import db, unit_of_work, utcnow
    from casework.domain.access import SYSTEM

    user = db.session.scalar(select(User).where(User.username == username.lower()))
    if user is None or not user.active:
        raise click.ClickException(f"no active user {username!r}")
    with unit_of_work() as session:
        _, secret = create_token(session, SYSTEM, session.merge(user), name=name, now=utcnow())
    click.echo(secret)


@tokens_group.command("revoke")
@click.argument("prefix")
@with_appcontext
def tokens_revoke(prefix: str) -> None:
    """Revoke the token whose first characters are PREFIX (as `tokens list` shows)."""
    from casework.auth.models import ApiToken
    from casework.auth.tokens import revoke_token
    from casework.db import db, unit_of_work, utcnow
    from casework.domain.access import SYSTEM

    rows = db.session.scalars(select(ApiToken).where(ApiToken.prefix == prefix)).all()
    if len(rows) != 1:
        raise click.ClickException(f"{len(rows)} tokens match {prefix!r}")
    with unit_of_work() as session:
        revoke_token(session, SYSTEM, session.merge(rows[0]), now=utcnow())
    click.echo(f"revoked {prefix}")


@tokens_group.command("list")
@with_appcontext
def tokens_list() -> None:
    from casework.auth.models import ApiToken
    from casework.db import db

    for row in db.session.scalars(select(ApiToken).order_by(ApiToken.id)):
        state = "revoked" if row.revoked_at else "live"
        click.echo(f"{row.prefix}  {row.user.username:16} {state:8} {row.name}")


@click.group("rates")
def rates_group() -> None:
    """Local compensation schedules (青苗, 林木)."""


@rates_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--version", "version", required=True, help="the label of the new draft rule-table version")
@click.option("--id", "table_id", default=None, help="schedule id (default: the file name)")
@click.option("--label", default=None, help="schedule name, e.g. 河南省2024年青苗补偿标准")
@with_appcontext
def rates_import(path: Path, version: str, table_id: str | None, label: str | None) -> None:
    """Read a CSV or XLSX schedule into a new draft of the rule table (published after approval)."""
    import copy

    from casework.db import db, unit_of_work, utcnow
    from casework.domain.access import SYSTEM
    from casework.ruletable.rates_import import RatesError, read_rates
    from casework.ruletable.store import TableError, create_draft, in_force

    try:
        rates = read_rates(path, table_id=table_id or path.stem, label=label or path.stem, source=path.name)
    except RatesError as err:
        raise click.ClickException(str(err)) from err
    base = in_force(db.session())
    if base is None:
        raise click.ClickException("no table in force: run `casework init` first")
    data = copy.deepcopy(base.data)
    data["rate_tables"] = [t for t in data.get("rate_tables", []) if t.get("id") != rates["id"]] + [rates]
    try:
        with unit_of_work() as session:
            create_draft(session, SYSTEM, base=session.merge(base), version=version, now=utcnow(), data=data,
                         summary=f"导入地方补偿标准 {rates['label_zh']}（{len(rates['crop'])} 条青苗，"
                                 f"{len(rates['trees'])} 条林木）")
    except TableError as err:
        raise click.ClickException(f"{err.key}: {err.detail}") from err
    click.echo(f"draft {version}: {len(rates['crop'])} crop and {len(rates['trees'])} tree rates from {path.name}")


#: Commands that run inside the app (registered by casework.cli.register_cli).
APP_COMMANDS = (rules_group, recheck_command, tokens_group, rates_group)
