"""Time-based one-time codes (RFC 6238, via pyotp), recovery codes, and the enrolment QR code drawn here.

No clock is read: every function takes `now`. The QR code is an SVG data URI made by segno on the
server, so no external service ever sees a secret and the page's CSP (`img-src 'self' data:`) holds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno

#: Codes one step (30 s) either side of the server's clock are accepted: phones drift.
DRIFT_STEPS = 1
RECOVERY_CODES = 10
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base32: no i, l, o, u
_READ_AS = str.maketrans("oil", "011")
_GROUPS, _GROUP_LEN = 4, 4  # 16 characters, 80 bits: a stolen hash cannot be searched back to its code


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, *, username: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def qr_data_uri(uri: str) -> str:
    """The otpauth:// URI as a QR code, an SVG data URI for an <img>."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)  # type: ignore[no-any-return]


def step_of(now: datetime) -> int:
    return int(now.timestamp()) // 30


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code `code` is (within the allowed drift), or None for a wrong code."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = step_of(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def code_at(secret: str, now: datetime) -> str:
    """The code an authenticator shows at `now` (tests and the enrolment self-check use it)."""
    return pyotp.TOTP(secret).generate_otp(step_of(now))


def new_recovery_codes() -> list[str]:
    return ["-".join("".join(secrets.choice(_ALPHABET) for _ in range(_GROUP_LEN)) for _ in range(_GROUPS))
            for _ in range(RECOVERY_CODES)]


def looks_like_recovery_code(text: str) -> bool:
    return len(normalise_recovery_code(text)) == _GROUPS * _GROUP_LEN


def normalise_recovery_code(text: str) -> str:
    """Forgiving about how it was typed: case, spaces, dashes, and o/i/l read as 0/1."""
    cleaned = "".join(ch for ch in text.lower() if ch not in " -")
    return cleaned.translate(_READ_AS)


def recovery_hash(user_id: int, code: str) -> str:
    """A plain SHA-256 suffices for an 80-bit random code; the user id keeps equal codes apart."""
    return hashlib.sha256(f"{user_id}:{normalise_recovery_code(code)}".encode("ascii", "replace")).hexdigest()
