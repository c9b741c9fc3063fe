"""ISO base media files ("BMFF"): HEIC photos and MP4 videos, told apart by their ftyp brands, walked box by box."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from casework.domain.evidence import MEDIA_TYPES
from casework.evidence.inspect.base import Inspection, Refused
from casework.evidence.inspect.image import inspect_image

MAX_BOXES = 100_000  # a fragmented hour of video is ~15,000 top-level boxes; a million 8-byte boxes is an attack

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"}
_HEVC_BRANDS = _HEIF_BRANDS - {b"mif1", b"msf1"}  # mif1/msf1 only say "HEIF container": AVIF uses them too
_VIDEO_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash",
                 b"3gp4", b"3gp5", b"3g2a", b"qt  "}
_NOT_VIDEO = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B ", b"avif", b"avis", b"crx ", b"jp2 ", b"jpx "}


def bmff_kind(head: bytes) -> str | None:
    """"heic", "mp4", or None for a container type not on the list, judged by the ftyp box in `head`."""
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


def inspect_bmff(path: Path, head: bytes, size: int, max_pixels: int) -> Inspection:
    """Raises Refused unless the boxes tile the file and a video has its movie header and media data."""
    kind = bmff_kind(head)
    if kind is None:
        raise Refused("unknown_type", f"ftyp {head[8:12]!r}")
    with path.open("rb") as f:
        top = {box: (start, end) for box, start, end in _boxes(f, 0, size)}
        if kind == "heic":
            return inspect_image(path, "heic", max_pixels)
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
