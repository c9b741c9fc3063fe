"""Backups that restore: a consistent copy of the database, every stored file with its SHA-256, and a manifest that
says what a restore must find (RELIABILITY.md P6, D6, §7 scenario 17).

A backup is a folder:
  manifest.json      format, when the snapshot was taken (the recovery point), the database's Alembic revision,
                     row counts per table and the audit chain head as of the snapshot, the hashes of the two files
                     below, a check that the restoring instance holds the same claimant-data key
  files.sha256       every file of the backup but these two, as `sha256sum -c files.sha256` reads it
  database.sqlite    SQLite's online backup API: one step, one read transaction, consistent while writers go on
  database.pgdump    or pg_dump's custom format, taken in the same snapshot the counts were read in
  files/objects/…    the store's content-addressed objects (evidence, letters, dossiers), each re-hashed as copied;
  files/quarantine/… files/derived/… (thumbnails) and files/exports/… (finished batch ZIPs)

The database is copied first and the files after: the app writes a file before the row that refers to it commits
and never deletes a referenced file, so every file the snapshot names is there when the files are copied. Files
written after the snapshot come along too, as objects no row refers to (`evidence verify` lists them).

Keys are never copied: instance/config.py (SECRET_KEY, PII_KEY) is kept apart, like any secret, and a restore
needs the same PII key (checked before anything is written). The backup holds claimant identifiers only as the
database holds them, encrypted.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.engine import URL, Engine

FORMAT = "casework-backup/1"
MANIFEST, FILE_LIST = "manifest.json", "files.sha256"
SQLITE_FILE, PG_FILE = "database.sqlite", "database.pgdump"
STORE_PARTS = ("objects", "quarantine", "derived")  # staging (uploads under way) is never kept
KEY_CHECK = "casework backup: same PII key?"
CHUNK = 1024 * 1024

Progress = Callable[[int], None]  # bytes just copied or hashed


class BackupError(Exception):
    """What the operator is told when a backup cannot be made or a restore must not go on."""


class Cipher(Protocol):
    """What a backup needs of the claimant-data cipher (casework.infra.pii): proof that two instances share a key."""

    def encrypt(self, value: str) -> str: ...

    def decrypt(self, token: str) -> str: ...

    def digest(self, value: str) -> str: ...


@dataclass(frozen=True)
class Places:
    """Where an instance keeps its data: its database, its file store's root and its finished batch exports."""

    engine: Engine
    store_root: Path
    exports_root: Path
    tables: Sequence[str]  # every table of the schema, counted in the manifest and after a restore

    def roots(self) -> dict[str, Path]:
        """Backup folder name → live folder."""
        return {**{part: self.store_root / part for part in STORE_PARTS}, "exports": self.exports_root}


@dataclass
class Snapshot:
    file: str
    taken_at: datetime
    revision: str
    tables: dict[str, int]
    audit_head: dict[str, Any]


@dataclass
class Copied:
    files: list[tuple[str, str, int]] = field(default_factory=list)  # (path in the backup, sha256, size)
    damaged: list[str] = field(default_factory=list)  # objects whose bytes no longer hash to their name


