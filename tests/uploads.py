"""Uploading evidence in tests the way a browser does: a multipart body built by hand, so a test controls
every byte (hostile file names included), with the CSRF token first as the page's form sends it."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from casework.infra.s3_store import S3Store
from casework.infra.storage import store_of
from tests import s3server
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


@dataclass(frozen=True, order=True)
class BucketObject:
    """An object in the test bucket, handled as the tests handle a stored file on disk (read, change, delete
    behind the store's back)."""

    key: str

    @property
    def name(self) -> str:
        return self.key.rsplit("/", 1)[-1]

    @property
    def parent(self) -> BucketObject:
        return self  # mkdir() on it does nothing: a bucket has no folders

    def mkdir(self, **_: Any) -> None:
        pass

    def exists(self) -> bool:
        return bool(s3server.client().list_objects_v2(Bucket=s3server.BUCKET, Prefix=self.key).get("Contents"))

    def read_bytes(self) -> bytes:
        body = s3server.client().get_object(Bucket=s3server.BUCKET, Key=self.key)["Body"]
        with body:
            return bytes(body.read())

    def write_bytes(self, data: bytes) -> None:
        s3server.client().put_object(Bucket=s3server.BUCKET, Key=self.key, Body=data)

    def unlink(self) -> None:
        s3server.client().delete_object(Bucket=s3server.BUCKET, Key=self.key)


def _bucket(app: Flask) -> S3Store | None:
    store = store_of(app)
    return store if isinstance(store, S3Store) else None


def object_at(app: Flask, sha256: str) -> Any:
    """Where the object `sha256` is kept: its path on disk, or its place in the bucket."""
    bucket = _bucket(app)
    if bucket is not None:
        return BucketObject(f"{bucket.prefix}objects/{sha256}")
    return store_root(app) / "objects" / sha256[:2] / sha256[2:4] / sha256


def quarantined(app: Flask, sha256: str) -> Any:
    bucket = _bucket(app)
    if bucket is not None:
        return BucketObject(f"{bucket.prefix}quarantine/{sha256}")
    return store_root(app) / "quarantine" / sha256


def stored(app: Flask) -> list[Any]:
    """Every object under its final, content-addressed name (paths, or objects in the bucket)."""
    bucket = _bucket(app)
    if bucket is not None:
        return sorted(BucketObject(f"{bucket.prefix}objects/{sha}") for sha in bucket.objects())
    return sorted(p for p in (store_root(app) / "objects").rglob("*") if p.is_file())


def make_writable(path: Any) -> None:
    """Stored files are read-only on disk; a test about to damage one makes it writable first."""
    if isinstance(path, Path):
        os.chmod(path, 0o640)


def staging(app: Flask) -> list[Path]:
    folder = store_of(app).staging_root
    return sorted(folder.iterdir()) if folder.exists() else []
