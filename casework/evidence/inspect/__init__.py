"""What an uploaded evidence file really is, judged by its content alone: the allowlist, metadata and thumbnails.

The client's file name and declared type are never trusted: the first bytes pick a parser, and the file is kept
only if that parser reads it through. PDFs are kept exactly as received (they are evidence) but carry flags for
anything that can run by itself; the other types are refused outright when they could. One module per format:
`image` (and EXIF), `bmff` (HEIC and MP4 containers), `pdf`, `xlsx`, `text`.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from casework.domain.evidence import MEDIA_TYPES, XLSX
from casework.evidence.inspect.base import CHUNK, HEAD, Inspection, Refused
from casework.evidence.inspect.bmff import bmff_kind, inspect_bmff
from casework.evidence.inspect.image import PIL_FORMATS, image_thumbnail, inspect_image
from casework.evidence.inspect.pdf import inspect_pdf
from casework.evidence.inspect.text import inspect_text
from casework.evidence.inspect.xlsx import inspect_xlsx

__all__ = ["CHUNK", "HEAD", "MEDIA_TYPES", "XLSX", "Inspection", "Refused", "inspect", "thumbnail"]

_EXECUTABLE = (
    b"\x7fELF",
    b"MZ",  # DOS / PE
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xca\xfe\xba\xbe",  # Mach-O universal (and Java class files)
    b"#!",
)
# Binary types that are recognisably not on the list (the rest of the unknown ones fail the text test).
_OTHER_BINARY = (b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"\xd0\xcf\x11\xe0", b"RIFF", b"PK\x05\x06", b"PK\x07\x08")


def inspect(path: Path, *, name_hint: str = "", max_pixels: int = 50_000_000) -> Inspection:
    """Raises Refused. name_hint (the original file name) is used ONLY to tell text/csv from text/plain for a file
    that is already known to be plain text; never for anything else."""
    size = path.stat().st_size
    if size == 0:
        raise Refused("empty")
    with path.open("rb") as f:
        head = f.read(HEAD)
    kind = _sniff(head)
    if kind == "executable":
        raise Refused("executable", repr(head[:4]))
    if kind == "unknown":
        raise Refused("unknown_type", repr(head[:8]))
    if kind == "bmff":
        return inspect_bmff(path, head, size, max_pixels)
    if kind in PIL_FORMATS:
        return inspect_image(path, kind, max_pixels)
    if kind == "pdf":
        return inspect_pdf(path)
    if kind == "zip":
        return inspect_xlsx(path, size)
    return inspect_text(path, head, size, name_hint)


def thumbnail(path: Path, out: BinaryIO, *, box: int = 320) -> bool:
    """For an inspected image (jpeg/png/webp/heic): write a JPEG thumbnail no larger than box×box, orientation
    applied, with no EXIF, GPS or XMP (RELIABILITY F12). Return False, writing nothing, for anything else."""
    with path.open("rb") as f:
        head = f.read(HEAD)
    kind = _sniff(head)
    if kind == "bmff":
        kind = "heic" if bmff_kind(head) == "heic" else "video"
    if kind not in PIL_FORMATS:
        return False
    data = image_thumbnail(path, kind, box)
    if data is None:
        return False
    out.write(data)
    return True


def _sniff(head: bytes) -> str:
    if head.startswith(_EXECUTABLE):
        return "executable"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        return "bmff"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(_OTHER_BINARY):
        return "unknown"
    return "text"
