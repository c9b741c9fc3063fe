"""Evidence inspection: the content decides the type, hostile files are refused with their code, metadata is read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational

from casework.evidence import inspect as inspection
from casework.evidence.inspect import MEDIA_TYPES, Inspection, Refused, inspect, thumbnail
from casework.evidence.inspect import xlsx as xlsx_inspection
from tests import samples

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(tmp_path: Path, data: bytes, name: str = "upload.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _inspect(tmp_path: Path, data: bytes, name_hint: str = "", **kwargs: int) -> Inspection:
    # Stored under a meaningless name: only the content (and name_hint, for text) may matter.
    return inspect(_file(tmp_path, data), name_hint=name_hint, **kwargs)


def _refusal(tmp_path: Path, data: bytes, name_hint: str = "") -> str:
    with pytest.raises(Refused) as caught:
        _inspect(tmp_path, data, name_hint)
    return caught.value.code


@pytest.mark.parametrize(("make", "media_type"), [
    (lambda: samples.jpeg(), "image/jpeg"),
    (lambda: samples.png(), "image/png"),
    (lambda: samples.png(mode="RGBA"), "image/png"),
    (lambda: samples.webp(), "image/webp"),
    (lambda: samples.heic(), "image/heic"),
    (lambda: samples.pdf(), "application/pdf"),
    (lambda: samples.xlsx(), XLSX),
    (lambda: samples.gb18030_text(), "text/plain"),
    (lambda: samples.mp4(), "video/mp4"),
    (lambda: samples.mp4(brand=b"mp42"), "video/mp4"),
    (lambda: samples.mp4(brand=b"qt  "), "video/mp4"),
    (lambda: samples.mp4(largesize=True), "video/mp4"),
    (lambda: samples.mp4(mdat_to_end=True), "video/mp4"),
])
def test_accepted_types(tmp_path: Path, make: Callable[[], bytes], media_type: str) -> None:
    result = _inspect(tmp_path, make())
    assert result.media_type == media_type
    assert result.extension == MEDIA_TYPES[media_type]
    assert result.flags == ()


def test_allowlist_extensions() -> None:
    assert MEDIA_TYPES["image/jpeg"] == ".jpg"
    assert MEDIA_TYPES["image/heic"] == ".heic"
    assert MEDIA_TYPES[XLSX] == ".xlsx"
    assert MEDIA_TYPES["video/mp4"] == ".mp4"
    assert len(MEDIA_TYPES) == 9


def test_jpeg_size_time_and_gps(tmp_path: Path) -> None:
    data = samples.jpeg(640, 480, taken_at=datetime(2024, 5, 1, 10, 20, 30), gps=(31.230416, 121.473701))
    result = _inspect(tmp_path, data)
    assert (result.media_type, result.extension) == ("image/jpeg", ".jpg")
    assert (result.width, result.height) == (640, 480)
    assert result.taken_at == "2024-05-01T10:20:30"
    assert result.gps == pytest.approx((31.230416, 121.473701), abs=1e-6)


def test_south_and_west_are_negative(tmp_path: Path) -> None:
    result = _inspect(tmp_path, samples.jpeg(64, 48, gps=(-33.8675, -70.648333)))
    assert result.gps == pytest.approx((-33.8675, -70.648333), abs=1e-6)


def test_datetime_is_the_fallback_for_datetime_original(tmp_path: Path) -> None:
    assert _inspect(tmp_path, samples.jpeg(64, 48, modified_at="2023:12:31 23:59:58")).taken_at == "2023-12-31T23:59:58"
    both = samples.jpeg(64, 48, taken_at="2023:01:02 03:04:05", modified_at="2024:01:01 00:00:00")
    assert _inspect(tmp_path, both).taken_at == "2023-01-02T03:04:05"


def test_no_exif_means_no_metadata(tmp_path: Path) -> None:
    result = _inspect(tmp_path, samples.jpeg(64, 48))
    assert (result.taken_at, result.gps) == (None, None)


def test_bad_exif_never_refuses(tmp_path: Path) -> None:
    bad = Image.Exif()
    bad.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "0000:00:00 00:00:00"
    gps = bad.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (IFDRational(31, 1), IFDRational(1, 0), IFDRational(0, 1))
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (IFDRational(121, 1), IFDRational(0, 1), IFDRational(0, 1))
    result = _inspect(tmp_path, samples.jpeg(64, 48, raw_exif=bad))
    assert result.media_type == "image/jpeg"
    assert (result.taken_at, result.gps) == (None, None)


def test_gps_without_its_references_is_dropped(tmp_path: Path) -> None:
    bad = Image.Exif()
    gps = bad.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitude] = (IFDRational(31, 1), IFDRational(0, 1), IFDRational(0, 1))
    gps[ExifTags.GPS.GPSLongitude] = (IFDRational(121, 1), IFDRational(0, 1), IFDRational(0, 1))
    assert _inspect(tmp_path, samples.jpeg(64, 48, raw_exif=bad)).gps is None


def test_heic_with_metadata(tmp_path: Path) -> None:
    data = samples.heic(96, 64, taken_at="2024:06:30 08:00:00", gps=(22.543096, 114.057865))
    result = _inspect(tmp_path, data)
    assert (result.media_type, result.extension) == ("image/heic", ".heic")
    assert (result.width, result.height) == (96, 64)
    assert result.taken_at == "2024-06-30T08:00:00"
    assert result.gps == pytest.approx((22.543096, 114.057865), abs=1e-6)


def test_png_exif(tmp_path: Path) -> None:
    result = _inspect(tmp_path, samples.png(taken_at="2024:02:03 04:05:06", gps=(39.9042, 116.4074)))
    assert result.taken_at == "2024-02-03T04:05:06"
    assert result.gps == pytest.approx((39.9042, 116.4074), abs=1e-6)


@pytest.mark.parametrize(("make", "flag"), [
    (samples.pdf_with_javascript, "pdf_javascript"),
    (lambda: samples.pdf_with_javascript(escaped=True), "pdf_javascript"),
    (samples.pdf_with_launch, "pdf_launch"),
    (samples.pdf_with_embedded_file, "pdf_embedded_file"),
])
def test_pdf_with_active_parts_is_kept_but_flagged(tmp_path: Path, make: Callable[[], bytes], flag: str) -> None:
    result = _inspect(tmp_path, make())
    assert (result.media_type, result.extension) == ("application/pdf", ".pdf")
    assert flag in result.flags


def test_pdf_open_actions_are_flagged(tmp_path: Path) -> None:
    assert set(_inspect(tmp_path, samples.pdf_with_javascript()).flags) == {"pdf_javascript", "pdf_open_action"}
    assert set(_inspect(tmp_path, samples.pdf_with_launch()).flags) == {"pdf_launch", "pdf_open_action"}


def test_encrypted_pdf_is_kept_and_flagged(tmp_path: Path) -> None:
    result = _inspect(tmp_path, samples.pdf_encrypted())
    assert result.media_type == "application/pdf"
    assert "pdf_encrypted" in result.flags


def test_csv_only_by_name_and_only_for_text(tmp_path: Path) -> None:
    assert _inspect(tmp_path, samples.csv_text(), "赔偿明细.CSV").media_type == "text/csv"
    assert _inspect(tmp_path, samples.csv_text(), "赔偿明细.CSV").extension == ".csv"
    assert _inspect(tmp_path, samples.csv_text(), "赔偿明细.txt").media_type == "text/plain"
    assert _inspect(tmp_path, samples.csv_text()).extension == ".txt"
    assert _inspect(tmp_path, samples.gb18030_text(), "a.csv").media_type == "text/csv"


def test_utf8_bom_and_long_text(tmp_path: Path) -> None:
    assert _inspect(tmp_path, b"\xef\xbb\xbf" + samples.csv_text()).media_type == "text/plain"
    # Past the first chunk, with a character split across the chunk boundary.
    long = ("a" * (inspection.CHUNK - 1) + "电" * 10).encode()
    assert _inspect(tmp_path, long).media_type == "text/plain"


@pytest.mark.parametrize(("data", "name_hint", "media_type"), [
    (samples.png(), "x.pdf", "image/png"),
    (samples.jpeg(64, 48), "report.csv", "image/jpeg"),
    (samples.pdf(), "photo.jpg", "application/pdf"),
    (samples.mp4(), "notes.txt", "video/mp4"),
])
def test_name_hint_never_changes_binary_verdict(tmp_path: Path, data: bytes, name_hint: str, media_type: str) -> None:
    assert _inspect(tmp_path, data, name_hint).media_type == media_type


@pytest.mark.parametrize(("make", "name_hint", "code"), [
    (lambda: b"", "a.jpg", "empty"),
    (samples.elf_executable, "photo.jpg", "executable"),
    (samples.pe_executable, "scan.pdf", "executable"),
    (samples.shebang_script, "notes.txt", "executable"),
    (samples.html_as_jpg, "photo.jpg", "active_content"),
    (samples.html_as_jpg, "a.csv", "active_content"),
    (samples.svg_with_script, "drawing.svg", "active_content"),
    (lambda: b'<?xml version="1.0"?><a/>', "a.txt", "active_content"),
    (samples.xlsm_with_macro, "book.xlsx", "active_content"),
    (samples.random_bytes, "photo.jpg", "unknown_type"),
    (samples.gif, "photo.gif", "unknown_type"),
    (samples.avif, "photo.heic", "unknown_type"),
    (samples.other_zip, "book.xlsx", "unknown_type"),
    (lambda: samples.mp4(brand=b"M4A "), "a.mp4", "unknown_type"),
    (samples.truncated_jpeg, "photo.jpg", "truncated"),
    (samples.truncated_png, "photo.png", "truncated"),
    (samples.broken_pdf, "a.pdf", "truncated"),
    (lambda: samples.mp4(truncated=True), "a.mp4", "truncated"),
    (lambda: samples.mp4(with_moov=False), "a.mp4", "truncated"),
    (lambda: samples.xlsx()[:-30], "a.xlsx", "truncated"),
    (samples.zip_bomb_xlsx, "a.xlsx", "archive_unsafe"),
    (samples.zip_slip_xlsx, "a.xlsx", "archive_unsafe"),
    (lambda: samples.zip_slip_xlsx("/etc/cron.d/x"), "a.xlsx", "archive_unsafe"),
    (lambda: samples.zip_slip_xlsx("xl\\..\\..\\x"), "a.xlsx", "archive_unsafe"),
    (samples.symlink_xlsx, "a.xlsx", "archive_unsafe"),
    (samples.utf16_text, "a.txt", "not_text"),
    (samples.text_with_nul, "a.txt", "not_text"),
    (lambda: samples.csv_text() + b"\xff\xfe\xfd", "a.csv", "not_text"),
])
def test_refused(tmp_path: Path, make: Callable[[], bytes], name_hint: str, code: str) -> None:
    assert _refusal(tmp_path, make(), name_hint) == code


def test_huge_png_refused_from_its_header(tmp_path: Path) -> None:
    data = samples.huge_png(30000, 30000)
    assert len(data) < 1024 * 1024
    assert _refusal(tmp_path, data) == "too_many_pixels"


def test_max_pixels_is_the_callers(tmp_path: Path) -> None:
    path = _file(tmp_path, samples.jpeg(100, 100))
    with pytest.raises(Refused) as caught:
        inspect(path, max_pixels=9_999)
    assert caught.value.code == "too_many_pixels"
    assert inspect(path, max_pixels=10_000).width == 100


def test_too_many_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_inspection, "MAX_MEMBERS", 3)
    assert _refusal(tmp_path, samples.xlsx()) == "archive_unsafe"


def test_markup_later_in_a_long_text(tmp_path: Path) -> None:
    data = b"<p>\n" + b"x" * (inspection.CHUNK + 10) + b"<script>alert(1)</script>"
    assert _refusal(tmp_path, data) == "active_content"
    # Text that does not start with "<" may quote markup: it is served as text, never rendered.
    assert _inspect(tmp_path, "证人说：<script> 是代码\n".encode()).media_type == "text/plain"


def test_thumbnail_is_small_clean_jpeg(tmp_path: Path) -> None:
    path = _file(tmp_path, samples.jpeg(4000, 3000, taken_at="2024:05:01 10:20:30", gps=(31.230416, 121.473701)))
    assert inspect(path).gps is not None
    out = BytesIO()
    assert thumbnail(path, out) is True
    with Image.open(BytesIO(out.getvalue())) as thumb:
        assert thumb.format == "JPEG"
        assert max(thumb.size) <= 320
        assert thumb.size == (320, 240)
        assert len(thumb.getexif()) == 0
        assert "exif" not in thumb.info
    assert b"Exif" not in out.getvalue()


def test_thumbnail_applies_orientation(tmp_path: Path) -> None:
    path = _file(tmp_path, samples.jpeg(400, 200, orientation=6))  # stored landscape, shown portrait
    out = BytesIO()
    assert thumbnail(path, out, box=100)
    with Image.open(BytesIO(out.getvalue())) as thumb:
        assert thumb.size == (50, 100)


@pytest.mark.parametrize("make", [samples.png, lambda: samples.png(mode="RGBA"), samples.webp, samples.heic])
def test_thumbnail_of_other_images(tmp_path: Path, make: Callable[[], bytes]) -> None:
    out = BytesIO()
    assert thumbnail(_file(tmp_path, make()), out, box=32)
    with Image.open(BytesIO(out.getvalue())) as thumb:
        assert thumb.format == "JPEG"
        assert max(thumb.size) == 32


@pytest.mark.parametrize("make", [samples.pdf, samples.mp4, samples.csv_text, samples.xlsx])
def test_no_thumbnail_for_non_images(tmp_path: Path, make: Callable[[], bytes]) -> None:
    out = BytesIO()
    assert thumbnail(_file(tmp_path, make()), out) is False
    assert out.getvalue() == b""


def test_a_truncated_photo_is_refused_after_a_pdf_was_rendered(tmp_path: Path) -> None:
    """WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process when imported."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True
    path = tmp_path / "cut.jpg"
    path.write_bytes(samples.truncated_jpeg())
    with pytest.raises(Refused) as refused:
        inspect(path)
    assert refused.value.code == "truncated" and ImageFile.LOAD_TRUNCATED_IMAGES  # given back as it was
