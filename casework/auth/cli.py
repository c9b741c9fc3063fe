"""API tokens for the machine API: create (shown once), list, revoke."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select


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
    from casework.domain.access import SYSTEM
    from casework.infra.db import db, unit_of_work, utcnow

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
    from casework.domain.access import SYSTEM
    from casework.infra.db import db, unit_of_work, utcnow

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
    from casework.infra.db import db

    for row in db.session.scalars(select(ApiToken).order_by(ApiToken.id)):
        state = "revoked" if row.revoked_at else "live"
        click.echo(f"{row.prefix}  {row.user.username:16} {state:8} {row.name}")


#: Commands that run inside the app (registered by casework.cli.register_cli).
APP_COMMANDS = (tokens_group,)
