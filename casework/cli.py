"""The `casework` console script: init, demo, users, audit — plus Flask's run/shell/routes and Flask-Migrate's db.

Each command imports only what it needs: `assess` and `verify` run without the web app, and `--help` lists and
describes every command without building the app (before `casework init` there is no secret to build it with).
"""

from __future__ import annotations

import importlib
import os
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from flask.cli import FlaskGroup, with_appcontext

from casework import create_app, instance_path

if TYPE_CHECKING:
    from flask import Flask

#: Commands that need no app, imported only when named (module:attribute).
APPLESS = {
    "assess": "casework.rulecheck.cli:assess_command",
    "verify": "casework.export.cli:verify_command",  # works offline, on a machine with only this package
}


def _write_instance_config(folder: Path) -> bool:
    """Create instance/config.py with fresh secrets unless one exists; True when written."""
    from casework.infra.pii import new_key

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "config.py"
    if target.exists():
        return False
    text = (
        '"""Machine-local secrets written by `casework init`. Never commit this file."""\n'
        f"SECRET_KEY = {secrets.token_urlsafe(48)!r}\n"
        f"PII_KEY = {new_key()!r}\n"
        f"SEARCH_KEY = {secrets.token_hex(32)!r}\n"
    )
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return True


def _pin_search_key(folder: Path) -> bool:
    """An instance made before SEARCH_KEY: write the digest key it has been using (derived from its oldest PII
    key) into config.py, so the PII keys can rotate without changing a digest; True when written."""
    from casework.config import instance_config
    from casework.infra.pii import configured_keys, legacy_search_key

    config = instance_config(str(folder))
    keys = configured_keys(config)
    if config.get("SEARCH_KEY") or not keys:
        return False
    with (folder / "config.py").open("a", encoding="utf-8") as fh:
        fh.write("\n# Digest key of the phone and ID look-ups (written by `casework init`; keep it when PII keys rotate).\n"
                 f"SEARCH_KEY = {legacy_search_key(keys[-1])!r}\n")
    return True


def _appless(name: str) -> click.Command:
    module, _, attribute = APPLESS[name].partition(":")
    command: click.Command = getattr(importlib.import_module(module), attribute)
    return command


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import version

    click.echo(f"casework {version('casework')}")
    ctx.exit()


class CaseworkGroup(FlaskGroup):
    """Flask's command group, with casework's own --version and a command list that needs no app."""

    def __init__(self, **extra: Any) -> None:
        super().__init__(add_version_option=False, **extra)
        self.params.append(click.Option(["--version"], is_flag=True, expose_value=False, is_eager=True,
                                        callback=_show_version, help="Show casework's version."))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in APPLESS:  # before Flask's lookup, which reads every installed package's entry points
            return _appless(name)
        return super().get_command(ctx, name)

    def every_command(self) -> dict[str, click.Command]:
        """Every command by name, the app's included, without building the app: it registers these very objects."""
        from flask_migrate.cli import db as migrate_group  # what Migrate.init_app adds as `db`

        self._load_plugin_commands()
        commands = {**self.commands, "db": migrate_group}
        commands.update((name, _appless(name)) for name in APPLESS)
        commands.update((command.name or "", command) for command in app_commands())
        return commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.every_command())

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        click.Group(commands=self.every_command()).format_commands(ctx, formatter)


main = CaseworkGroup(create_app=create_app, help="casework: compensation claims and disputes.")


