"""Claimant identifiers encrypted at rest (Fernet) and looked up by keyed digest, never in clear text."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from flask import Flask, current_app
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

_EXT = "casework.infra.pii"


class PiiCipher:
    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode("ascii"))
        self._digest_key = hashlib.sha256(b"casework-digest:" + key.encode("ascii")).digest()

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:  # a wrong PII_KEY must never show ciphertext as data
            raise RuntimeError("claimant data cannot be decrypted: PII_KEY does not match") from exc

    def digest(self, value: str) -> str:
        """A keyed hash for equality search (same claimant) without storing the value in clear."""
        return hmac.new(self._digest_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def init_pii(app: Flask) -> None:
    key = app.config.get("PII_KEY") or ""
    if not key and (app.debug or app.testing):
        key = new_key()  # throwaway key: data written now is unreadable after a restart, by design
        app.config["PII_KEY"] = key
    if key:
        app.extensions[_EXT] = PiiCipher(key)


def cipher() -> PiiCipher:
    return current_app.extensions[_EXT]  # type: ignore[no-any-return]


class EncryptedText(TypeDecorator[str]):
    """A text column whose stored form is Fernet ciphertext."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else cipher().encrypt(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else cipher().decrypt(value)
