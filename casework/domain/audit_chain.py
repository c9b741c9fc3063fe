"""The audit trail's hash chain: each entry's hash covers the previous hash and its own canonical content."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """Sorted keys, fixed separators, UTF-8 text: the same content always gives the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    payload = prev_hash + "\n" + canonical_json(dict(content))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainEntry:
    seq: int
    prev_hash: str
    hash: str
    content: Mapping[str, Any]


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    head: str
    bad_seq: int | None = None
    problem: str | None = None


def verify_chain(entries: Iterable[ChainEntry]) -> ChainReport:
    """Walk the entries in seq order; report the first one whose link or hash does not hold.

    A deleted entry shows as a gap in seq or a broken link, a reordered one as a broken link,
    an edited one as a hash that no longer matches its content.
    """
    prev = GENESIS
    expected_seq = 1
    count = 0
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainReport(False, count, prev, entry.seq, f"expected seq {expected_seq}")
        if entry.prev_hash != prev:
            return ChainReport(False, count, prev, entry.seq, "previous-hash link broken")
        if entry_hash(entry.prev_hash, entry.content) != entry.hash:
            return ChainReport(False, count, prev, entry.seq, "content does not match its hash")
        prev = entry.hash
        expected_seq += 1
        count += 1
    return ChainReport(True, count, prev)
