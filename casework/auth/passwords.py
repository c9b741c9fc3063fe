"""Password hashing (argon2id at the ASVS minimum or above) and the password policy (ASVS v5 6.2)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

# ASVS v5 appendix C: argon2id with t >= 2, m >= 19 MiB, p = 1.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)
# Verified against when the user is unknown, so both failures cost the same time (ASVS v5 6.3.8).
_DUMMY = _HASHER.hash("casework-dummy-password")

MIN_LENGTH = 8
MAX_LENGTH = 128
# Words that make a password easy to guess here (ASVS v5 6.2.11).
CONTEXT_WORDS = ("casework", "供电", "电力", "国网", "gongdian", "dianli", "sgcc", "95598")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash or _DUMMY, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    text = resources.files("casework").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problem(password: str, username: str = "") -> str | None:
    """The policy message key a new password breaks, or None. No composition rules, no truncation."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    lowered = password.lower()
    if lowered in _common():
        return "too_common"
    if username and username.lower() in lowered:
        return "contains_username"
    if any(word in lowered for word in CONTEXT_WORDS):
        return "context_word"
    return None
