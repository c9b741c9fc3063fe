"""The store contract, run against both stores: the local disk and an S3 bucket on a real S3 API server
(moto's server mode, over HTTP): content-addressed, write-once, checked on the way in, readable as a stream."""

from __future__ import annotations

import hashlib
import os
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from casework.infra.s3_store import S3Store, StoreError
from casework.infra.storage import LocalStore, Store
from casework.ui.files import disposition
from tests import s3server

PART = 5 * 1024 * 1024  # S3's smallest part: a file above it goes in several


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "local":
        yield LocalStore(tmp_path / "evidence")
        return
    request.getfixturevalue("s3")
    yield S3Store(s3server.BUCKET, f"contract-{uuid.uuid4().hex}", staging_root=tmp_path / "staging",
                  part_bytes=PART, threads=2)


def _staged(store: Store, data: bytes) -> tuple[object, str]:
    staging = store.stage()
    for start in range(0, len(data), 1 << 20):
        staging.write(data[start:start + (1 << 20)])
    return staging, staging.finish()


def _read(store: Store, sha256: str) -> bytes:
    with store.open(sha256) as fh:
        return fh.read()


def test_a_promoted_file_is_kept_under_its_sha256_and_leaves_staging(store: Store) -> None:
    data = b"site photo " * 1000
    staging, sha256 = _staged(store, data)
    store.promote(staging, sha256)  # type: ignore[arg-type]
    assert sha256 == hashlib.sha256(data).hexdigest()
    assert store.exists(sha256) and store.size(sha256) == len(data) and _read(store, sha256) == data
    assert list(store.objects()) == [sha256] and list(store.staging_root.iterdir()) == []
    assert 0 <= store.object_age(sha256) < 3600


def test_a_file_larger_than_a_part_is_sent_in_parts_and_reads_back_whole(store: Store) -> None:
    data = os.urandom(2 * PART + 12345)
    staging, sha256 = _staged(store, data)
    store.promote(staging, sha256)  # type: ignore[arg-type]
    assert _read(store, sha256) == data and store.size(sha256) == len(data)
    if isinstance(store, S3Store):  # the server's own ETag of a three-part upload: what the store compared
        etag = s3server.client().head_object(Bucket=store.bucket, Key=store._key(sha256))["ETag"]
        assert etag.strip('"').endswith("-3")


def test_an_object_already_there_is_never_written_again(store: Store) -> None:
    data = b"the letter as first stored"
    sha256 = hashlib.sha256(data).hexdigest()
    squatter = b"other bytes that somehow sit under that key"
    _plant(store, sha256, squatter)
    assert store.put(data) == sha256
    staging, same = _staged(store, data)
    store.promote(staging, same)  # type: ignore[arg-type]
    assert _read(store, sha256) == squatter  # kept as found (fixity reports it); never replaced


def test_staged_bytes_that_do_not_hash_to_the_key_are_refused(store: Store, tmp_path: Path) -> None:
    if not isinstance(store, S3Store):
        pytest.skip("the local store renames the staged file; its hash was taken as it was written")
    for size in (1000, 2 * PART + 1):
        staging, sha256 = _staged(store, os.urandom(size))
        with open(staging.path, "r+b") as fh:  # type: ignore[attr-defined]
            fh.write(b"X")  # changed after it was hashed
        with pytest.raises(StoreError):
            store.promote(staging, sha256)  # type: ignore[arg-type]
        assert not store.exists(sha256) and list(store.staging_root.iterdir()) == []
    uploads = s3server.client().list_multipart_uploads(Bucket=store.bucket, Prefix=store.prefix)
    assert not uploads.get("Uploads")  # the refused multipart upload was aborted, no parts left behind


def test_the_conditional_write_refuses_an_existing_key(store: Store) -> None:
    if not isinstance(store, S3Store):
        pytest.skip("S3 only: the local store's rename is atomic on one filesystem")
    data = b"stored first"
    sha256 = store.put(data)
    other = b"a racing writer's bytes"
    store._put_once(store._key(sha256), other, sha256=hashlib.sha256(other).digest())  # past the existence check
    assert _read(store, sha256) == data and store.conditional


def test_a_missing_object_says_so(store: Store) -> None:
    absent = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(absent) and store.size(absent) is None
    with pytest.raises(FileNotFoundError):
        store.open(absent)
    with pytest.raises(ValueError):
        store.exists("../../etc/passwd")


def test_thumbnails_quarantine_and_retention_removal(store: Store) -> None:
    kept, orphan = store.put(b"evidence"), store.put(b"an orphan")
    store.put_derived(f"{kept}.jpg", b"\xff\xd8\xff thumbnail")
    found = store.open_derived(f"{kept}.jpg")
    assert found is not None
    with found:
        assert found.read() == b"\xff\xd8\xff thumbnail"
    assert store.open_derived(f"{orphan}.jpg") is None
    where = store.quarantine(orphan)
    assert orphan in where and sorted(store.objects()) == [kept]
    assert store.remove(kept) == 1 and store.remove(kept) == 0 and not store.exists(kept)
    store.remove_derived(f"{kept}.jpg")
    assert store.open_derived(f"{kept}.jpg") is None


def test_a_presigned_url_names_the_file_in_chinese(store: Store) -> None:
    sha256 = store.put(b"%PDF-1.7 a letter")
    named = disposition("赔偿协议书（王芳）.pdf", "application/pdf")
    url = store.presigned_url(sha256, media_type="application/pdf", disposition=named, seconds=60)
    if isinstance(store, LocalStore):
        assert url is None  # the app sends local files itself
        return
    assert url is not None
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the test server on loopback
        assert response.read() == b"%PDF-1.7 a letter"
        assert response.headers["Content-Disposition"] == named
        assert response.headers["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''%E8%B5%94%E5%81%BF" in named


def test_an_export_result_is_kept_for_every_instance(store: Store, tmp_path: Path) -> None:
    result = tmp_path / "casework-export-20250801-1200-abcdefgh.zip"
    result.write_bytes(b"PK zip of bundles" * 1000)
    store.keep_result(result)
    found = store.open_result(result.name)
    if isinstance(store, LocalStore):
        assert found is None and result.exists()  # stays in the instance's exports folder
        return
    assert found is not None and not result.exists()
    with found:
        assert found.read() == b"PK zip of bundles" * 1000


def test_abandoned_staging_is_cleared_but_a_live_upload_is_not(store: Store) -> None:
    live = store.stage()
    live.write(b"still arriving")
    dead = store.staging_root / "killed-upload"
    dead.write_bytes(b"half")
    old = os.path.getmtime(dead) - 3600
    os.utime(dead, (old, old))
    os.utime(live.path, (old, old))
    assert store.clear_abandoned_staging() == [("killed-upload", 4)]
    assert live.path.exists()
    live.discard()


def _plant(store: Store, sha256: str, data: bytes) -> None:
    """Bytes put under a key behind the store's back (as a damaged disk or a careless operator would)."""
    if isinstance(store, LocalStore):
        path = store.local_path(sha256)
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    else:
        assert isinstance(store, S3Store)
        s3server.client().put_object(Bucket=store.bucket, Key=store._key(sha256), Body=data)
