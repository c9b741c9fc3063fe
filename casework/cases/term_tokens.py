"""Search terms that name a person (a phone or ID number: seven digits or more) never travel in a URL, where
access logs, proxies and browser history keep them (RELIABILITY P3, ASVS v5 14.2.1; security review F-16).

The list's search form is POSTed; such a term is kept, encrypted, in the user's session under a short random
token, and the list is shown at `?t=<token>`, so its links (the next page, a sort) carry the token instead.
Other terms stay in the URL, where a filtered list remains a link one can share.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import unicodedata

from cryptography.fernet import Fernet, InvalidToken
from flask import session

from casework.infra.settings import setting

_DIGITS = re.compile(r"\d{7,}")
_JOINERS = re.compile(r"[\s\-–—()（）+]")  # how people write 138-0013-8000, (010) 1234 5678, +86 138…
KEEP = 5  # tokens per session: the last few searches, enough for back and forth between them
_KEY = "cases.search_terms"


def names_a_person(term: str) -> bool:
    """A run of seven digits or more once spaces and dashes are dropped (full-width digits folded)."""
    return bool(_DIGITS.search(_JOINERS.sub("", unicodedata.normalize("NFKC", term))))


def _fernet() -> Fernet:
    # Its own key, derived from SECRET_KEY: the session cookie is signed, not encrypted, and must not show it.
    digest = hashlib.sha256(b"casework-search-term:" + str(setting("SECRET_KEY")).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def hide(term: str) -> str:
    """Keep `term` in the session; the token that stands for it in URLs."""
    kept: dict[str, str] = dict(session.get(_KEY) or {})
    token = secrets.token_urlsafe(6)
    kept[token] = _fernet().encrypt(term.encode()).decode("ascii")
    session[_KEY] = dict(list(kept.items())[-KEEP:])  # oldest first: dicts keep insertion order
    return token


def recall(token: str) -> str | None:
    """The term behind a token of this session, or None (another session's, too old, or tampered with)."""
    sealed = (session.get(_KEY) or {}).get(token[:16])
    if not isinstance(sealed, str):
        return None
    try:
        return _fernet().decrypt(sealed.encode("ascii"), ttl=int(setting("SESSION_ABSOLUTE_HOURS")) * 3600).decode()
    except (InvalidToken, ValueError):
        return None
