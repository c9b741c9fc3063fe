"""A case as a ZIP bundle: its files plus manifest.json (their sizes and SHA-256), and how it is written.

Format "casework-bundle/1" — fixed, because auditors must be able to check a bundle years later:

- a ZIP whose members are the case's files and ``manifest.json`` (written last);
- manifest.json holds ``format``, ``case_number``, ``exported_at`` (UTC, ``YYYY-MM-DDTHH:MM:SSZ``), ``exporter``,
  ``audit_chain_head``, ``files`` (``{"path", "size", "sha256"}`` sorted by path, by code point) and
  ``manifest_sha256``; it is pretty-printed (indent 2, UTF-8, non-ASCII kept) for people to read;
- ``manifest_sha256`` is the SHA-256 of :func:`canonical` — the manifest without that key as sorted-key, compact,
  UTF-8 JSON — so re-indenting manifest.json does not break it, changing any value does;
- paths are relative POSIX paths in NFC: no leading "/", no empty, "." or ".." component, no backslash, no control
  or invisible formatting characters, no drive letter (:mod:`casework.export.paths`).

What a clean :func:`casework.export.verify.verify_bundle` proves: every file in the zip is byte for byte the one
the manifest lists, none was added or removed, and the manifest agrees with its own hash. That hash is not a
signature — whoever rewrites a file can recompute the manifest too — so to prove that a bundle is *the* one
exported, compare its ``manifest_sha256`` with a copy recorded elsewhere (the audit trail, the export receipt).

Pure library code: no Flask, no database, nothing but the standard library (the offline verifier,
:mod:`casework.export.verify`, reads the format from here).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from casework.export.paths import path_problem

FORMAT = "casework-bundle/1"
MANIFEST = "manifest.json"
CHUNK = 1 << 20  # files are streamed in 1 MiB pieces: constant memory whatever their size

# Already compressed: deflating them again costs time and saves nothing, so they are stored.
STORED_SUFFIXES = frozenset({
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".heif", ".avif",
    ".zip", ".gz", ".bz2", ".xz", ".7z", ".rar",
    ".mp3", ".m4a", ".mp4", ".mov",
    ".docx", ".xlsx", ".pptx", ".odt", ".ods",
})
_HEX = re.compile(r"[0-9a-f]*")


@dataclass(frozen=True)
class Entry:
    """One file of a bundle: its path inside the zip and where its bytes come from (a file on disk, bytes, or a
    function opening a stream: an object in an S3 bucket, whose `size` is then given when known)."""

    path: str
    source: Path | bytes | Callable[[], BinaryIO]
    size: int | None = None


class _Paths:
    """The paths written so far: refuses unsafe ones, duplicates (also ones differing only in case, which would
    overwrite each other when extracted on Windows or macOS) and a file that is also a folder."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {MANIFEST.casefold(): MANIFEST}
        self.folders: set[str] = set()

    def add(self, path: str) -> None:
        problem = path_problem(path, strict=True)
        if problem:
            raise ValueError(f"unsafe bundle path {path!r}: {problem}")
        key = path.casefold()
        if key in self.files:
            clash = "" if self.files[key] == path else f" (clashes with {self.files[key]!r})"
            raise ValueError(f"duplicate path in bundle: {path!r}{clash}")
        if key in self.folders:
            raise ValueError(f"{path!r} is also a folder in the bundle")
        parts = key.split("/")
        parents = ["/".join(parts[:i]) for i in range(1, len(parts))]
        for parent in parents:
            if parent in self.files:
                raise ValueError(f"{path!r} needs {self.files[parent]!r} to be a folder, but it is a file")
        self.files[key] = path
        self.folders.update(parents)


def canonical(manifest: Mapping[str, Any]) -> bytes:
    """The bytes manifest_sha256 is computed over: the manifest without that key, as sorted-key compact UTF-8 JSON."""
    body = {key: value for key, value in manifest.items() if key != "manifest_sha256"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _timestamp(moment: datetime) -> tuple[str, tuple[int, int, int, int, int, int]]:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("exported_at must be timezone-aware")
    utc = moment.astimezone(UTC)
    zip_time = max((utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second), (1980, 1, 1, 0, 0, 0))
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ"), zip_time


def _member(path: str, date_time: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time)
    stored = os.path.splitext(path)[1].lower() in STORED_SUFFIXES
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16  # rw-r--r-- when extracted on Unix
    return info


def _write_member(zf: zipfile.ZipFile, entry: Entry, date_time: tuple[int, int, int, int, int, int]) -> dict[str, Any]:
    """Copy one entry into the zip, hashing the bytes on the way (one pass, 1 MiB at a time)."""
    info = _member(entry.path, date_time)
    digest = hashlib.sha256()
    size = 0
    source = entry.source
    if isinstance(source, bytes | bytearray | memoryview):
        with memoryview(source) as view, view.cast("B") as data:
            info.file_size = len(data)
            with zf.open(info, "w") as dst:
                for start in range(0, len(data), CHUNK):
                    piece = data[start:start + CHUNK]
                    digest.update(piece)
                    dst.write(piece)
                    size += len(piece)
    elif isinstance(source, os.PathLike):
        with open(source, "rb") as src:
            info.file_size = os.fstat(src.fileno()).st_size  # lets zipfile switch to ZIP64 for huge files
            with zf.open(info, "w") as dst:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
                    size += len(chunk)
    elif callable(source):
        info.file_size = entry.size or 0
        with source() as src, zf.open(info, "w", force_zip64=entry.size is None) as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
                size += len(chunk)
    else:
        raise TypeError(f"Entry {entry.path!r}: source must be a Path, bytes or an opener, "
                        f"not {type(source).__name__}")
    return {"path": entry.path, "size": size, "sha256": digest.hexdigest()}


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable; not every platform lets a folder be opened (Windows), which is fine."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bundle(target: Path, entries: Iterable[Entry], *, case_number: str, exported_at: datetime, exporter: str,
                 audit_chain_head: str) -> dict[str, Any]:
    """Write the bundle to `target` and return its manifest.

    The zip is written to ``<target>.part`` (``target.with_suffix(".zip.part")`` for a .zip target), fsynced and
    renamed over `target` (os.replace), so `target` is either the old file or the complete new bundle; on any error
    the .part file is removed. Each file is hashed while it is copied in (one pass, constant memory), manifest.json
    goes last. ValueError for an unsafe or duplicate path (see safe_path), a naive `exported_at`, or an
    `audit_chain_head` that is not lowercase hex. Callers must not write the same target concurrently.
    """
    stamp, date_time = _timestamp(exported_at)
    if not isinstance(audit_chain_head, str) or not _HEX.fullmatch(audit_chain_head):
        raise ValueError(f"audit_chain_head must be lowercase hex or empty, not {audit_chain_head!r}")
    target = Path(target)
    part = target.with_name(target.name + ".part")
    try:
        with open(part, "wb") as fh:
            with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                paths = _Paths()
                files = []
                for entry in entries:
                    paths.add(entry.path)
                    files.append(_write_member(zf, entry, date_time))
                files.sort(key=lambda item: item["path"])
                manifest: dict[str, Any] = {
                    "format": FORMAT,
                    "case_number": case_number,
                    "exported_at": stamp,
                    "exporter": exporter,
                    "audit_chain_head": audit_chain_head,
                    "files": files,
                }
                manifest["manifest_sha256"] = hashlib.sha256(canonical(manifest)).hexdigest()
                text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
                zf.writestr(_member(MANIFEST, date_time), text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)
    return manifest
