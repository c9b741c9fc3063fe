"""Where evidence bytes live: a small interface, and the local-disk store under the instance folder.

The protocol is file first (RELIABILITY.md §3.5): bytes go to a staging file, hashed as they arrive, are
fsynced and renamed into a content-addressed path, and only then is the database row committed. A crash
leaves at most a staging file or an object no row refers to (found by `casework evidence verify`), never a
row without its bytes. The S3-compatible store (casework/infra/s3_store.py) implements the same methods:
staging stays a local file, `promote` uploads it under its SHA-256 key. Which one an app uses is
STORAGE_URL's choice (`configured_store`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Protocol

_HEX = frozenset("0123456789abcdef")
#: A staging file nobody holds locked and nobody wrote to for this long was left by a killed upload.
ABANDONED_AFTER_S = 60
log = logging.getLogger("casework")


def _is_digest(key: str) -> bool:
    return len(key) == 64 and set(key) <= _HEX


class Staging:
    """A file being received: written once, hashed in the same pass, never under its final name.

    Its writer holds an exclusive lock on it from creation until it is promoted or discarded; the kernel
    drops the lock when the process dies, which is how a killed upload's file is told from a live one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_CLOEXEC, 0o600)
        self._held: int | None = None  # the descriptor kept open (and locked) after finish()
        with contextlib.suppress(OSError):  # a filesystem without locks: the age rule alone then protects it
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes | memoryview) -> None:
        assert self._fd is not None, "staging file already closed"
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        self._hash.update(data)
        self.size += len(data)

    def finish(self) -> str:
        """Flush to disk and return the SHA-256 of what was written."""
        if self._fd is not None:
            os.fsync(self._fd)
            self._held, self._fd = self._fd, None  # still ours (and locked) until promoted or discarded
        return self._hash.hexdigest()

    def release(self) -> None:
        """Close the file (and so drop its lock): it has been promoted or removed."""
        for fd in (self._fd, self._held):
            if fd is not None:
                os.close(fd)
        self._fd = self._held = None

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
        self.release()


class Store(Protocol):
    #: Where the objects are, for messages to an operator (a folder, or s3://bucket/prefix).
    location: str
    #: The local folder uploads are received into before `promote`.
    staging_root: Path

    def stage(self) -> Staging: ...

    def promote(self, staging: Staging, sha256: str) -> None:
        """Make the staged bytes the object `sha256` (durably), or drop them if that object exists."""

    def put(self, data: bytes) -> str:
        """Keep bytes made by the app (a letter, a dossier) as a received file is kept; their SHA-256."""

    def open(self, sha256: str) -> BinaryIO: ...

    def exists(self, sha256: str) -> bool: ...

    def size(self, sha256: str) -> int | None:
        """The stored object's size in bytes, None if it is not there."""

    def local_path(self, sha256: str) -> Path | None:
        """A path the web server may send from, where the store has one (an object store has none)."""

    def presigned_url(self, sha256: str, *, media_type: str, disposition: str, seconds: int) -> str | None:
        """A short-lived URL a browser may fetch the object from directly, where the store can give one."""

    def objects(self) -> Iterator[str]:
        """Every stored object's key."""

    def quarantine(self, sha256: str) -> str:
        """Move an object no row refers to out of the store (kept: it may be evidence); where it went."""

    def remove(self, sha256: str) -> int:
        """Delete an object for good (retention only); 1 if it was there."""

    def remove_derived(self, name: str) -> None: ...

    def put_derived(self, name: str, data: bytes) -> None:
        """A file derived from evidence (a thumbnail): rebuildable, not evidence itself."""

    def open_derived(self, name: str) -> BinaryIO | None: ...

    def stale_staging(self, older_than: float) -> Iterator[Path]:
        """Staging files left by a crash or a killed worker, not touched for `older_than` seconds."""

    def clear_abandoned_staging(self, older_than: float = ABANDONED_AFTER_S) -> list[tuple[str, int]]:
        """Remove the staging files of writers that died (no lock held), untouched for `older_than` s."""

    def object_age(self, sha256: str) -> float:
        """Seconds since the object was last stored."""

    def keep_result(self, path: Path) -> None:
        """Keep a finished export (a ZIP in the instance's exports folder) where every instance can read it."""

    def open_result(self, name: str) -> BinaryIO | None:
        """A kept export's bytes, if the store holds them (the local store leaves them in the exports folder)."""


class StagingFolder:
    """Where received files wait to be promoted: always a local folder, for either store."""

    staging_root: Path

    def stage(self) -> Staging:
        return Staging(self.staging_root / uuid.uuid4().hex)

    def stale_staging(self, older_than: float) -> Iterator[Path]:
        limit = time.time() - older_than
        for path in self.staging_root.iterdir():
            if path.stat().st_mtime < limit:
                yield path

    def clear_abandoned_staging(self, older_than: float = ABANDONED_AFTER_S) -> list[tuple[str, int]]:
        """Remove staging files left by killed uploads: not locked by a living writer and untouched for
        `older_than` seconds. Safe while other workers receive files (theirs are locked). (name, size) each."""
        removed = []
        for path in sorted(self.staging_root.iterdir()):
            try:
                if time.time() - path.stat().st_mtime < older_than:
                    continue
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:  # promoted or discarded meanwhile
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as err:
                os.close(fd)
                if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    log.warning("cannot lock staging file %s (%s): left in place", path.name, err)
                continue  # a living writer holds it
            try:
                size = os.fstat(fd).st_size
                path.unlink(missing_ok=True)
                removed.append((path.name, size))
            finally:
                os.close(fd)
        return removed


