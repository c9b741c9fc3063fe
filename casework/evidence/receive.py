"""Reading an upload straight off the request body: each file is written once, to staging, hashed as it arrives.

Werkzeug's `request.files` spools every file over 500 KiB to a temporary file that the app would then copy
again (half the throughput, twice the disk writes), so the multipart body is parsed here, in chunks, with
python-multipart. The CSRF token must come before the first file (it does: browsers send fields in page
order and the token is the form's first field), so not one byte is stored for a forged request.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from casework.infra.storage import Staging

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_files: int
    max_parts: int = 1000
    max_field_bytes: int = 64 * 1024


class UploadError(Exception):
    """The upload as a whole is refused; nothing it sent is kept. `code` names the reason for the page."""

    def __init__(self, code: str, status: int = 400) -> None:
        super().__init__(code)
        self.code, self.status = code, status


@dataclass
class Part:
    name: str  # the file name as the client sent it, exactly
    staging: Staging
    sha256: str = ""


@dataclass
class Received:
    fields: dict[str, str] = field(default_factory=dict)
    files: list[Part] = field(default_factory=list)

    def discard(self) -> None:
        for part in self.files:
            part.staging.discard()


def receive(stream: IO[bytes], content_type: str, *, stage: Callable[[], Staging], limits: Limits,
            check_csrf: Callable[[str], bool], file_field: str = "files") -> Received:
    """Parse the whole body; on any failure every staged file is removed before the error propagates."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadError("not_multipart")
    received = Received()
    try:
        _parse(stream, boundary, received, stage, limits, check_csrf, file_field)
    except OSError as exc:
        received.discard()
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise UploadError("no_space", 507) from exc
        raise
    except MultipartParseError as exc:
        received.discard()
        raise UploadError("malformed") from exc
    except BaseException:
        received.discard()
        raise
    return received


def _parse(stream: IO[bytes], boundary: bytes, received: Received, stage: Callable[[], Staging], limits: Limits,
           check_csrf: Callable[[str], bool], file_field: str) -> None:
    header_name, header_value = bytearray(), bytearray()
    headers: dict[bytes, bytes] = {}
    current: dict[str, object] = {}  # the part being read: its field name, file Part or text buffer
    state = {"parts": 0, "ended": False, "csrf": False}

    def on_part_begin() -> None:
        headers.clear()
        current.clear()
        state["parts"] += 1
        if state["parts"] > limits.max_parts:
            raise UploadError("too_many_parts", 413)

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_name.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        headers[bytes(header_name).lower()] = bytes(header_value)
        header_name.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        _, disposition = parse_options_header(headers.get(b"content-disposition", b""))
        name = disposition.get(b"name", b"").decode("utf-8", "replace")
        current["field"] = name
        if b"filename" not in disposition:
            current["text"] = bytearray()
            return
        if name != file_field:
            raise UploadError("unexpected_file")
        if not state["csrf"]:  # checked once, before the first byte of the first file is kept
            if not check_csrf(received.fields.get("csrf_token", "")):
                raise UploadError("csrf")
            state["csrf"] = True
        if len(received.files) >= limits.max_files:
            raise UploadError("too_many_files", 413)
        part = Part(disposition[b"filename"].decode("utf-8", "replace"), stage())
        received.files.append(part)
        current["file"] = part

    def on_part_data(data: bytes, start: int, end: int) -> None:
        part = current.get("file")
        if isinstance(part, Part):
            if part.staging.size + (end - start) > limits.max_file_bytes:
                raise UploadError("file_too_large", 413)
            part.staging.write(memoryview(data)[start:end])
            return
        text = current.get("text")
        if isinstance(text, bytearray):
            if len(text) + (end - start) > limits.max_field_bytes:
                raise UploadError("field_too_large", 413)
            text.extend(data[start:end])

    def on_part_end() -> None:
        part = current.get("file")
        if isinstance(part, Part):
            if not part.name and part.staging.size == 0:  # a file input left empty
                part.staging.discard()
                received.files.remove(part)
            else:
                part.sha256 = part.staging.finish()
        text = current.get("text")
        if isinstance(text, bytearray):
            received.fields[str(current["field"])] = text.decode("utf-8", "replace")

    def on_end() -> None:
        state["ended"] = True

    parser = MultipartParser(boundary, {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
        "on_part_end": on_part_end, "on_end": on_end,
    })
    while chunk := stream.read(CHUNK):
        parser.write(chunk)
    parser.finalize()
    if not state["ended"]:  # the body stopped before its closing boundary: the client went away
        raise UploadError("incomplete")
    if not received.files and not check_csrf(received.fields.get("csrf_token", "")):
        raise UploadError("csrf")
