"""`casework backup DEST` and `casework restore SRC` (casework.infra.backup, casework.infra.restore), audited."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext


def _places() -> Any:
    from casework.infra.backup import Places
    from casework.infra.db import db
    from casework.infra.settings import file_store, instance_folder
    from casework.infra.storage import LocalStore

    store = file_store()
    if not isinstance(store, LocalStore):  # STORAGE_URL names a bucket
        raise click.ClickException(
            f"the stored files are in {store.location}, not on this machine: `casework backup` and `restore` "
            "handle a local store only. Protect the bucket with its own versioning and replication (or "
            "Object Lock), and back up the database with the database's tools (pg_dump).")
    return Places(engine=db.engine, store_root=store.root,
                  exports_root=instance_folder() / "exports",  # casework.export.jobs.exports_root (a later stage)
                  tables=[table.name for table in db.metadata.sorted_tables])


def _cipher() -> Any:
    from flask import current_app

    from casework.infra.pii import cipher

    return cipher() if "casework.infra.pii" in current_app.extensions else None


def _record(action: str, object_id: str, after: dict[str, Any]) -> None:
    from casework.audit.service import record
    from casework.domain.access import SYSTEM
    from casework.infra.db import unit_of_work, utcnow

    with unit_of_work() as session:
        record(session, SYSTEM, action, now=utcnow(), object_type="backup", object_id=object_id, after=after)


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--link", is_flag=True,
              help="hard-link the stored files instead of copying them (same filesystem only; fast, but shares "
                   "the disk with the instance)")
@with_appcontext
def backup_command(dest: Path, link: bool) -> None:
    """Back up the database and every stored file into the new folder DEST, with a manifest (counts, audit chain
    head) and SHA-256 sums. Safe while the app runs. Exit 1 if the store held a damaged file."""
    from casework.infra.backup import BackupError, create_backup, live_bytes
    from casework.infra.db import utcnow

    places = _places()
    dest = dest.resolve()
    if (cipher := _cipher()) is None:
        raise click.ClickException("no PII_KEY is configured")
    try:
        with click.progressbar(length=live_bytes(places), label="copying files", file=sys.stderr) as bar:
            manifest = create_backup(places, dest, now=utcnow(), cipher=cipher, link=link, progress=bar.update)
    except BackupError as err:
        _record("backup.fail", dest.name, {"path": str(dest), "error": str(err)[:1000]})
        raise click.ClickException(str(err)) from err
    files, head = manifest["files"], manifest["audit_head"]
    _record("backup.create", dest.name, {"path": str(dest), "recovery_point": manifest["recovery_point"],
                                         "audit_seq": head["seq"], "files": files["count"],
                                         "files_sha256": manifest["files_sha256"]})
    click.echo(f"backup in {dest}: {manifest['database']['dialect']} database "
               f"({manifest['tables'].get('case_record', 0)} cases, audit chain to seq {head['seq']}, head "
               f"{head['hash'][:16]}), {files['count']} files ({files['bytes'] / 1024 / 1024:.1f} MB)"
               f"{', hard-linked' if files['hard_links'] else ''}; recovery point {manifest['recovery_point']}")
    for sha256 in files["damaged"]:
        click.echo(f"DAMAGED  {sha256}  (kept as found; run `casework evidence verify`)", err=True)
    if files["damaged"]:
        sys.exit(1)


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore_command(src: Path) -> None:
    """Restore the backup SRC into this instance, whose database must be empty (a new instance folder or a new
    PostgreSQL database) and whose PII_KEY must be the backup's. Everything is verified before anything is
    written, and the result is compared with the backup's manifest."""
    from casework.audit.service import verify
    from casework.infra.backup import BackupError
    from casework.infra.db import db
    from casework.infra.restore import read_manifest, restore_backup

    places = _places()
    src = src.resolve()
    try:
        total = read_manifest(src)["files"]["bytes"]
        with click.progressbar(length=total, label="checking backup", file=sys.stderr) as checking, \
                click.progressbar(length=total, label="restoring files", file=sys.stderr) as bar:
            manifest = restore_backup(places, src, cipher=_cipher(), checking=checking.update, progress=bar.update)
    except BackupError as err:
        raise click.ClickException(str(err)) from err
    chain = verify(db.session())
    db.session.remove()
    head = manifest["audit_head"]
    _record("backup.restore", src.name, {"path": str(src), "recovery_point": manifest["recovery_point"],
                                         "audit_seq": head["seq"], "chain_ok": chain.ok})
    click.echo(f"restored {src}: {sum(manifest['tables'].values())} rows in {len(manifest['tables'])} tables, "
               f"{manifest['files']['count']} files; audit chain to seq {head['seq']} as backed up "
               f"({'verifies' if chain.ok else 'DOES NOT VERIFY'}); recovery point {manifest['recovery_point']}")
    if not chain.ok:
        sys.exit(1)


APP_COMMANDS = (backup_command, restore_command)
