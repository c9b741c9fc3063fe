"""Claimant identifiers encrypted at rest (Fernet) under a rotating key set, and looked up by keyed digest, never in
clear text.

The key set is PII_KEYS, newest first (PII_KEY alone is a set of one, and is always accepted for reading): the
newest key encrypts, every key decrypts. Each stored value names the key that made it — `<key id>:<Fernet token>`,
the id being the first 8 hex digits of a hash of the key — so `casework pii rotate` finds in SQL what is not yet
under the newest key, and a value under a key that was removed says which key it needs. Values written before
key ids (a bare Fernet token) are read by trying each key.

The search digests (same phone, same ID number) use a key of their own, SEARCH_KEY, so rotating the PII key never
changes a digest: look-ups keep working while, and after, the data is re-encrypted. Without SEARCH_KEY the
digest key is derived from the oldest PII key, as every instance did before SEARCH_KEY existed; `casework init`
writes that derived key into instance/config.py, after which the PII keys can all be replaced.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from flask import Flask, current_app
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

_EXT = "casework.infra.pii"
SEP = ":"  # never in a Fernet token (URL-safe base64)
_HEX64 = re.compile(r"[0-9a-f]{64}")


def key_id(key: str) -> str:
    """A short public name of a key: which key made a value, without revealing the key."""
    return hashlib.sha256(b"casework-pii-key-id:" + key.encode("ascii")).hexdigest()[:8]


def legacy_search_key(pii_key: str) -> str:
    """The digest key every instance used before SEARCH_KEY: derived from its PII key (hex)."""
    return hashlib.sha256(b"casework-digest:" + pii_key.encode("ascii")).hexdigest()


def configured_keys(config: Mapping[str, Any]) -> list[str]:
    """The key set, newest first: PII_KEYS (a list, or a comma-separated string from the environment), then
    PII_KEY if it is not in it already (a key that is still configured keeps decrypting)."""
    raw = config.get("PII_KEYS") or []
    listed: Iterable[str] = raw.replace(",", " ").split() if isinstance(raw, str) else raw
    keys = [str(k).strip() for k in listed if str(k).strip()]
    single = str(config.get("PII_KEY") or "").strip()
    if single and single not in keys:
        keys.append(single)
    return keys


def configured_search_key(config: Mapping[str, Any], keys: Sequence[str]) -> str:
    """SEARCH_KEY (64 hex digits) if set; else derived from the oldest PII key (see the module docstring)."""
    value = str(config.get("SEARCH_KEY") or "").strip().lower()
    if value:
        if not _HEX64.fullmatch(value):
            raise RuntimeError("SEARCH_KEY must be 64 hexadecimal digits (run `casework init` to write one)")
        return value
    return legacy_search_key(keys[-1])


class PiiCipher:
    def __init__(self, keys: Sequence[str], search_key: str) -> None:
        if not keys:
            raise RuntimeError("no PII key configured")
        self._fernets = [(key_id(k), Fernet(k.encode("ascii"))) for k in keys]
        self._by_id = dict(self._fernets)
        if len(self._by_id) != len(self._fernets):
            raise RuntimeError("PII_KEYS lists the same key twice")
        self.current_id = self._fernets[0][0]
        self._digest_key = bytes.fromhex(search_key)

    @property
    def key_ids(self) -> list[str]:
        """Every key's id, newest first."""
        return [kid for kid, _ in self._fernets]

    def encrypt(self, value: str) -> str:
        token = self._fernets[0][1].encrypt(value.encode("utf-8")).decode("ascii")
        return f"{self.current_id}{SEP}{token}"

    def decrypt(self, stored: str) -> str:
        kid, sep, token = stored.partition(SEP)
        if not sep:  # written before key ids: try each key (Fernet authenticates, so a wrong key never "works")
            candidates = [f for _, f in self._fernets]
            token = stored
        elif kid in self._by_id:
            candidates = [self._by_id[kid]]
        else:
            raise RuntimeError(f"claimant data was encrypted with PII key {kid}, which is not in PII_KEYS")
        for fernet in candidates:
            try:
                return fernet.decrypt(token.encode("ascii")).decode("utf-8")
            except InvalidToken:
                continue
        # A wrong key must never show ciphertext as data.
        raise RuntimeError("claimant data cannot be decrypted: PII_KEY does not match")

    def is_current(self, stored: str) -> bool:
        """Made with the newest key (nothing for `casework pii rotate` to do)."""
        return stored.startswith(self.current_id + SEP)

    def digest_key_bytes(self) -> bytes:
        """The search key (for its public id in infra.key_guard; never shown)."""
        return self._digest_key

    def digest(self, value: str) -> str:
        """A keyed hash for equality search (same claimant) without storing the value in clear."""
        return hmac.new(self._digest_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def init_pii(app: Flask) -> None:
    keys = configured_keys(app.config)
    if not keys and (app.debug or app.testing):
        keys = [new_key()]  # throwaway key: data written now is unreadable after a restart, by design
        app.config["PII_KEY"] = keys[0]
    if keys:
        app.extensions[_EXT] = PiiCipher(keys, configured_search_key(app.config, keys))


def cipher() -> PiiCipher:
    return current_app.extensions[_EXT]  # type: ignore[no-any-return]


class EncryptedText(TypeDecorator[str]):
    """A text column whose stored form is `<key id>:<Fernet ciphertext>` (see the module docstring)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else cipher().encrypt(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else cipher().decrypt(value)
