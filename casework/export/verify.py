"""The offline verifier of casework-bundle/1 files (`casework verify`): every member hashed again against manifest.json.

What a clean report proves, and what it does not, is written in :mod:`casework.export.bundle`. Stdlib only: it
needs no Flask app and no database, so an auditor can run it on any machine with the package installed.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casework.export.bundle import CHUNK, FORMAT, MANIFEST, canonical
from casework.export.paths import path_problem, printable

MAX_MANIFEST_BYTES = 64 << 20  # the verifier refuses a larger manifest.json rather than reading it into memory
_SHA256 = re.compile(r"[0-9a-f]{64}")
_TOP_LEVEL = {"case_number": str, "exported_at": str, "exporter": str, "audit_chain_head": str, "files": list}
# Everything reading a damaged or hostile member can raise (bad CRC, bad deflate data, encryption, overlaps, ...).
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError)


@dataclass
class Report:
    """What verify_bundle found; `ok` only when `problems` is empty."""

    bundle: str
    ok: bool
    problems: list[str] = field(default_factory=list)  # one human-readable line each, naming the file
    files: int = 0  # files the manifest lists
    manifest_sha256: str = ""  # as manifest.json states it (trust it only when ok)
    manifest: dict[str, Any] | None = None  # the parsed manifest.json (trust it only when ok)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):  # json.loads would silently keep the last: what is read and what is hashed differ
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key!r}")
            seen.add(key)
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _read_manifest(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[dict[str, Any] | None, str]:
    """(manifest, "") or (None, the problem)."""
    if info.file_size > MAX_MANIFEST_BYTES:
        return None, f"not a casework bundle: manifest.json is larger than {MAX_MANIFEST_BYTES >> 20} MiB"
    try:
        with zf.open(info) as src:
            raw = src.read(MAX_MANIFEST_BYTES + 1)
    except _READ_ERRORS as exc:
        return None, f"unreadable zip: manifest.json cannot be read ({printable(str(exc))})"
    try:
        manifest = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return None, f"not a casework bundle: manifest.json is not valid JSON ({printable(str(exc))})"
    if not isinstance(manifest, dict):
        return None, "not a casework bundle: manifest.json is not a JSON object"
    if manifest.get("format") != FORMAT:
        return None, f"not a casework bundle: format is {printable(repr(manifest.get('format')))}, not {FORMAT!r}"
    return manifest, ""


def _manifest_problems(manifest: dict[str, Any]) -> list[str]:
    problems = [f"manifest malformed: {key!r} missing or not a {kind.__name__}"
                for key, kind in _TOP_LEVEL.items() if not isinstance(manifest.get(key), kind)]
    listed = manifest.get("manifest_sha256")
    if not isinstance(listed, str) or not _SHA256.fullmatch(listed):
        problems.append("manifest edited (manifest_sha256 is missing or not a SHA-256)")
        return problems
    try:
        actual = hashlib.sha256(canonical(manifest)).hexdigest()
    except (UnicodeEncodeError, ValueError, TypeError):  # e.g. a lone surrogate escaped into a string
        actual = ""
    if actual != listed:
        problems.append("manifest edited (its hash does not match)")
    return problems


def _listed_files(manifest: dict[str, Any], problems: list[str]) -> dict[str, tuple[int, str]]:
    """path -> (size, sha256) for every well-formed entry of manifest["files"]; the others become problems."""
    files = manifest.get("files")
    listed: dict[str, tuple[int, str]] = {}
    for index, item in enumerate(files if isinstance(files, list) else []):
        path = item.get("path") if isinstance(item, dict) else None
        size = item.get("size") if isinstance(item, dict) else None
        sha = item.get("sha256") if isinstance(item, dict) else None
        if not (isinstance(path, str) and type(size) is int and size >= 0
                and isinstance(sha, str) and _SHA256.fullmatch(sha)):
            problems.append(f"manifest malformed: files[{index}] is not {{path, size, sha256}}")
        elif path == MANIFEST or path_problem(path, strict=False):
            problems.append(f"manifest malformed: unsafe path {printable(path)!r} in files[{index}]")
        elif path in listed:
            problems.append(f"manifest malformed: {printable(path)} is listed twice")
        else:
            listed[path] = (size, sha)
    return listed


def _check_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, size: int, sha256: str) -> str | None:
    """None when the member holds exactly `size` bytes hashing to `sha256`, else the problem line."""
    name = printable(info.filename)
    if info.file_size != size:  # no need to decompress anything (and nothing for a zip bomb to exploit)
        return f"changed: {name} ({info.file_size} bytes, the manifest says {size})"
    digest = hashlib.sha256()
    read = 0
    try:
        with zf.open(info) as src:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                read += len(chunk)
    except _READ_ERRORS as exc:
        return f"changed: {name} (damaged in the zip: {printable(str(exc))})"
    if read != size or digest.hexdigest() != sha256:
        return f"changed: {name}"
    return None


def _verify(name: str, zf: zipfile.ZipFile) -> Report:
    problems: list[str] = []
    members: dict[str, zipfile.ZipInfo] = {}
    unsafe: set[str] = set()
    for info in zf.infolist():
        if info.filename in members:
            problems.append(f"duplicate entry in zip: {printable(info.filename)}")
        members[info.filename] = info  # the last one wins, as in zipfile itself
        if path_problem(info.orig_filename.removesuffix("/"), strict=False):  # orig: before NUL/os.sep clean-up
            problems.append(f"unsafe path in zip: {printable(info.orig_filename)}")
            unsafe.add(info.filename)

    manifest_info = members.get(MANIFEST)
    if manifest_info is None:
        return Report(name, False, [*problems, "not a casework bundle: no manifest.json"])
    manifest, problem = _read_manifest(zf, manifest_info)
    if manifest is None:
        return Report(name, False, [*problems, problem])
    problems.extend(_manifest_problems(manifest))
    listed = _listed_files(manifest, problems)

    for path, (size, sha256) in sorted(listed.items()):
        member = members.get(path)
        found = f"missing: {printable(path)}" if member is None else _check_member(zf, member, size, sha256)
        if found:
            problems.append(found)
    for path, info in sorted(members.items()):
        if path == MANIFEST or path in listed or path in unsafe:
            continue
        if info.is_dir() and info.file_size == 0:  # a folder entry some zip tools add: no content to vouch for
            continue
        problems.append(f"added: {printable(path)}")

    manifest_sha = manifest.get("manifest_sha256")
    return Report(name, not problems, problems, files=len(listed),
                  manifest_sha256=manifest_sha if isinstance(manifest_sha, str) else "", manifest=manifest)


def verify_bundle(path: Path) -> Report:
    """Check one bundle: every listed file's size and SHA-256 recomputed from the zip (streamed, never extracted),
    files missing from the zip, files in the zip the manifest does not list, manifest_sha256 against the canonical
    form, unsafe member names (absolute, "..", backslash, control characters) and duplicate members."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            return _verify(str(path), zf)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        return Report(str(path), False, [f"unreadable zip: {printable(path.name)} ({printable(str(exc))})"])