class LocalStore(StagingFolder):
    """objects/ab/cd/<sha256>, read-only files in 0750 folders, outside the static folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.location = str(root)
        self.staging_root = root / "staging"
        for sub in ("objects", "staging", "derived", "quarantine"):
            (root / sub).mkdir(mode=0o750, parents=True, exist_ok=True)

    def _object(self, sha256: str) -> Path:
        if not _is_digest(sha256):  # keys come from our own hashing; anything else is a bug or an attack
            raise ValueError("not a SHA-256 key")
        return self.root / "objects" / sha256[:2] / sha256[2:4] / sha256

    def promote(self, staging: Staging, sha256: str) -> None:
        target = self._object(sha256)
        if target.exists():  # same hash, same bytes: keep the object that is already there
            _touch(target)  # a row is about to refer to it: the orphan grace period starts again
            staging.discard()
            return
        target.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
        os.chmod(staging.path, 0o440)
        os.replace(staging.path, target)  # atomic on one filesystem: the final name never holds a partial file
        _fsync_dir(target.parent)
        staging.release()

    def put(self, data: bytes) -> str:
        staging = self.stage()
        try:
            staging.write(data)
            sha256 = staging.finish()
            self.promote(staging, sha256)
        finally:
            staging.discard()  # nothing left behind if the write failed; a no-op once promoted
        return sha256

    def open(self, sha256: str) -> BinaryIO:
        return self._object(sha256).open("rb")

    def exists(self, sha256: str) -> bool:
        return self._object(sha256).is_file()

    def size(self, sha256: str) -> int | None:
        path = self._object(sha256)
        return path.stat().st_size if path.is_file() else None

    def local_path(self, sha256: str) -> Path | None:
        return self._object(sha256)

    def presigned_url(self, sha256: str, *, media_type: str, disposition: str, seconds: int) -> str | None:
        return None  # the web server sends the file itself

    def keep_result(self, path: Path) -> None:
        """Nothing to do: the exports folder beside the evidence folder is this store's place for them."""

    def open_result(self, name: str) -> BinaryIO | None:
        return None

    def objects(self) -> Iterator[str]:
        for path in sorted((self.root / "objects").glob("*/*/*")):
            if path.is_file():
                yield path.name

    def quarantine(self, sha256: str) -> str:
        target = self.root / "quarantine" / sha256
        shutil.move(self._object(sha256), target)
        return str(target)

    def remove(self, sha256: str) -> int:
        """Delete an object for good: only for bytes the retention schedule retired (their rows say so). 1 if
        it was there."""
        path = self._object(sha256)
        if not path.is_file():
            return 0
        path.unlink()
        _fsync_dir(path.parent)
        return 1

    def remove_derived(self, name: str) -> None:
        self._derived(name).unlink(missing_ok=True)

    def _derived(self, name: str) -> Path:
        if not name.replace(".", "").isalnum() or name.startswith("."):
            raise ValueError("bad derived name")
        return self.root / "derived" / name[:2] / name

    def put_derived(self, name: str, data: bytes) -> None:
        path = self._derived(name)
        path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
        temp = path.with_name(f".{uuid.uuid4().hex}")
        temp.write_bytes(data)
        os.replace(temp, path)

    def open_derived(self, name: str) -> BinaryIO | None:
        path = self._derived(name)
        return path.open("rb") if path.is_file() else None

    def object_age(self, sha256: str) -> float:
        """Seconds since the object was stored (or last stored again by an identical upload)."""
        return time.time() - self._object(sha256).stat().st_mtime


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):  # not ours to touch: the grace period is only a safety margin
        os.utime(path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def configured_store(config: Any, instance_path: str) -> Store:
    """The store the configuration names: STORAGE_URL (s3://bucket/prefix) if set, else the local folder
    EVIDENCE_ROOT, or instance/evidence. An object store still stages uploads locally, in instance/staging."""
    url = config.get("STORAGE_URL", "")
    if url.startswith("s3://"):
        from casework.infra.s3_store import S3Store

        return S3Store.from_url(url, staging_root=Path(instance_path) / "staging",
                                part_bytes=int(config.get("STORAGE_PART_MB", 8)) * 1024 * 1024,
                                threads=int(config.get("STORAGE_UPLOAD_THREADS", 3)))
    if url and not url.startswith("file://"):
        raise RuntimeError(f"STORAGE_URL must be s3://bucket/prefix or empty (local disk), not {url!r}")
    root = url.removeprefix("file://") or config.get("EVIDENCE_ROOT", "")
    return LocalStore(Path(root) if root else Path(instance_path) / "evidence")


_KEY = "casework.store"


class StoreExtension:
    """The app's one file store, built once from its configuration (an extension, like Flask-Migrate's)."""

    def init_app(self, app: Any) -> None:
        store = app.extensions[_KEY] = configured_store(app.config, app.instance_path)
        try:  # a start after a crash: partial uploads of killed workers go (one listing; usually empty)
            removed = store.clear_abandoned_staging()
        except OSError as err:
            log.warning("could not clear abandoned uploads in %s: %s", store.staging_root, err)
            return
        if removed:
            log.warning("removed %d unfinished upload(s) left in staging by a killed worker (%d bytes)",
                        len(removed), sum(size for _name, size in removed))


def store_of(app: Any) -> Store:
    """The store `create_app` built for this app (a forked export worker has the same app object)."""
    return app.extensions[_KEY]  # type: ignore[no-any-return]
