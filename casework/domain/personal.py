"""Claimant identifiers: validation (GB 11643-1999 check digit, mainland mobile numbers) and masking (PIPL art. 51)."""

from __future__ import annotations

import re
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def id_check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of GB 11643-1999 for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalise_id_number(value: str) -> str:
    return value.strip().upper()


def id_number_problem(value: str) -> str | None:
    """Why an 18-digit resident ID number is invalid, or None when it is valid."""
    v = normalise_id_number(value)
    if not _ID_RE.match(v):
        return "id_format"
    try:
        date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return "id_birth_date"
    if id_check_digit(v[:17]) != v[17]:
        return "id_check_digit"
    return None


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s()]", "", value.strip())


def phone_problem(value: str) -> str | None:
    v = normalise_phone(value)
    if _MOBILE_RE.match(v) or _LANDLINE_RE.match(v):
        return None
    return "phone_format"


def mask_id_number(value: str) -> str:
    """First 3 and last 4 characters: hides the county code and the date of birth."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678 for mobiles; other numbers keep only their last 4 digits."""
    if _MOBILE_RE.match(value):
        return value[:3] + "****" + value[-4:]
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def mask_bank_account(value: str) -> str:
    digits = re.sub(r"\s", "", value)
    if len(digits) <= 4:
        return "*" * len(digits)
    return "**** " + digits[-4:]
