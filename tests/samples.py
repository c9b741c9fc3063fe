"""Sample evidence files as bytes, good and hostile, for the inspection and upload tests: small and fast to make."""

from __future__ import annotations

import random
import stat
import struct
import zipfile
import zlib
from datetime import datetime
from functools import lru_cache
from io import BytesIO

import pillow_heif
from openpyxl import Workbook
from PIL import ExifTags, Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational
from pypdf import PdfReader, PdfWriter

pillow_heif.register_heif_opener()

Taken = datetime | str  # a datetime, or a raw EXIF string such as "2024:05:01 10:20:30" (or a bad one)


# Images


def exif(*, taken_at: Taken | None = None, modified_at: Taken | None = None,
         gps: tuple[float, float] | None = None, orientation: int | None = None) -> Image.Exif:
    """DateTimeOriginal in the Exif IFD, DateTime in IFD0, the GPS IFD as a camera writes it (refs + D/M/S)."""
    data = Image.Exif()
    if taken_at is not None:
        data.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = _exif_time(taken_at)
    if modified_at is not None:
        data[ExifTags.Base.DateTime] = _exif_time(modified_at)
    if orientation is not None:
        data[ExifTags.Base.Orientation] = orientation
    if gps is not None:
        lat, lng = gps
        info = data.get_ifd(ExifTags.IFD.GPSInfo)
        info[ExifTags.GPS.GPSVersionID] = b"\x02\x03\x00\x00"
        info[ExifTags.GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
        info[ExifTags.GPS.GPSLatitude] = _dms(abs(lat))
        info[ExifTags.GPS.GPSLongitudeRef] = "E" if lng >= 0 else "W"
        info[ExifTags.GPS.GPSLongitude] = _dms(abs(lng))
    return data


def _exif_time(value: Taken) -> str:
    return value.strftime("%Y:%m:%d %H:%M:%S") if isinstance(value, datetime) else value


def _dms(degrees: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    d = int(degrees)
    m = int((degrees - d) * 60)
    s = (degrees - d - m / 60) * 3600
    return IFDRational(d, 1), IFDRational(m, 1), IFDRational(round(s * 10_000), 10_000)


def picture(width: int, height: int) -> Image.Image:
    """Gradients and a few shapes: detailed enough that a JPEG of it has data all the way through."""
    gradient = Image.linear_gradient("L")
    red = gradient.resize((width, height))
    green = gradient.rotate(90).resize((width, height))
    img = Image.merge("RGB", (red, green, Image.new("L", (width, height), 90)))
    draw = ImageDraw.Draw(img)
    for i in range(8):
        x, y = width * i // 8, height * (7 - i) // 8
        draw.rectangle((x, y, x + width // 10, y + height // 10), fill=(255, 40 * i % 255, 0))
        draw.line((0, height * i // 8, width, height * (8 - i) // 8), fill=(0, 0, 0), width=3)
    return img


def jpeg(width: int = 800, height: int = 600, *, taken_at: Taken | None = None, modified_at: Taken | None = None,
         gps: tuple[float, float] | None = None, orientation: int | None = None,
         raw_exif: Image.Exif | None = None) -> bytes:
    data = raw_exif if raw_exif is not None else exif(
        taken_at=taken_at, modified_at=modified_at, gps=gps, orientation=orientation)
    buf = BytesIO()
    picture(width, height).save(buf, "JPEG", quality=85, exif=data)
    return buf.getvalue()


def png(width: int = 64, height: int = 48, *, mode: str = "RGB", taken_at: Taken | None = None,
        gps: tuple[float, float] | None = None) -> bytes:
    buf = BytesIO()
    picture(width, height).convert(mode).save(buf, "PNG", exif=exif(taken_at=taken_at, gps=gps).tobytes())
    return buf.getvalue()


def webp(width: int = 64, height: int = 48) -> bytes:
    buf = BytesIO()
    picture(width, height).save(buf, "WEBP", quality=80)
    return buf.getvalue()


def heic(width: int = 64, height: int = 48, *, taken_at: Taken | None = None,
         gps: tuple[float, float] | None = None) -> bytes:
    buf = BytesIO()
    picture(width, height).save(buf, "HEIF", quality=50, exif=exif(taken_at=taken_at, gps=gps).tobytes())
    return buf.getvalue()


def avif() -> bytes:
    """The HEIF container (brand mif1 among its compatible brands) around AV1: not on the list."""
    buf = BytesIO()
    picture(32, 32).save(buf, "AVIF", quality=50)
    return buf.getvalue()


def gif() -> bytes:
    buf = BytesIO()
    picture(32, 32).save(buf, "GIF")
    return buf.getvalue()


def truncated_jpeg() -> bytes:
    data = jpeg(400, 300)
    return data[: len(data) // 2]


def truncated_png() -> bytes:
    data = png(300, 300)
    return data[: len(data) // 2]


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@lru_cache(maxsize=4)
def huge_png(width: int = 30000, height: int = 30000) -> bytes:
    """A valid 1-bit PNG whose header says width×height, in ~100 KB: its pixel data is zero rows, deflated.

    Each block of rows is deflated on its own (a full flush ends it byte-aligned, referring to nothing before),
    so one compressed block is repeated rather than 112 MB of zeros compressed or ever held in memory.
    """
    row = b"\0" * (1 + (width + 7) // 8)  # filter byte + packed bits
    full, rest = divmod(height, 256)

    def deflate(data: bytes, mode: int) -> bytes:
        z = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: the zlib header and checksum are added below
        return z.compress(data) + z.flush(mode)

    body = deflate(row * 256, zlib.Z_FULL_FLUSH) * full + deflate(row * rest, zlib.Z_FINISH)
    adler = ((len(row) * height) % 65521) << 16 | 1  # Adler-32 of n zero bytes: a stays 1, b = n
    idat = b"\x78\xda" + body + struct.pack(">I", adler)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # bit depth 1, greyscale
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat)
            + _png_chunk(b"IEND", b""))


# PDF


def _pdf(objects: list[bytes], *, catalog: bytes = b"") -> bytes:
    """A PDF with a correct xref: object 1 is the catalog (plus `catalog` entries), 2 the page tree."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>", *objects]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data)


def _page_objects(text: str) -> list[bytes]:
    """Objects 2-5: the page tree, one A4 page, its content stream and its font."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")
    return [
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(b"BT /F1 18 Tf 72 770 Td (%s) Tj ET" % escaped),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def pdf(text: str = "Site inspection record") -> bytes:
    """One page with `text` (Latin-1 only: the standard Helvetica font)."""
    return _pdf(_page_objects(text))


def pdf_with_javascript(*, escaped: bool = False) -> bytes:
    """`escaped` spells the names with #xx escapes (/J#53 is /JS), which a scan of the raw bytes cannot see."""
    names = b"/S /Java#53cript /J#53" if escaped else b"/S /JavaScript /JS"
    action = b"<< %s (app.alert\\('hello'\\);) >>" % names
    return _pdf([*_page_objects("Open me"), action], catalog=b"/OpenAction 6 0 R")


def pdf_with_launch() -> bytes:
    # The action is inline in the catalog, not an object of its own.
    return _pdf(_page_objects("Open me"), catalog=b"/OpenAction << /S /Launch /F (calc.exe) >>")


def pdf_with_embedded_file() -> bytes:
    return _pdf([*_page_objects("Attachment inside"),
                 b"<< /Type /Filespec /F (a.txt) /EF << /F 7 0 R >> >>",
                 _stream(b"hello", b"/Type /EmbeddedFile")],
                catalog=b"/Names << /EmbeddedFiles << /Names [(a.txt) 6 0 R] >> >>")


def pdf_encrypted(password: str = "secret") -> bytes:
    writer = PdfWriter()
    writer.append(PdfReader(BytesIO(pdf("Bank statement"))))
    writer.encrypt(user_password=password, owner_password="owner-" + password, algorithm="AES-256")
    buf = BytesIO()
    writer.write(buf)
    return buf.getvalue()


def broken_pdf() -> bytes:
    return b"%PDF-1.7\n" + b"this is not a PDF body\n" * 40


# Spreadsheets and zips


def xlsx(rows: list[list[object]] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows or [["事故编号", "赔偿金额"], ["SG-2024-001", 12800], ["SG-2024-002", 3500]]:
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rezip(data: bytes, *, replace: dict[str, bytes] | None = None,
           extra: list[tuple[zipfile.ZipInfo | str, bytes]] | None = None) -> bytes:
    """A copy of zip `data`, with some members' content replaced and others added."""
    buf = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info)))
        for name, content in extra or []:
            dst.writestr(name, content)
    return buf.getvalue()


def zip_bomb_xlsx(megabytes: int = 8) -> bytes:
    """A real workbook plus a member of zeros: a ratio near 1000:1, written in blocks (never whole in memory)."""
    buf = BytesIO(xlsx())
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf, \
            zf.open("xl/media/image1.bin", "w") as member:
        block = bytes(1024 * 1024)
        for _ in range(megabytes):
            member.write(block)
    return buf.getvalue()


def zip_slip_xlsx(name: str = "../../x") -> bytes:
    return _rezip(xlsx(), extra=[(name, b"owned")])


def symlink_xlsx() -> bytes:
    link = zipfile.ZipInfo("xl/media/link")
    link.create_system = 3  # Unix, so external_attr holds st_mode
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    return _rezip(xlsx(), extra=[(link, b"/etc/passwd")])


def xlsm_with_macro() -> bytes:
    """What Excel writes for a macro-enabled workbook: the VBA project and its content types."""
    data = xlsx()
    with zipfile.ZipFile(BytesIO(data)) as zf:
        types = zf.read("[Content_Types].xml")
    types = types.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                          b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    types = types.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                                       b"</Types>")
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # a compound-file header, as vbaProject.bin is
    return _rezip(data, replace={"[Content_Types].xml": types}, extra=[("xl/vbaProject.bin", vba)])


def other_zip() -> bytes:
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("readme.txt", "not a workbook")
    return buf.getvalue()


# Text


def csv_text() -> bytes:
    return "事故编号,受损设备,赔偿金额\nSG-2024-001,变压器,12800\nSG-2024-002,电表箱,3500\n".encode()


def gb18030_text() -> bytes:
    data = "现场勘查记录：10千伏线路因施工挖断，停电四小时。\n".encode("gb18030")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    raise AssertionError("the sample must not also be valid UTF-8")


def utf16_text() -> bytes:
    return "现场勘查记录\n".encode("utf-16")


def text_with_nul() -> bytes:
    return b"line one\nline\0two\n"


def html_as_jpg() -> bytes:
    return b"\n  <!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def svg_with_script() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>\n'


# Video


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4(*, brand: bytes = b"isom", with_moov: bool = True, largesize: bool = False, mdat_to_end: bool = False,
        truncated: bool = False) -> bytes:
    """ftyp + moov(mvhd) + mdat, hand-built. `truncated` cuts the file inside mdat, whose size then overruns it."""
    ftyp = _box(b"ftyp", brand + struct.pack(">I", 0x200) + b"isomiso2avc1mp41")
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = _box(b"mvhd", bytes(4) + struct.pack(">IIII", 0, 0, 1000, 2000) + struct.pack(">IH", 0x10000, 0x100)
                + bytes(10) + matrix + bytes(24) + struct.pack(">I", 2))  # version 0: 100 bytes of payload
    media = bytes(range(256)) * 4
    if largesize:
        mdat = struct.pack(">I4sQ", 1, b"mdat", 16 + len(media)) + media
    elif mdat_to_end:
        mdat = struct.pack(">I4s", 0, b"mdat") + media
    else:
        mdat = _box(b"mdat", media)
    data = ftyp + (_box(b"moov", mvhd) if with_moov else b"") + mdat
    return data[:-100] if truncated else data


# Executables and noise


def elf_executable() -> bytes:
    header = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + struct.pack("<HHI", 2, 0x3E, 1)  # ET_EXEC, x86-64
    return header + bytes(64 - len(header)) + bytes(range(256))


def pe_executable() -> bytes:
    dos = b"MZ" + bytes(0x3A) + struct.pack("<I", 0x40)  # e_lfanew -> the PE header right after
    return dos + b"PE\0\0" + struct.pack("<HH", 0x8664, 1) + bytes(200)


def shebang_script() -> bytes:
    return b"#!/bin/sh\necho evidence\n"


def random_bytes(size: int = 4096, seed: int = 7) -> bytes:
    data = random.Random(seed).randbytes(size)
    return b"\x00\x01" + data[2:]  # never by chance a magic number or a shebang
