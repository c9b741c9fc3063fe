"""Uploading evidence in tests the way a browser does: a multipart body built by hand, so a test controls
every byte (hostile file names included), with the CSRF token first as the page's form sends it."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_from


def quote_name(name: str) -> bytes:
    """A file name as browsers put it in a multipart header (WHATWG): UTF-8, with `"` CR LF percent-encoded."""
    return name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A").encode("utf-8")


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = bytearray()
    for name, value in fields:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").encode()
        out += value.encode("utf-8") + b"\r\n"
    for filename, data in files:
        out += f"--{boundary}\r\n".encode()
        out += b'Content-Disposition: form-data; name="files"; filename="' + quote_name(filename) + b'"\r\n'
        out += b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def upload(client: FlaskClient, number: str, files: list[tuple[str, bytes]], kind: str, note: str = "",
           token: str | None = None) -> Any:
    if token is None:
        token = csrf_from(client.get(f"/cases/{number}/evidence").text)
    body, content_type = multipart([("csrf_token", token), ("kind", kind), ("note", note)], files)
    return client.post(f"/cases/{number}/evidence", data=body, content_type=content_type)


def store_root(app: Flask) -> Path:
    return Path(app.instance_path) / "evidence"


def stored(app: Flask) -> list[Path]:
    """Every object under its final, content-addressed name."""
    return sorted(p for p in (store_root(app) / "objects").rglob("*") if p.is_file())


def staging(app: Flask) -> list[Path]:
    folder = store_root(app) / "staging"
    return sorted(folder.iterdir()) if folder.exists() else []