def _batch_members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The bundles of a batch download (a ZIP holding only *.zip files, no manifest), else []."""
    infos = [info for info in zf.infolist() if not info.is_dir()]
    if not infos or any(info.filename == MANIFEST or not info.filename.lower().endswith(".zip") for info in infos):
        return []
    return infos


def verify_file(path: Path) -> list[Report]:
    """A bundle's report, or one report per bundle inside a batch download (named batch.zip!/<bundle>.zip),
    read in place without extracting anything."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as outer:
            inner = _batch_members(outer)
            if not inner:
                return [verify_bundle(path)]
            reports = []
            for info in inner:
                name = f"{path}!/{printable(info.filename)}"
                try:
                    with outer.open(info) as fh, zipfile.ZipFile(fh) as zf:
                        reports.append(_verify(name, zf))
                except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
                    reports.append(Report(name, False, [f"unreadable zip: {printable(str(exc))}"]))
            return reports
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return [verify_bundle(path)]  # which reports it as unreadable


def verify_paths(paths: Iterable[Path]) -> list[Report]:
    """A report per bundle. Each argument is a bundle, a batch download of bundles, or a folder: a folder means
    every *.zip in it (sorted, not recursive, suffix in any case); a folder without any is itself a failed
    report, so it cannot pass unnoticed."""
    reports: list[Report] = []
    for path in map(Path, paths):
        if path.is_dir():
            bundles = sorted(child for child in path.iterdir() if child.suffix.lower() == ".zip" and child.is_file())
            if not bundles:
                reports.append(Report(str(path), False, ["not a casework bundle: no *.zip files in this folder"]))
            for bundle in bundles:
                reports.extend(verify_file(bundle))
        else:
            reports.extend(verify_file(path))
    return reports