@main.command("init", with_appcontext=False)
def init_command() -> None:
    """Create the instance folder and its secrets, then create or upgrade the database (safe to repeat)."""
    from flask_migrate import upgrade

    from casework.domain.access import SYSTEM
    from casework.infra.db import db, unit_of_work, utcnow
    from casework.infra.i18n import compile_translations
    from casework.infra.key_guard import record_keys, recorded
    from casework.infra.pii import cipher
    from casework.ruletable.store import load_bundled, load_bundled_calendar

    compile_translations()
    folder = Path(instance_path())
    if _write_instance_config(folder):
        click.echo(f"wrote {folder / 'config.py'} (secret key, PII key and search key)")
    elif _pin_search_key(folder):
        click.echo(f"added SEARCH_KEY to {folder / 'config.py'} (the key phone and ID look-ups were made with)")
    app = create_app()
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        with unit_of_work() as session:
            loaded = load_bundled(session, SYSTEM, utcnow())
            version = loaded.version if loaded else None
            days = load_bundled_calendar(session)
            # The first instance names the keys the data is written with; later ones must have them.
            first_keys = not recorded(session)
            if first_keys:
                record_keys(session, cipher())
        if first_keys:
            click.echo(f"the database now records PII key {cipher().current_id} and this search key: every "
                       "instance of this deployment must run with them (CASEWORK_PII_KEY, CASEWORK_SEARCH_KEY)")
        if version:
            click.echo(f"rule table {version} published (bundled with the package)")
        if days:
            click.echo(f"holiday calendar seeded with {days} days")
        db.session.remove()
        db.engine.dispose()
    click.echo(f"database ready: {app.config['DATABASE_URL'].split('@')[-1]}")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the fictional demo province, one user per role (passwords printed once) and demo cases; the instance
    becomes a demo one (DEMO = True), where the fictional rate table may give amounts, each said to be invented."""
    from casework.demo.data import load_demo
    from casework.infra.settings import mark_demo_instance

    written = mark_demo_instance()
    if written is not None:
        click.echo(f"marked this instance as a demo (DEMO = True in {written})")
    load_demo(click.echo)


@click.group("users")
def users_group() -> None:
    """Manage user accounts."""


@users_group.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["field", "legal", "legal_head", "auditor", "admin"]))
@click.option("--unit", "unit_code", required=True, help="unit code, e.g. DEMO-PROV")
@click.option("--name", "display_name", default=None, help="display name (defaults to the username)")
@with_appcontext
def users_create(username: str, role: str, unit_code: str, display_name: str | None) -> None:
    """Create USERNAME and print a one-time password the user must change at first login."""
    from sqlalchemy import select

    from casework.auth.models import Unit
    from casework.auth.service import AccountError, create_user
    from casework.domain.access import SYSTEM, Role
    from casework.infra.db import db, unit_of_work, utcnow

    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise click.ClickException(f"no unit with code {unit_code!r} (see `casework units list`)")
    try:
        with unit_of_work() as session:
            user, secret = create_user(session, SYSTEM, username=username, display_name=display_name or username,
                                       role=Role(role), unit=session.merge(unit), now=utcnow())
    except AccountError as err:
        raise click.ClickException(err.key) from err
    click.echo(f"created {user.username} ({role}, {unit_code}); one-time password: {secret}")


@users_group.command("reset-password")
@click.argument("username")
@with_appcontext
def users_reset_password(username: str) -> None:
    """Give USERNAME a new one-time password (printed once) and end all their sessions."""
    from sqlalchemy import select

    from casework.auth.models import User
    from casework.auth.service import reset_password
    from casework.domain.access import SYSTEM
    from casework.infra.db import db, unit_of_work, utcnow

    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    with unit_of_work() as session:
        secret = reset_password(session, SYSTEM, session.merge(user), now=utcnow())
    click.echo(f"{username}: one-time password {secret} (must be changed at next login)")


@users_group.command("list")
@with_appcontext
def users_list() -> None:
    """List user accounts."""
    from sqlalchemy import select

    from casework.auth.models import User
    from casework.infra.db import db

    for user in db.session.scalars(select(User).order_by(User.username)):
        state = "active" if user.active else "disabled"
        click.echo(f"{user.username:20} {user.role:11} {user.unit.code:16} {state}")


@click.group("units")
def units_group() -> None:
    """Organisational units."""


@units_group.command("list")
@with_appcontext
def units_list() -> None:
    """List units as a tree with their codes."""
    from sqlalchemy import select

    from casework.auth.models import Unit
    from casework.infra.db import db

    for unit in db.session.scalars(select(Unit).order_by(Unit.path)):
        click.echo("  " * (unit.path.count("/") - 2) + f"{unit.code}  {unit.name} ({unit.kind})")


@click.group("audit")
def audit_group() -> None:
    """The hash-chained audit trail."""


@audit_group.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Walk the chain and check it against every anchor; print OK, the head and the last anchored entry, or
    what failed (exit status 1)."""
    from casework.audit.commands import verify_command_body

    verify_command_body()


