"""What an uploaded evidence file really is, judged by its content alone: the allowlist, metadata and thumbnails.

The client's file name and declared type are never trusted: the first bytes pick a parser, and the file is kept
only if that parser reads it through. PDFs are kept exactly as received (they are evidence) but carry flags for
anything that can run by itself; the other types are refused outright when they could.
"""

from __future__ import annotations

import codecs
import math
import re
import stat
import struct
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

import pillow_heif
from PIL import ExifTags, Image, ImageFile, ImageOps
from pypdf import PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from casework.domain.evidence import MEDIA_TYPES, XLSX

pillow_heif.register_heif_opener()


HEAD = 16 * 1024  # enough for every magic number and an ftyp box
CHUNK = 1024 * 1024
MAX_MEMBERS = 10_000
MAX_UNPACKED = 500 * 1024 * 1024
MAX_RATIO = 200
MAX_BOXES = 100_000  # a fragmented hour of video is ~15,000 top-level boxes; a million 8-byte boxes is an attack

_EXECUTABLE = (
    b"\x7fELF",
    b"MZ",  # DOS / PE
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xca\xfe\xba\xbe",  # Mach-O universal (and Java class files)
    b"#!",
)
# Binary types that are recognisably not on the list (the rest of the unknown ones fail the text test).
_OTHER_BINARY = (b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"\xd0\xcf\x11\xe0", b"RIFF", b"PK\x05\x06", b"PK\x07\x08")
_PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heic": "HEIF"}

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"}
_HEVC_BRANDS = _HEIF_BRANDS - {b"mif1", b"msf1"}  # mif1/msf1 only say "HEIF container": AVIF uses them too
_VIDEO_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash",
                 b"3gp4", b"3gp5", b"3g2a", b"qt  "}
_NOT_VIDEO = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B ", b"avif", b"avis", b"crx ", b"jp2 ", b"jpx "}

# Markup a browser would run if it ever sniffed the file as HTML/SVG; only looked for when the text starts with "<".
_MARKUP = re.compile(r"<(?:html|!doctype|svg|script|\?xml|body|iframe|head|meta|object|embed|frame|style|link|img)")
_BLANK = " \t\r\n\f\v\ufeff\u3000\xa0"
# PDF names that mean code, launching programs or files inside the file; a delimiter must follow the name.
_PDF_NAMES = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?)(?=[\s()<>\[\]{}/%])")
_PDF_NAME_FLAGS = {b"JavaScript": "pdf_javascript", b"JS": "pdf_javascript", b"Launch": "pdf_launch",
                   b"EmbeddedFile": "pdf_embedded_file", b"EmbeddedFiles": "pdf_embedded_file"}


@dataclass(frozen=True)
class Inspection:
    media_type: str  # a key of MEDIA_TYPES
    extension: str  # MEDIA_TYPES[media_type]
    width: int | None = None  # images only
    height: int | None = None
    taken_at: str | None = None  # EXIF DateTimeOriginal (else DateTime), "YYYY-MM-DDTHH:MM:SS", camera local time
    gps: tuple[float, float] | None = None  # (latitude, longitude), south/west negative, 6 places
    flags: tuple[str, ...] = ()  # warnings kept with the file: pdf_javascript, pdf_launch, pdf_embedded_file, ...