def sha256_of(path: Path, progress: Progress | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            if progress:
                progress(len(chunk))
    return digest.hexdigest()


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- the database ------------------------------------------------------------------------------------------------

Query = Callable[[str], Sequence[Sequence[Any]]]


def read_facts(query: Query, tables: Sequence[str]) -> tuple[str, dict[str, int], dict[str, Any]]:
    """Alembic revision, row counts and audit chain head, read through `query` inside one snapshot."""
    revision = query("SELECT version_num FROM alembic_version")
    counts = {name: int(query(f'SELECT count(*) FROM "{name}"')[0][0])  # noqa: S608 - names from our own schema
              for name in sorted(tables)}
    head = query("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
    return (revision[0][0] if revision else "", counts,
            {"seq": int(head[0][0]), "hash": head[0][1]} if head else {"seq": 0, "hash": ""})


def sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("the database is not a file (an in-memory SQLite database has nothing to back up)")
    return Path(database)


def _snapshot_sqlite(places: Places, folder: Path, now: datetime) -> Snapshot:
    target = folder / SQLITE_FILE
    source = sqlite3.connect(sqlite_path(places.engine), timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # pages=-1: the whole database in one step, in one read transaction
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        check = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if check != ["ok"]:
            raise BackupError(f"the copied database fails its integrity check: {'; '.join(check[:5])}")
        revision, counts, head = read_facts(lambda sql: copy.execute(sql).fetchall(), places.tables)
    finally:
        copy.close()
        source.close()
    return Snapshot(SQLITE_FILE, now, revision, counts, head)


def libpq_env(url: URL) -> dict[str, str]:
    """The connection as libpq's environment variables, so no password shows on a command line."""
    env = {**os.environ}
    for key, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[key] = str(value)
    return env


def run_client(command: list[str], url: URL) -> None:
    try:
        done = subprocess.run(command, env=libpq_env(url), capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client, of the "
                          "server's major version or newer)") from None
    if done.returncode:
        raise BackupError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[-800:]}")


def _snapshot_postgres(places: Places, folder: Path, now: datetime) -> Snapshot:
    """pg_dump in the very snapshot the counts and the chain head are read in (pg_export_snapshot)."""
    with places.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        transaction = conn.begin()
        try:
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            revision, counts, head = read_facts(lambda sql: conn.execute(text(sql)).all(), places.tables)
            run_client(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={folder / PG_FILE}"],
                 places.engine.url)
        finally:
            transaction.rollback()  # it only read
    return Snapshot(PG_FILE, now, revision, counts, head)


# --- files -------------------------------------------------------------------------------------------------------

def _live_files(places: Places) -> Iterator[tuple[str, Path]]:
    """(path in the backup, live file) for every file worth keeping."""
    for name, root in places.roots().items():
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if not path.is_file():
                continue
            if name == "exports" and (path.suffix == ".part" or path.parent != root):  # unfinished runs
                continue
            yield f"files/{name}/{path.relative_to(root).as_posix()}", path


def _copy(source: Path, target: Path, link: bool, progress: Progress | None) -> str:
    """Copy (or hard-link) `source` to `target`; the SHA-256 of what the backup now holds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if link:
        try:
            os.link(source, target)
            return sha256_of(target, progress)
        except OSError:  # another filesystem: copy after all
            pass
    digest = hashlib.sha256()
    with source.open("rb") as src, target.open("xb") as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
            if progress:
                progress(len(chunk))
        dst.flush()
        os.fsync(dst.fileno())
    return digest.hexdigest()


def _copy_files(places: Places, folder: Path, link: bool, progress: Progress | None) -> Copied:
    copied = Copied()
    for name, live in _live_files(places):
        try:
            sha256 = _copy(live, folder / name, link, progress)
        except FileNotFoundError:  # quarantined or replaced while we walked: not referenced by the snapshot
            continue
        copied.files.append((name, sha256, (folder / name).stat().st_size))
        if name.startswith("files/objects/") and sha256 != live.name:
            copied.damaged.append(live.name)
    return copied


def live_bytes(places: Places) -> int:
    """What copying the files will read, for a progress bar."""
    return sum(path.stat().st_size for _, path in _live_files(places))


# --- a backup ----------------------------------------------------------------------------------------------------

def create_backup(places: Places, dest: Path, *, now: datetime, cipher: Cipher, link: bool = False,
                  progress: Progress | None = None) -> dict[str, Any]:
    """Write a backup into `dest` (which must not exist yet, or be empty); its manifest. The folder appears under
    its name only when complete: it is written as `dest.partial-…` and renamed."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} exists and is not empty: a backup goes into a new folder")
    dest.parent.mkdir(parents=True, exist_ok=True)
    folder = dest.with_name(f"{dest.name}.partial-{uuid.uuid4().hex[:8]}")
    folder.mkdir(mode=0o700)
    try:
        dialect = places.engine.dialect.name
        if dialect == "sqlite":
            snapshot = _snapshot_sqlite(places, folder, now)
        elif dialect == "postgresql":
            snapshot = _snapshot_postgres(places, folder, now)
        else:
            raise BackupError(f"no backup method for a {dialect} database")
        copied = _copy_files(places, folder, link, progress)
        database = folder / snapshot.file
        listing = [(snapshot.file, sha256_of(database), database.stat().st_size), *copied.files]
        (folder / FILE_LIST).write_text("".join(f"{sha}  {name}\n" for name, sha, _ in listing), encoding="utf-8")
        manifest = {
            "format": FORMAT,
            "recovery_point": snapshot.taken_at.isoformat(),
            "database": {"dialect": dialect, "file": snapshot.file, "sha256": listing[0][1], "size": listing[0][2],
                         "alembic_revision": snapshot.revision, "integrity_check": "ok" if dialect == "sqlite" else ""},
            "tables": snapshot.tables,
            "audit_head": snapshot.audit_head,
            "files": {"count": len(copied.files), "bytes": sum(size for _, _, size in copied.files),
                      "objects": sum(1 for name, _, _ in copied.files if name.startswith("files/objects/")),
                      "damaged": copied.damaged, "hard_links": link},
            "files_sha256": sha256_of(folder / FILE_LIST),
            "key_check": {"token": cipher.encrypt(KEY_CHECK), "digest": cipher.digest(KEY_CHECK)},
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        for path in (folder / FILE_LIST, folder / MANIFEST):
            fsync_path(path)
        fsync_path(folder)
        if dest.exists():
            dest.rmdir()  # empty, checked above
        os.replace(folder, dest)
        fsync_path(dest.parent)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return manifest