@audit_group.command("anchor")
@with_appcontext
def audit_anchor() -> None:
    """Record the chain head now, time-stamped by TSA_URL if set (run it nightly from cron)."""
    from casework.audit.commands import anchor_command_body

    anchor_command_body()


@click.group("bench")
def bench_group() -> None:
    """Benchmark data (see bench/README.md)."""


@bench_group.command("seed")
@click.option("--cases", default=100_000, show_default=True)
@click.option("--units", default=200, show_default=True)
@with_appcontext
def bench_seed(cases: int, units: int) -> None:
    """Load a large fictional data set: Chinese names, villages, long descriptions, every category and state."""
    from casework.demo.seed import seed

    seed(cases, units, say=click.echo)


@click.group("analytics")
def analytics_group() -> None:
    """The claims summary behind the analytics (unit × month × category)."""


@analytics_group.command("rebuild")
@with_appcontext
def analytics_rebuild() -> None:
    """Recompute the summary from the cases and correct, and report, every figure that differed."""
    from sqlalchemy import func, select

    from casework.audit.service import record
    from casework.auth.models import Unit
    from casework.cases.models import Case
    from casework.cases.summary import rebuild
    from casework.domain.access import SYSTEM
    from casework.infra.db import db, unit_of_work, utcnow
    from casework.ui.labels import CATEGORY, SUMMARY_FIGURE

    total = db.session.scalar(select(func.count()).select_from(Case)) or 0
    with click.progressbar(length=total, label="summing the cases", file=sys.stderr) as bar, \
            unit_of_work() as session:
        report = rebuild(session, progress=bar.update)
        shown = [{"unit": key[0], "month": key[1].isoformat()[:7], "category": key[2], "figure": name,
                  "stored": str(stored), "recomputed": str(fresh)} for key, name, stored, fresh in report.corrected]
        record(session, SYSTEM, "analytics.rebuild", now=utcnow(), object_type="case_summary",
               after={"cases": report.cases, "rows": report.rows, "corrected_rows": report.corrected_rows,
                      "corrected_figures": len(shown), "corrections": shown[:200]})
    # The operator reads places and figures in words: the unit by name, 2025年8月, the category and figure labels.
    rows = db.session.execute(select(Unit.path, Unit.name).where(Unit.path.in_({i["unit"] for i in shown})))
    names: dict[str, str] = {path: name for path, name in rows}
    for item in shown:
        year, month = item["month"].split("-")
        click.echo(f"corrected {names.get(item['unit'], item['unit'])} {year}年{int(month)}月 "
                   f"{CATEGORY.get(item['category'], item['category'])} {SUMMARY_FIGURE[item['figure']]}: "
                   f"{item['stored']} → {item['recomputed']}")
    click.echo(f"summed {report.cases} cases into {report.rows} rows; corrected {report.corrected_rows} rows "
               f"({len(shown)} figures)" if shown else
               f"summed {report.cases} cases into {report.rows} rows; nothing to correct")


def app_commands() -> tuple[click.Command, ...]:
    """The commands that run inside the app (Flask-Migrate adds `db` itself)."""
    from casework.assets import cli as assets_cli
    from casework.auth import cli as auth_cli
    from casework.evidence import cli as evidence_cli
    from casework.export import cli as export_cli
    from casework.export import retention_cli
    from casework.infra import backup_cli, pii_cli
    from casework.rulecheck import cli as rulecheck_cli
    from casework.ruletable import cli as ruletable_cli

    return (demo_command, users_group, units_group, audit_group, bench_group, analytics_group, *auth_cli.APP_COMMANDS,
            *ruletable_cli.APP_COMMANDS, *rulecheck_cli.APP_COMMANDS, *evidence_cli.APP_COMMANDS,
            *export_cli.APP_COMMANDS, *backup_cli.APP_COMMANDS, *pii_cli.APP_COMMANDS,
            *retention_cli.APP_COMMANDS, *assets_cli.APP_COMMANDS)


def register_cli(app: Flask) -> None:
    """Commands that need the app; `init`, `assess` and `verify` live on the console script (they run without one)."""
    for command in app_commands():
        app.cli.add_command(command)