class Refused(Exception):
    """The file is not accepted; `code` is stable (the UI maps it to Chinese), `detail` is for people/logs."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code, self.detail = code, detail


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
        return _bmff(path, head, size, max_pixels)
    if kind in _PIL_FORMATS:
        return _image(path, kind, max_pixels)
    if kind == "pdf":
        return _pdf(path)
    if kind == "zip":
        return _xlsx(path, size)
    return _text(path, head, size, name_hint)


def thumbnail(path: Path, out: BinaryIO, *, box: int = 320) -> bool:
    """For an inspected image (jpeg/png/webp/heic): write a JPEG thumbnail no larger than box×box, orientation
    applied, with no EXIF, GPS or XMP (RELIABILITY F12). Return False, writing nothing, for anything else."""
    with path.open("rb") as f:
        head = f.read(HEAD)
    kind = _sniff(head)
    if kind == "bmff":
        kind = "heic" if _bmff_kind(head) == "heic" else "video"
    if kind not in _PIL_FORMATS:
        return False
    buf = BytesIO()
    try:
        with Image.open(path, formats=[_PIL_FORMATS[kind]]) as img:
            if kind == "jpeg":
                img.draft("RGB", (box, box))  # libjpeg decodes at 1/2, 1/4 or 1/8 scale: a 48 MP photo stays cheap
            icc = img.info.get("icc_profile")
            small = _rgb(ImageOps.exif_transpose(img))
            small.thumbnail((box, box))
            small.info = {}  # Pillow's JPEG writer copies a comment from info; metadata must not follow
            small.save(buf, "JPEG", quality=82, icc_profile=icc if isinstance(icc, bytes) else None)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    out.write(buf.getvalue())
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


# Images


_DECODING = threading.Lock()


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Pillow fails on a truncated image only while ImageFile.LOAD_TRUNCATED_IMAGES is false, and WeasyPrint
    sets it true for the whole process when it is imported (weasyprint/images.py): after the first PDF,
    a truncated photo would pass. Hold it false for this decode, and give it back."""
    with _DECODING:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def _image(path: Path, kind: str, max_pixels: int) -> Inspection:
    media_type = f"image/{kind}"
    try:
        with Image.open(path, formats=[_PIL_FORMATS[kind]]) as img:
            width, height = img.size  # from the header: nothing is decoded yet
            if width * height > max_pixels:
                raise Refused("too_many_pixels", f"{width}×{height}")
            if kind == "jpeg":
                # Decoding at 1/8 scale still reads every byte, so truncation is found at a 64th of the memory.
                img.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            with _strict_decoding():
                img.load()
            taken_at, gps = _exif(img)
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own limit (~89 MP warns, twice that refuses) fires in open(), before our size check.
        raise Refused("too_many_pixels", str(exc)) from exc
    except Exception as exc:  # Pillow's plugins raise many kinds of error on a damaged file
        raise Refused("truncated", f"{kind}: {exc}") from exc
    return Inspection(media_type, MEDIA_TYPES[media_type], width, height, taken_at, gps)


def _exif(img: Image.Image) -> tuple[str | None, tuple[float, float] | None]:
    # Bad EXIF is common (phone apps, editors) and never a reason to refuse evidence: it just yields no metadata.
    try:
        exif = img.getexif()
    except Exception:
        return None, None
    try:
        taken_at = _taken_at(exif)
    except Exception:
        taken_at = None
    try:
        gps = _gps(exif)
    except Exception:
        gps = None
    return taken_at, gps


def _taken_at(exif: Image.Exif) -> str | None:
    for value in (exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal),
                  exif.get(ExifTags.Base.DateTime)):
        if isinstance(value, bytes):
            value = value.decode("ascii", "replace")
        if not isinstance(value, str):
            continue
        try:
            return datetime.strptime(value.strip("\0 ")[:19], "%Y:%m:%d %H:%M:%S").isoformat()
        except ValueError:
            continue  # "0000:00:00 00:00:00" and friends
    return None


def _gps(exif: Image.Exif) -> tuple[float, float] | None:
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "N", "S", 90)
    lng = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "E", "W", 180)
    if lat is None or lng is None or (lat == 0 and lng == 0):  # 0,0 is what receivers write without a fix
        return None
    return round(lat, 6), round(lng, 6)


def _degrees(value: Any, ref: Any, positive: str, negative: str, limit: float) -> float | None:
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    ref = ref.strip("\0 ").upper() if isinstance(ref, str) else ""
    if ref not in (positive, negative):
        return None  # without its reference the sign is a guess, and a wrong hemisphere is worse than none
    try:
        d, m, s = (float(part) for part in value)  # IFDRational with a zero denominator gives nan
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    if not math.isfinite(degrees) or not 0 <= degrees <= limit:
        return None
    return -degrees if ref == negative else degrees


