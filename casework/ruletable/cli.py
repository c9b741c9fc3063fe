"""Commands that keep the rule table: list, export and import versions; import local rate schedules."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select


@click.group("rules")
def rules_group() -> None:
    """The rule table: list versions, export one, import a file as a draft."""


@rules_group.command("list")
@with_appcontext
def rules_list() -> None:
    """Every stored version with its status."""
    from casework.infra.db import db
    from casework.ruletable.models import RuleTableVersion
    from casework.ruletable.store import BUNDLED_SUMMARY, BUNDLED_SUMMARY_BEFORE

    for row in db.session.scalars(select(RuleTableVersion).order_by(RuleTableVersion.id)):
        summary = BUNDLED_SUMMARY if row.summary == BUNDLED_SUMMARY_BEFORE else row.summary or ""
        click.echo(f"{row.version:20} {row.status:10} {summary}")


@rules_group.command("export")
@click.option("--version", "version", default=None, help="a stored version (default: the one in force)")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default="-", help="file, or - for stdout")
@with_appcontext
def rules_export(version: str | None, out: str) -> None:
    """Write a version of the table as one JSON file, for review like code."""
    from casework.infra.db import db
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
    from casework.domain.access import SYSTEM
    from casework.infra.db import db, unit_of_work, utcnow
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

    from casework.domain.access import SYSTEM
    from casework.infra.db import db, unit_of_work, utcnow
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


@click.group("holidays")
def holidays_group() -> None:
    """The statutory holiday calendar (国务院办公厅 annual arrangements) used to count periods."""


@holidays_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False)
@click.option("--bundled", is_flag=True, help="import the arrangements shipped with the package (2016 onwards)")
@with_appcontext
def holidays_import(path: Path | None, bundled: bool) -> None:
    """Add a year's arrangement (or several) to the calendar: a JSON file shaped like
    casework/rules_data/holidays.json. It is checked whole first; each import is audited."""
    from importlib import resources

    from casework.domain.access import SYSTEM
    from casework.infra.db import unit_of_work, utcnow
    from casework.ruletable.holidays import CalendarFileError, import_arrangements

    if (path is None) == (not bundled):
        raise click.UsageError("give either FILE or --bundled")
    if path is not None:
        text, source = path.read_text(encoding="utf-8"), path.name
    else:
        text, source = resources.files("casework.rules_data").joinpath("holidays.json").read_text("utf-8"), "bundled"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise click.ClickException(f"{source}: not valid JSON ({err})") from err
    try:
        with unit_of_work() as session:
            counts = import_arrangements(session, SYSTEM, data, source=source, now=utcnow())
    except CalendarFileError as err:
        raise click.ClickException("\n".join(err.errors)) from err
    click.echo(f"{counts['years']} year(s) from {source}: {counts['added']} days added, {counts['changed']} "
               f"corrected, {counts['unchanged']} unchanged")
    _echo_coverage()


@holidays_group.command("coverage")
@with_appcontext
def holidays_coverage() -> None:
    """The years the calendar in use holds a published arrangement for (periods ending elsewhere are flagged)."""
    _echo_coverage()


def _echo_coverage() -> None:
    from casework.domain.rules import load_bundled_table
    from casework.infra.db import db
    from casework.ruletable.store import calendar

    cal = calendar(db.session()) or load_bundled_table().calendar
    years = sorted(cal.covered)
    click.echo("covered years: " + (", ".join(map(str, years)) if years else "none"))


#: Commands that run inside the app (registered by casework.cli.register_cli).
APP_COMMANDS = (rules_group, rates_group, holidays_group)
