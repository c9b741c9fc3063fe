"""`casework pii`: which key holds the stored identifiers, a new key, and re-encrypting under the newest one."""

from __future__ import annotations

import sys
from typing import Any

import click
from flask.cli import with_appcontext


@click.group("pii")
def pii_group() -> None:
    """Claimant identifiers encrypted at rest: key rotation (PII_KEYS, newest first)."""


@pii_group.command("new-key")
def new_key_command() -> None:
    """Print a fresh PII key, to put first in PII_KEYS (then restart the app and run `casework pii rotate`)."""
    from casework.infra.pii import key_id, new_key

    key = new_key()
    click.echo(key)
    click.echo(f"key id {key_id(key)}; instance/config.py: PII_KEYS = ['{key}', <the keys in use now>]", err=True)


@pii_group.command("status")
@with_appcontext
def status_command() -> None:
    """How many stored values each key made, per column; exit status 1 if some are not under the newest key."""
    from casework.infra.db import db
    from casework.infra.pii import cipher
    from casework.infra.pii_rotate import census

    pii = cipher()
    click.echo(f"newest key {pii.current_id}; configured {', '.join(pii.key_ids)}")
    behind = 0
    for column, counts in census(db.session()).items():
        parts = ", ".join(f"{kid} {n}" for kid, n in sorted(counts.items())) or "empty"
        click.echo(f"{column}: {parts}")
        behind += sum(n for kid, n in counts.items() if kid != pii.current_id)
    db.session.rollback()
    if behind:
        click.echo(f"{behind} values are not under the newest key: run `casework pii rotate`", err=True)
        sys.exit(1)


@pii_group.command("rotate")
@click.option("--batch", type=click.IntRange(1, 100_000), default=500, show_default=True,
              help="values re-encrypted per transaction (and per audit entry)")
@with_appcontext
def rotate_command(batch: int) -> None:
    """Re-encrypt every stored identifier with the newest key in PII_KEYS, with a progress bar.

    Safe to stop and to run again: each batch is committed and audited on its own, and what is already under
    the newest key is left alone. Restart the web workers with the new PII_KEYS first, so that nothing new is
    written under an old key. Phone and ID look-ups keep working throughout (their digests use SEARCH_KEY).
    """
    from casework.domain.access import SYSTEM
    from casework.infra.db import db, unit_of_work, utcnow
    from casework.infra.pii import cipher
    from casework.infra.pii_rotate import pending, rotate
    from casework.infra.settings import setting

    if not setting("SEARCH_KEY"):
        raise click.ClickException("SEARCH_KEY is not set: run `casework init` first (it writes the key the phone "
                                   "and ID look-ups are made with, so that they survive the rotation)")
    pii = cipher()
    total = pending(db.session(), pii.current_id)
    db.session.rollback()
    if not total:
        _record_newest(pii)
        click.echo(f"nothing to do: every value is under key {pii.current_id}")
        return
    try:
        with click.progressbar(length=total, label=f"re-encrypting {total} values with key {pii.current_id}",
                               file=sys.stderr) as bar:
            done = rotate(unit_of_work, pii, SYSTEM, now=utcnow, batch=batch, progress=bar.update)
    except RuntimeError as exc:
        raise click.ClickException(f"{exc} (what was done before it is kept; add the key and run again)") from None
    left = pending(db.session(), pii.current_id)
    db.session.rollback()
    click.echo(f"{done.rotated} values re-encrypted with key {pii.current_id}"
               + (f"; {done.skipped} changed meanwhile and left as saved" if done.skipped else ""))
    if not left:
        _record_newest(pii)
    if left:
        click.echo(f"{left} values are still under an older key (written meanwhile by a worker that runs with the "
                   "old PII_KEYS?): restart the workers and run again", err=True)
        sys.exit(1)


def _record_newest(pii: Any) -> None:
    """Every value is under the newest key: the database says so, and an instance without it no longer starts."""
    from casework.infra.db import unit_of_work
    from casework.infra.key_guard import record_keys

    with unit_of_work() as session:
        record_keys(session, pii)


APP_COMMANDS = (pii_group,)
