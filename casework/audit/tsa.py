"""RFC 3161 time-stamps over the audit chain's head: ask a time-stamping authority (TSA) over HTTP, and check
its reply (`rfc3161-client`: builds and verifies; the HTTP exchange is ours, with a timeout).

What is stamped is a digest of a short text naming the anchored entry and its hash, never any case content.
"""

from __future__ import annotations

import hashlib
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

MAX_REPLY_BYTES = 64 * 1024  # a token with its certificate chain is a few kB


class TsaError(Exception):
    """The TSA could not be reached, refused, or answered something that is not a valid stamp for our head."""


def message(seq: int, head: str) -> bytes:
    """The bytes whose SHA-256 the TSA signs for an anchor of entry `seq` with hash `head`."""
    return f"casework audit chain head\nseq={seq}\nhash={head}\n".encode("ascii")


def _gen_time(reply: TimeStampResponse) -> datetime:
    when = reply.tst_info.gen_time
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _check_imprint(reply: TimeStampResponse, data: bytes) -> None:
    if PKIStatus(reply.status) not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        raise TsaError(f"TSA refused: status {reply.status} {' '.join(reply.status_string)}".strip())
    if reply.tst_info.message_imprint.message != hashlib.sha256(data).digest():
        raise TsaError("the token stamps another head than this anchor's")


def request_stamp(url: str, data: bytes, *, timeout: float) -> tuple[bytes, datetime]:
    """Ask the TSA at `url` to stamp SHA-256(data): the DER reply as received and the TSA's time in it."""
    if not url.startswith(("http://", "https://")):
        raise TsaError("TSA_URL must be an http:// or https:// address")
    query = TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256).build()
    post = urllib.request.Request(url, data=query.as_bytes(), method="POST",  # noqa: S310 - scheme checked above
                                  headers={"Content-Type": "application/timestamp-query",
                                           "Accept": "application/timestamp-reply"})
    try:
        with urllib.request.urlopen(post, timeout=timeout) as answer:  # noqa: S310
            body = answer.read(MAX_REPLY_BYTES + 1)
    except (OSError, ValueError) as err:  # URLError, HTTPError, timeouts are all OSError
        raise TsaError(f"TSA not reachable: {err}") from err
    if len(body) > MAX_REPLY_BYTES:
        raise TsaError("TSA reply too large")
    try:
        reply = decode_timestamp_response(body)
    except ValueError as err:
        raise TsaError(f"TSA reply is not an RFC 3161 response: {err}") from err
    _check_imprint(reply, data)
    if query.nonce is not None and reply.tst_info.nonce != query.nonce:
        raise TsaError("TSA reply answers another request (nonce)")
    return body, _gen_time(reply)


@dataclass(frozen=True)
class TokenCheck:
    ok: bool
    signed: bool  # the signature was checked against TSA_CA_FILE
    tsa_time: datetime | None
    problem: str | None = None


def check_stamp(token: bytes, data: bytes, ca_file: str = "") -> TokenCheck:
    """Does `token` stamp SHA-256(data)? With `ca_file` (PEM roots), is it signed by a TSA those roots certify?"""
    try:
        reply = decode_timestamp_response(token)
        _check_imprint(reply, data)
    except (ValueError, TsaError) as err:
        return TokenCheck(False, False, None, str(err))
    when = _gen_time(reply)
    if not ca_file:
        return TokenCheck(True, False, when)
    try:
        roots = x509.load_pem_x509_certificates(Path(ca_file).read_bytes())
        builder = VerifierBuilder()
        for root in roots:
            builder = builder.add_root_certificate(root)
        builder.build().verify_message(reply, data)
    except (OSError, ValueError, VerificationError) as err:
        return TokenCheck(False, True, when, f"signature does not verify: {err}")
    return TokenCheck(True, True, when)
