"""Photos (JPEG, PNG, WebP, HEIC): size, a strict full decode, EXIF time and GPS, and clean thumbnails."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pillow_heif
from PIL import ExifTags, Image, ImageFile, ImageOps

from casework.domain.evidence import MEDIA_TYPES
from casework.evidence.inspect.base import Inspection, Refused

pillow_heif.register_heif_opener()

#: The sniffed kinds Pillow decodes, with the one plugin each may be opened with.
PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heic": "HEIF"}

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


def inspect_image(path: Path, kind: str, max_pixels: int) -> Inspection:
    """Raises Refused unless the whole image decodes and has at most `max_pixels`."""
    media_type = f"image/{kind}"
    try:
        with Image.open(path, formats=[PIL_FORMATS[kind]]) as img:
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


def image_thumbnail(path: Path, kind: str, box: int) -> bytes | None:
    """A JPEG no larger than box×box, orientation applied, with no EXIF, GPS or XMP; None if it cannot be made."""
    buf = BytesIO()
    try:
        with Image.open(path, formats=[PIL_FORMATS[kind]]) as img:
            if kind == "jpeg":
                img.draft("RGB", (box, box))  # libjpeg decodes at 1/2, 1/4 or 1/8 scale: a 48 MP photo stays cheap
            icc = img.info.get("icc_profile")
            small = _rgb(ImageOps.exif_transpose(img))
            small.thumbnail((box, box))
            small.info = {}  # Pillow's JPEG writer copies a comment from info; metadata must not follow
            small.save(buf, "JPEG", quality=82, icc_profile=icc if isinstance(icc, bytes) else None)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return buf.getvalue()


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
