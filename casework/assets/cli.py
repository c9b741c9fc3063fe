"""`casework assets import FILE --unit CODE`: a unit's asset register as a new version, checked whole first."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext


@click.group("assets")
def assets_group() -> None:
    """The grid's asset register (lines, 台区, towers)."""


@assets_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit", "unit_code", required=True, help="The code of the unit whose register this is.")
@with_appcontext
def assets_import(path: Path, unit_code: str) -> None:
    """Import a register file (CSV in UTF-8 or GB18030, or XLSX; format in the README). Every bad row is listed
    with its row number and nothing is stored; a good file becomes the unit's current version, audited."""
    from sqlalchemy import select

    from casework.assets.service import RegisterRefused, import_register
    from casework.auth.models import Unit
    from casework.domain.access import SYSTEM
    from casework.infra.db import unit_of_work, utcnow
    from casework.ui.labels import asset_problem

    try:
        with unit_of_work() as session:
            unit = session.scalar(select(Unit).where(Unit.code == unit_code))
            if unit is None:
                raise click.ClickException(f"no unit with code {unit_code}")
            done = import_register(session, SYSTEM, unit, path.read_bytes(), source_name=path.name, now=utcnow())
    except RegisterRefused as refused:
        for problem in refused.problems:
            click.echo(asset_problem(problem), err=True)
        raise click.ClickException(f"{len(refused.problems)} problem(s); nothing was imported") from None
    replaced = f", replacing version {done.replaced}" if done.replaced else ""
    click.echo(f"{unit_code}: version {done.version} with {done.rows} row(s) is now current{replaced}")


APP_COMMANDS = (assets_group,)
