"""What inspecting a file comes to (an Inspection, or Refused with a stable code) and the read sizes all formats share."""

from __future__ import annotations

from dataclasses import dataclass

HEAD = 16 * 1024  # enough for every magic number and an ftyp box
CHUNK = 1024 * 1024


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
