"""The evidence store in an S3-compatible bucket: content-addressed, write-once, checked on the way in.

Keys under the configured prefix: objects/<sha256> (evidence, letters, dossiers), derived/<name>
(thumbnails), quarantine/<sha256> (orphans moved aside), exports/<name> (finished batch exports).

- Uploads are received into a local staging file (hashed as they arrive, as for the local store);
  `promote` sends it in parts of `part_bytes`, a few at a time, so memory stays bounded whatever the size.
  Each part carries its Content-MD5 and SHA-256, which the server checks (AWS, MinIO and Ceph refuse a
  part whose bytes do not match); the store re-hashes what it sends and refuses to complete an upload
  whose SHA-256 is not its key, and compares the ETag the server computed with the MD5s it sent (a server
  that checks nothing, like moto, is still caught by that).
- Never overwrite: an object that exists is never written again (same key, same bytes); the write itself
  is conditional (`If-None-Match: *`), so two instances racing for one key cannot replace each other's
  object. A server that does not implement conditional writes falls back to the existence check alone.
- botocore computes and demands CRC checksums by default since 1.36, in a way several S3-compatible
  servers reject: the client is configured to send only the checksums given here
  (`request_checksum_calculation` / `response_checksum_validation` = "when_required").
- Endpoint, region and credentials come from the usual AWS variables (AWS_ENDPOINT_URL,
  AWS_ACCESS_KEY_ID…); path-style addressing, which S3-compatible servers expect.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO, cast
from urllib.parse import urlsplit

from casework.infra.storage import Staging, StagingFolder, _is_digest

log = logging.getLogger("casework")
MIN_PART = 5 * 1024 * 1024  # S3's smallest part (all but the last)


class StoreError(RuntimeError):
    """The object store refused or garbled a write; nothing was stored under the key."""


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


_clients: dict[tuple[int, int], Any] = {}
_clients_lock = threading.Lock()


def _client(connections: int) -> Any:
    """A boto3 client (thread-safe, slow to build: shared by every store of the process), one per process: a
    forked export worker must not use its parent's connections. Endpoint and credentials are read when it is
    built, from the AWS variables."""
    key = (os.getpid(), connections)
    with _clients_lock:
        if key not in _clients:
            import boto3
            from botocore.config import Config

            config = Config(request_checksum_calculation="when_required",
                            response_checksum_validation="when_required", signature_version="s3v4",
                            s3={"addressing_style": "path"}, max_pool_connections=connections,
                            retries={"max_attempts": 5, "mode": "standard"})
            fresh = {k: v for k, v in _clients.items() if k[0] == key[0]}  # a fork's inherited ones go
            _clients.clear()
            _clients.update(fresh)
            _clients[key] = boto3.session.Session().client("s3", config=config)
        return _clients[key]


class S3Store(StagingFolder):
    def __init__(self, bucket: str, prefix: str, *, staging_root: Path, part_bytes: int = 8 * 1024 * 1024,
                 threads: int = 4) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.location = f"s3://{bucket}/{self.prefix}"
        self.staging_root = staging_root
        self.part_bytes = max(part_bytes, MIN_PART)
        self.threads = max(1, threads)
        self.conditional = True  # cleared if the server answers NotImplemented to If-None-Match
        staging_root.mkdir(mode=0o750, parents=True, exist_ok=True)
        import boto3  # noqa: F401 - loaded with the app (before gunicorn forks), not by the first upload

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> S3Store:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise RuntimeError(f"STORAGE_URL must look like s3://bucket/prefix, not {url!r}")
        return cls(parts.netloc, parts.path, **kwargs)

    @property
    def client(self) -> Any:
        return _client(self.threads + 4)

    # keys
    def _key(self, sha256: str) -> str:
        if not _is_digest(sha256):  # keys come from our own hashing; anything else is a bug or an attack
            raise ValueError("not a SHA-256 key")
        return f"{self.prefix}objects/{sha256}"

    def _derived(self, name: str) -> str:
        if not name.replace(".", "").isalnum() or name.startswith("."):
            raise ValueError("bad derived name")
        return f"{self.prefix}derived/{name}"

    def _result(self, name: str) -> str:
        if "/" in name or name.startswith(".") or not name:
            raise ValueError("bad export name")
        return f"{self.prefix}exports/{name}"

    def reachable(self) -> bool:
        """The bucket answers (for /readyz): a HEAD of the bucket, which needs no object and lists nothing."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError):
            return False
        return True

    # reading
    def _head(self, key: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError

        try:
            return cast(dict[str, Any], self.client.head_object(Bucket=self.bucket, Key=key))
        except ClientError as err:
            if err.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                return None
            raise

    def _get(self, key: str) -> BinaryIO | None:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        return cast(BinaryIO, body)  # botocore's StreamingBody: read(n), close, a context manager

    def open(self, sha256: str) -> BinaryIO:
        body = self._get(self._key(sha256))
        if body is None:
            raise FileNotFoundError(f"{self.location}objects/{sha256}")
        return body

    def exists(self, sha256: str) -> bool:
        return self._head(self._key(sha256)) is not None

    def size(self, sha256: str) -> int | None:
        head = self._head(self._key(sha256))
        return None if head is None else int(head["ContentLength"])

    def local_path(self, sha256: str) -> Path | None:
        return None

    def presigned_url(self, sha256: str, *, media_type: str, disposition: str, seconds: int) -> str | None:
        params = {"Bucket": self.bucket, "Key": self._key(sha256), "ResponseContentType": media_type,
                  "ResponseContentDisposition": disposition, "ResponseCacheControl": "private, no-store"}
        return cast(str, self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=seconds))

    def objects(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                      Prefix=f"{self.prefix}objects/")
        for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"].rsplit("/", 1)[-1]
                if _is_digest(name):
                    yield name

    def object_age(self, sha256: str) -> float:
        head = self._head(self._key(sha256))
        if head is None:
            raise FileNotFoundError(sha256)
        return time.time() - head["LastModified"].timestamp()

    def open_derived(self, name: str) -> BinaryIO | None:
        body = self._get(self._derived(name))
        if body is None:
            return None
        with body:  # a thumbnail: small, and the caller may need to seek
            return io.BytesIO(body.read())

    def open_result(self, name: str) -> BinaryIO | None:
        return self._get(self._result(name))

    # writing
    def promote(self, staging: Staging, sha256: str) -> None:
        """Upload the staged file as object `sha256`, unless it is there already; the staging file goes."""
        try:
            self._upload(staging.path, self._key(sha256), expect_sha256=sha256)
        finally:
            staging.discard()

    def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        key = self._key(sha256)
        if self._head(key) is None:
            self._put_once(key, data, sha256=hashlib.sha256(data).digest())
        return sha256

    def put_derived(self, name: str, data: bytes) -> None:
        # Rebuildable from the evidence, so a plain write; still checked by the server.
        self.client.put_object(Bucket=self.bucket, Key=self._derived(name), Body=data,
                               ContentMD5=_b64(hashlib.md5(data).digest()),  # noqa: S324 - integrity, not security
                               ChecksumSHA256=_b64(hashlib.sha256(data).digest()))

    def keep_result(self, path: Path) -> None:
        """Upload a finished export under its file name, then remove the local copy."""
        self._upload(path, self._result(path.name), expect_sha256=None)
        path.unlink(missing_ok=True)

    def quarantine(self, sha256: str) -> str:
        target = f"{self.prefix}quarantine/{sha256}"
        self.client.copy_object(Bucket=self.bucket, Key=target,
                                CopySource={"Bucket": self.bucket, "Key": self._key(sha256)})
        self.client.delete_object(Bucket=self.bucket, Key=self._key(sha256))
        return f"s3://{self.bucket}/{target}"

    def remove(self, sha256: str) -> int:
        """Delete an object for good: only for bytes the retention schedule retired."""
        key = self._key(sha256)
        if self._head(key) is None:
            return 0
        self.client.delete_object(Bucket=self.bucket, Key=key)
        return 1

    def remove_derived(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._derived(name))

    # the write path
    def _upload(self, path: Path, key: str, *, expect_sha256: str | None) -> None:
        if self._head(key) is not None:  # same key, same bytes: keep what is there, never write it again
            return
        size = path.stat().st_size
        if size <= self.part_bytes:
            data = path.read_bytes()
            digest = hashlib.sha256(data).digest()
            if expect_sha256 is not None and digest.hex() != expect_sha256:
                raise StoreError(f"staged bytes hash to {digest.hex()}, not their key {expect_sha256}")
            self._put_once(key, data, sha256=digest)
        else:
            self._multipart(path, key, expect_sha256=expect_sha256)

    def _put_once(self, key: str, data: bytes, *, sha256: bytes) -> None:
        md5 = hashlib.md5(data).hexdigest()  # noqa: S324 - the server's ETag is compared with it
        args = {"Bucket": self.bucket, "Key": key, "Body": data, "ContentMD5": _b64(bytes.fromhex(md5)),
                "ChecksumSHA256": _b64(sha256)}
        answer = self._conditionally(self.client.put_object, args)
        if answer is not None:
            self._check_etag(key, answer.get("ETag", ""), md5)

    def _conditionally(self, call: Any, args: dict[str, Any]) -> dict[str, Any] | None:
        """`call(**args)` with If-None-Match: * where the server supports it. None when the key was written by
        someone else meanwhile (by content addressing, the same bytes)."""
        from botocore.exceptions import ClientError

        try:
            return cast(dict[str, Any], call(**args, **({"IfNoneMatch": "*"} if self.conditional else {})))
        except ClientError as err:
            code = err.response.get("Error", {}).get("Code")
            if code in ("PreconditionFailed", "ConditionalRequestConflict"):
                return None
            if code == "NotImplemented" and self.conditional:
                log.warning("%s does not support conditional writes: relying on the existence check", self.location)
                self.conditional = False
                return self._conditionally(call, args)
            raise

    def _multipart(self, path: Path, key: str, *, expect_sha256: str | None) -> None:
        client = self.client
        upload_id = client.create_multipart_upload(Bucket=self.bucket, Key=key, ChecksumAlgorithm="SHA256")["UploadId"]
        whole = hashlib.sha256()
        md5s: list[bytes] = []
        slots = threading.Semaphore(self.threads)  # parts in memory at once: bounded

        def send(number: int, data: bytes, md5: bytes) -> dict[str, Any]:
            try:
                answer = client.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number,
                                            Body=data, ContentMD5=_b64(md5),
                                            ChecksumSHA256=_b64(hashlib.sha256(data).digest()))
                part = {"PartNumber": number, "ETag": answer["ETag"]}
                if "ChecksumSHA256" in answer:
                    part["ChecksumSHA256"] = answer["ChecksumSHA256"]
                else:  # a server that does not echo it: the completion still names what was sent
                    part["ChecksumSHA256"] = _b64(hashlib.sha256(data).digest())
                return part
            finally:
                slots.release()

        futures: list[Future[dict[str, Any]]] = []
        try:
            with path.open("rb") as fh, ThreadPoolExecutor(self.threads) as pool:
                number = 0
                while True:
                    slots.acquire()
                    data = fh.read(self.part_bytes)
                    if not data:
                        slots.release()
                        break
                    number += 1
                    whole.update(data)
                    md5 = hashlib.md5(data).digest()  # noqa: S324 - compared with the server's ETag
                    md5s.append(md5)
                    futures.append(pool.submit(send, number, data, md5))
                    del data
                    if any(f.done() and f.exception() for f in futures):
                        break
                parts = [f.result() for f in futures]
            if expect_sha256 is not None and whole.hexdigest() != expect_sha256:
                raise StoreError(f"staged bytes hash to {whole.hexdigest()}, not their key {expect_sha256}")
            answer = self._conditionally(client.complete_multipart_upload,
                                         {"Bucket": self.bucket, "Key": key, "UploadId": upload_id,
                                          "MultipartUpload": {"Parts": parts}})
        except BaseException:
            try:
                client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            except Exception:  # noqa: BLE001 - the first error is the one to report
                log.warning("could not abort multipart upload %s of %s", upload_id, key)
            raise
        if answer is None:  # someone completed the same key first; our parts go
            client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            return
        expected = hashlib.md5(b"".join(md5s)).hexdigest() + f"-{len(md5s)}"  # noqa: S324 - S3's multipart ETag
        self._check_etag(key, answer.get("ETag", ""), expected)

    def _check_etag(self, key: str, etag: str, expected: str) -> None:
        """The ETag is the server's own MD5 of what it stored (for unencrypted objects): a mismatch means the
        bytes were garbled on the way, so the object is removed again (it was written by this call alone)."""
        etag = etag.strip('"')
        if not etag or etag == expected:
            return
        if len(etag.split("-")[0]) != 32:  # not an MD5 (SSE-KMS and some servers): nothing to compare
            return
        self.client.delete_object(Bucket=self.bucket, Key=key)
        raise StoreError(f"the server stored other bytes under {key} (ETag {etag}, expected {expected})")