def _rgb(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return img if img.mode == "RGB" else img.convert("RGB")


# ISO base media files: HEIC photos and MP4 videos


def _bmff_kind(head: bytes) -> str | None:
    size = struct.unpack(">I", head[:4])[0]
    if size < 16 or size > len(head) or size % 4:
        return None
    major = head[8:12]
    brands = {head[i:i + 4] for i in range(16, size, 4)} | {major}
    # AVIF shares the HEIF container brands (mif1, msf1) but is not on the list.
    heif_ok = not brands & {b"avif", b"avis"} or bool(brands & _HEVC_BRANDS)
    if major in _HEIF_BRANDS:
        return "heic" if heif_ok else None
    if major in _VIDEO_BRANDS:
        return "mp4"
    if major in _NOT_VIDEO:
        return None
    # Cameras write their own major brand (XAVC, MSNV, ...) and list a standard one as compatible.
    if brands & _HEIF_BRANDS and heif_ok:
        return "heic"
    if brands & _VIDEO_BRANDS:
        return "mp4"
    return None


def _bmff(path: Path, head: bytes, size: int, max_pixels: int) -> Inspection:
    kind = _bmff_kind(head)
    if kind is None:
        raise Refused("unknown_type", f"ftyp {head[8:12]!r}")
    with path.open("rb") as f:
        top = {box: (start, end) for box, start, end in _boxes(f, 0, size)}
        if kind == "heic":
            return _image(path, "heic", max_pixels)
        if b"moov" not in top or b"mdat" not in top:
            raise Refused("truncated", "an MP4 needs both moov and mdat")
        if b"mvhd" not in {box for box, _, _ in _boxes(f, *top[b"moov"])}:
            raise Refused("truncated", "moov without mvhd")
    return Inspection("video/mp4", MEDIA_TYPES["video/mp4"])


def _boxes(f: BinaryIO, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, box end) for each box from start to end, by seeking: a video is never read whole."""
    pos, count = start, 0
    while pos < end:
        count += 1
        if count > MAX_BOXES:
            raise Refused("truncated", "too many boxes")
        f.seek(pos)
        header = f.read(8)
        if len(header) < 8 or end - pos < 8:
            raise Refused("truncated", f"box header at {pos} runs past the end")
        box_size, box = struct.unpack(">I4s", header)
        header_size = 8
        if box_size == 1:  # 64-bit largesize follows the type
            large = f.read(8)
            if len(large) < 8:
                raise Refused("truncated", f"largesize at {pos} runs past the end")
            box_size, header_size = struct.unpack(">Q", large)[0], 16
        elif box_size == 0:  # the last box, to the end of its container
            box_size = end - pos
        if box_size < header_size or pos + box_size > end:
            raise Refused("truncated", f"{box!r} box at {pos} of {box_size} bytes runs past {end}")
        yield box, pos + header_size, pos + box_size
        pos += box_size


# PDF


def _pdf(path: Path) -> Inspection:
    flags = _pdf_name_flags(path)
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            # Its objects cannot be read without the password; the raw scan above is all there is.
            flags.add("pdf_encrypted")
        else:
            if sum(1 for _ in reader.pages) == 0:
                raise Refused("truncated", "a PDF without pages")
            flags |= _pdf_catalog_flags(reader.root_object)
            flags |= _pdf_object_flags(reader)
    except Refused:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on a damaged file
        raise Refused("truncated", f"pdf: {exc}") from exc
    return Inspection("application/pdf", MEDIA_TYPES["application/pdf"], flags=tuple(sorted(flags)))


def _pdf_name_flags(path: Path) -> set[str]:
    # Conservative: also finds names in objects the xref does not list (hidden revisions, broken tables).
    flags: set[str] = set()
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            window = tail + chunk
            flags.update(_PDF_NAME_FLAGS[m.group(1)] for m in _PDF_NAMES.finditer(window))
            tail = window[-32:]
    return flags


def _pdf_catalog_flags(catalog: DictionaryObject) -> set[str]:
    flags: set[str] = set()
    # An /OpenAction array only says which page to show; a dictionary is an action run on opening.
    if isinstance(_resolved(catalog, "/OpenAction"), DictionaryObject) or "/AA" in catalog:
        flags.add("pdf_open_action")
    names = _resolved(catalog, "/Names")
    if isinstance(names, DictionaryObject):
        if "/JavaScript" in names:
            flags.add("pdf_javascript")
        if "/EmbeddedFiles" in names:
            flags.add("pdf_embedded_file")
    return flags


def _pdf_object_flags(reader: PdfReader) -> set[str]:
    """Every object the xref lists, with the dictionaries nested directly inside it (inline actions)."""
    flags: set[str] = set()
    refs = {(idnum, generation) for generation, table in reader.xref.items() for idnum in table}
    refs |= {(idnum, 0) for idnum in reader.xref_objStm}
    for idnum, generation in sorted(refs):
        try:
            obj = reader.get_object(IndirectObject(idnum, generation, reader))
        except Exception:  # noqa: S112 - one damaged object does not spoil the file; the raw scan still saw it
            continue
        stack: list[Any] = [obj]
        while stack:
            item = stack.pop()
            if isinstance(item, DictionaryObject):  # stream dictionaries included
                flags |= _pdf_action_flags(item)
                stack.extend(v for v in item.values() if not isinstance(v, IndirectObject))
            elif isinstance(item, ArrayObject):
                stack.extend(v for v in item if not isinstance(v, IndirectObject))
    return flags


def _pdf_action_flags(d: DictionaryObject) -> set[str]:
    flags: set[str] = set()
    action = _resolved(d, "/S")
    if "/JS" in d or action == "/JavaScript":
        flags.add("pdf_javascript")
    if action == "/Launch":
        flags.add("pdf_launch")
    if "/EF" in d or _resolved(d, "/Type") == "/EmbeddedFile":
        flags.add("pdf_embedded_file")
    return flags


def _resolved(d: DictionaryObject, key: str) -> Any:
    value = dict.get(d, key)
    return value.get_object() if isinstance(value, IndirectObject) else value


# XLSX


def _xlsx(path: Path, size: int) -> Inspection:
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


# Text


def _text(path: Path, head: bytes, size: int, name_hint: str) -> Inspection:
    whole = size <= len(head)
    if b"\0" in head or not any(_decodes(head, enc, final=whole) for enc in ("utf-8-sig", "gb18030")):
        if _textual(head):
            raise Refused("not_text", "text, but not in UTF-8 or GB18030")
        raise Refused("unknown_type", repr(head[:8]))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            _read_text(path, encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise Refused("not_text", "neither UTF-8 nor GB18030 throughout")
    media_type = "text/csv" if name_hint.lower().endswith(".csv") else "text/plain"
    return Inspection(media_type, MEDIA_TYPES[media_type])


def _decodes(data: bytes, encoding: str, *, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)("strict").decode(data, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _textual(head: bytes) -> bool:
    """Text in some other encoding (UTF-16, a stray NUL), rather than binary data of an unknown type."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = head.replace(b"\0", b"")
    if not sample:
        return False
    text = sample.decode("utf-8", "replace")
    bad = sum(1 for c in text if c == "\ufffd" or (c < " " and c not in "\t\n\r\f"))
    return bad <= len(text) * 0.1  # random bytes are about half bad


def _read_text(path: Path, encoding: str) -> None:
    """Decodes the whole file strictly, in chunks; raises UnicodeDecodeError, or Refused for NUL or markup."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    starts_with_markup: bool | None = None
    tail = ""
    with path.open("rb") as f:
        while True:
            chunk = f.read(CHUNK)
            if b"\0" in chunk:  # in UTF-8 and GB18030 a 0 byte is only ever NUL
                raise Refused("not_text", "NUL bytes")
            text = decoder.decode(chunk, final=not chunk)
            if starts_with_markup is None and (lead := text.lstrip(_BLANK)):
                starts_with_markup = lead.startswith("<")
            if starts_with_markup:
                window = tail + text.lower()
                if _MARKUP.search(window):
                    raise Refused("active_content", "HTML, SVG or XML")
                tail = window[-16:]
            if not chunk:
                return
