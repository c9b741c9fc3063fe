"""Excel workbooks (XLSX): a zip read by its central directory only, refused with macros or an unsafe archive."""

from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path

from casework.domain.evidence import MEDIA_TYPES, XLSX
from casework.evidence.inspect.base import CHUNK, Inspection, Refused

MAX_MEMBERS = 10_000
MAX_UNPACKED = 500 * 1024 * 1024
MAX_RATIO = 200


def inspect_xlsx(path: Path, size: int) -> Inspection:
    """Raises Refused unless the zip is a workbook without macros or ActiveX, and safe to unpack."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()  # the central directory only: nothing is extracted
            _check_archive(members, size)
            names = {m.filename.lower(): m for m in members}  # OOXML part names are case-insensitive
            if any(n.endswith("vbaproject.bin") or n.startswith(("xl/activex/", "xl/macrosheets/")) for n in names):
                raise Refused("active_content", "macros or ActiveX in a workbook")
            content_types = names.get("[content_types].xml")
            if content_types is None or "xl/workbook.xml" not in names:
                raise Refused("unknown_type", "a zip that is not an Excel workbook")
            if content_types.file_size > CHUNK:
                raise Refused("archive_unsafe", "[Content_Types].xml over 1 MiB")
            if b"macroenabled" in zf.read(content_types).lower():
                raise Refused("active_content", "a macro-enabled workbook")
    except Refused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise Refused("truncated", f"zip: {exc}") from exc
    return Inspection(XLSX, MEDIA_TYPES[XLSX])


def _check_archive(members: list[zipfile.ZipInfo], size: int) -> None:
    if len(members) > MAX_MEMBERS:
        raise Refused("archive_unsafe", f"{len(members)} members")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * size:
        raise Refused("archive_unsafe", f"{unpacked} bytes unpacked from {size}")
    for m in members:
        parts = re.split(r"[\\/]", m.filename)
        if m.filename.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", m.filename) or ".." in parts:
            raise Refused("archive_unsafe", f"member path {m.filename!r}")
        if stat.S_ISLNK(m.external_attr >> 16):
            raise Refused("archive_unsafe", f"symlink member {m.filename!r}")
