"""Restoring a backup (casework.infra.backup) into a fresh instance: check everything first, then the files, then
the database, then compare the result with the manifest.

Nothing is written until the backup has verified in full (every file against files.sha256, that list and the
database file against the manifest) and the instance is known to fit: an empty database of the same kind, a file
store holding nothing the backup does not (a restore cut short can simply be run again) and the same PII key.
Files go in before the database, as the app itself writes them, so no restored row ever points at a missing file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text

from casework.infra.backup import (
    FILE_LIST,
    FORMAT,
    KEY_CHECK,
    MANIFEST,
    PG_FILE,
    SQLITE_FILE,
    BackupError,
    Cipher,
    Places,
    Progress,
    fsync_path,
    read_facts,
    run_client,
    sha256_of,
    sqlite_path,
)


def read_manifest(src: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{src} is not a casework backup (no {MANIFEST})") from None
    except ValueError as exc:
        raise BackupError(f"{src / MANIFEST} is not valid JSON: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r} (this casework reads {FORMAT})")
    return manifest


def listing(src: Path) -> dict[str, str]:
    """files.sha256 as {path in the backup: sha256}."""
    entries = {}
    for line in (src / FILE_LIST).read_text(encoding="utf-8").splitlines():
        sha256, _, name = line.partition("  ")
        entries[name] = sha256
    return entries


def verify_backup(src: Path, manifest: dict[str, Any], progress: Progress | None = None) -> list[str]:
    """Every way the backup differs from what it says it holds; empty when it is whole."""
    problems = []
    if not (src / FILE_LIST).is_file():
        return [f"{FILE_LIST} is missing"]
    if sha256_of(src / FILE_LIST) != manifest["files_sha256"]:
        problems.append(f"{FILE_LIST} was changed after the backup was made")
    entries = listing(src)
    if entries.get(manifest["database"]["file"]) != manifest["database"]["sha256"]:
        problems.append("the database file's hash in the manifest and in the file list differ")
    for name, sha256 in entries.items():
        path = src / name
        if ".." in Path(name).parts or not path.is_file():
            problems.append(f"missing: {name}")
        elif sha256_of(path, progress) != sha256:
            problems.append(f"changed: {name}")
    listed = set(entries) | {MANIFEST, FILE_LIST}
    problems += [f"not in the file list: {p.relative_to(src).as_posix()}" for p in sorted(src.rglob("*"))
                 if p.is_file() and p.relative_to(src).as_posix() not in listed]
    return problems


def _same_key(manifest: dict[str, Any], cipher: Cipher | None) -> None:
    check = manifest["key_check"]
    try:
        same = cipher is not None and cipher.decrypt(check["token"]) == KEY_CHECK
    except Exception:  # noqa: BLE001 - any failure to decrypt means another key
        same = False
    if not same or cipher is None or cipher.digest(KEY_CHECK) != check["digest"]:
        raise BackupError("this instance's PII_KEY is not the key the backup was made with: claimant identifiers "
                          "would not decrypt and look-ups by phone or ID would find nothing. Put the original "
                          "key into instance/config.py (or CASEWORK_PII_KEY) and run the restore again.")


def _database_empty(places: Places) -> None:
    engine = places.engine
    if engine.dialect.name == "sqlite":
        path = sqlite_path(engine)
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size and not (path.exists() and path.stat().st_size):
            raise BackupError(f"{wal} is left over from another database: remove it first")
    tables = inspect(engine).get_table_names()
    engine.dispose()
    if tables:
        raise BackupError(f"the database already has tables ({', '.join(sorted(tables)[:5])}, …): a restore goes "
                          "into an empty database only (a new instance folder, or a new PostgreSQL database)")


def _targets(places: Places, entries: dict[str, str]) -> dict[str, Path]:
    """Path in the backup → where the file goes in this instance."""
    roots = places.roots()
    out = {}
    for name in entries:
        if not name.startswith("files/"):
            continue
        part, _, rest = name.removeprefix("files/").partition("/")
        if part not in roots or not rest:
            raise BackupError(f"the backup lists a file outside the store: {name}")
        out[name] = roots[part] / rest
    return out


def _store_fits(places: Places, targets: dict[str, Path], entries: dict[str, str]) -> None:
    """The store may hold files of this backup already (a restore cut short), nothing else."""
    expected = {path: entries[name] for name, path in targets.items()}
    for root in places.roots().values():
        if not root.is_dir():
            continue
        for path in root.rglob("*"):
            if path.is_file() and expected.get(path) != sha256_of(path):
                raise BackupError(f"the file store is not empty: {path} is not part of this backup. A restore goes "
                                  "into a fresh instance.")


def _put(source: Path, target: Path, sha256: str, progress: Progress | None, *, read_only: bool) -> None:
    """Copy one file in the app's own way: a temporary name, fsync, rename; objects read-only."""
    if target.is_file():  # checked identical by _store_fits
        return
    target.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    temp = target.with_name(f".restore-{uuid.uuid4().hex}")
    try:
        with source.open("rb") as src, temp.open("xb") as dst:
            while chunk := src.read(1024 * 1024):
                dst.write(chunk)
                if progress:
                    progress(len(chunk))
            dst.flush()
            os.fsync(dst.fileno())
        if sha256_of(temp) != sha256:
            raise BackupError(f"{source} changed while it was restored")
        if read_only:
            os.chmod(temp, 0o440)
        os.replace(temp, target)
        fsync_path(target.parent)
    finally:
        temp.unlink(missing_ok=True)


