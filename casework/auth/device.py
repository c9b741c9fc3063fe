"""The device cookie: proof that this browser logged in to an account before (OWASP "slow down online guessing").

Signed with the app's secret key, so it cannot be forged; it holds, per account, a random nonce
that is replaced at every complete login. It grants nothing by itself: it only lets the right
password (and second factor) through while the account or the address is slowed down for others.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from casework.infra.settings import setting

_SALT = "casework.device"
_MAX_ACCOUNTS = 5  # a shared office computer remembers a few people


def cookie_name() -> str:
    return "__Host-casework-device" if setting("COOKIE_SECURE") else "casework-device"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(setting("SECRET_KEY"), salt=_SALT)


def _entries(request: Request) -> list[list[str]]:
    raw = request.cookies.get(cookie_name())
    if not raw or len(raw) > 4096:
        return []
    try:
        value: Any = _serializer().loads(raw, max_age=int(setting("LOGIN_DEVICE_COOKIE_DAYS")) * 86400)
    except BadSignature:  # also expired (SignatureExpired is a BadSignature)
        return []
    if not isinstance(value, list):
        return []
    return [e for e in value if isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e)]


def device_for(request: Request, username: str) -> str | None:
    """The nonce this browser holds for `username`, if its cookie is genuine and current."""
    username = username.strip().lower()
    return next((nonce for name, nonce in _entries(request) if name == username), None)


def remember_device(request: Request, response: Response, username: str) -> None:
    """After a complete login: a fresh nonce for this account, the newest first."""
    others = [e for e in _entries(request) if e[0] != username][: _MAX_ACCOUNTS - 1]
    value = _serializer().dumps([[username, secrets.token_urlsafe(16)], *others])
    secure = bool(setting("COOKIE_SECURE"))
    response.set_cookie(cookie_name(), value, max_age=int(setting("LOGIN_DEVICE_COOKIE_DAYS")) * 86400,
                        path="/", secure=secure, httponly=True, samesite="Lax")
