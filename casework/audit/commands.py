"""The bodies of `casework audit verify` and `casework audit anchor` (casework/cli.py declares the commands)."""

from __future__ import annotations

import sys

import click


def verify_command_body() -> None:
    """Walk the chain, then check it against every anchor; OK and the head, or what failed (exit status 1)."""
    from casework.audit.anchors import check, describe
    from casework.infra.db import db
    from casework.infra.settings import setting

    report = check(db.session(), ca_file=str(setting("TSA_CA_FILE") or ""))
    if report.chain_ok:
        click.echo(f"OK {report.entries} entries, head {report.head}")
    else:
        click.echo(report.chain_problem, err=True)
    for line in describe(report):
        click.echo(line, err=line.startswith("FAILED"))
    if not report.ok:
        sys.exit(1)


def anchor_command_body() -> None:
    """Anchor the current head (with a TSA token when TSA_URL is set); exit 1 when the TSA failed."""
    from casework.audit.anchors import configured_stamper, record_anchor, stamp_head
    from casework.domain.access import SYSTEM
    from casework.infra.db import db, unit_of_work, utcnow

    stamper = configured_stamper()
    seq, hash_, stamp = stamp_head(db.session(), stamper)  # the TSA is asked before the write lock is taken
    if seq == 0:
        click.echo("the audit trail is empty: nothing to anchor")
        return
    with unit_of_work() as session:
        record_anchor(session, SYSTEM, seq, hash_, stamp, now=utcnow(), stamper=stamper)
    if stamp.token is not None and stamp.tsa_time is not None:
        click.echo(f"anchored seq {seq} ({hash_}), TSA time {stamp.tsa_time.isoformat()}")
    elif stamper.url:
        click.echo(f"anchored seq {seq} ({hash_}) WITHOUT a token: {stamp.error}", err=True)
        sys.exit(1)
    else:
        click.echo(f"anchored seq {seq} ({hash_}), hash and local time only (no TSA_URL configured)")