def _restore_sqlite(places: Places, src: Path) -> None:
    target = sqlite_path(places.engine)
    target.parent.mkdir(parents=True, exist_ok=True)
    places.engine.dispose()
    backup = sqlite3.connect(f"file:{src / SQLITE_FILE}?mode=ro", uri=True)
    live = sqlite3.connect(target)
    try:
        backup.backup(live)
        check = [row[0] for row in live.execute("PRAGMA integrity_check")]
        if check != ["ok"]:
            raise BackupError(f"the restored database fails its integrity check: {'; '.join(check[:5])}")
    finally:
        live.close()
        backup.close()


def _compare(places: Places, manifest: dict[str, Any]) -> None:
    with places.engine.connect() as conn:
        revision, counts, head = read_facts(lambda sql: conn.execute(text(sql)).all(), list(manifest["tables"]))
        conn.rollback()
    places.engine.dispose()
    wrong = [f"{name}: {counts.get(name)} rows, the backup had {n}" for name, n in manifest["tables"].items()
             if counts.get(name) != n]
    if head != manifest["audit_head"]:
        wrong.append(f"audit chain head {head}, the backup had {manifest['audit_head']}")
    if revision != manifest["database"]["alembic_revision"]:
        wrong.append(f"schema revision {revision}, the backup had {manifest['database']['alembic_revision']}")
    if wrong:
        raise BackupError("the restored database differs from the manifest: " + "; ".join(wrong))


def restore_backup(places: Places, src: Path, *, cipher: Cipher | None, checking: Progress | None = None,
                   progress: Progress | None = None) -> dict[str, Any]:
    """Restore the backup in `src` into this (empty) instance; its manifest. BackupError says why not.
    `checking` is told the bytes hashed while the backup is verified, `progress` those copied into place."""
    manifest = read_manifest(src)
    dialect = places.engine.dialect.name
    if manifest["database"]["dialect"] != dialect:
        raise BackupError(f"the backup holds a {manifest['database']['dialect']} database and this instance uses "
                          f"{dialect}: restore into the same kind of database")
    problems = verify_backup(src, manifest, checking)
    if problems:
        raise BackupError("the backup is damaged, nothing was restored: " + "; ".join(problems[:10]))
    _same_key(manifest, cipher)
    _database_empty(places)
    entries = listing(src)
    targets = _targets(places, entries)
    _store_fits(places, targets, entries)
    for name, target in targets.items():
        _put(src / name, target, entries[name], progress, read_only=name.startswith("files/objects/"))
    if dialect == "sqlite":
        _restore_sqlite(places, src)
    else:
        run_client(["pg_restore", "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
              f"--dbname={places.engine.url.database}", str(src / PG_FILE)], places.engine.url)
    _compare(places, manifest)
    return manifest
