"""Paths inside an export bundle: the rules every member name must follow, and safe names for users' file names.

A bundle path is a relative POSIX path in NFC: no leading "/", no empty, "." or ".." component, no backslash, no
control or invisible formatting characters, no drive letter. Stdlib only: the offline verifier uses these too.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 150  # safe_path: the longest file name (unique prefix included)
MAX_NAME_BYTES = 255  # ... and never more UTF-8 bytes than ext4/APFS/NTFS accept in one name
MAX_UNIQUE_CHARS = 32
REPLACEMENT = "_"  # safe_path puts this in place of separators, control, invisible and Windows-reserved characters
FALLBACK_NAME = "file"  # safe_path's name when nothing usable is left of the user's

_DRIVE = re.compile(r"[A-Za-z]:")
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})  # control, format (bidi, zero-width), surrogate
_WINDOWS_RESERVED_CHARS = frozenset('<>:"|?*/\\')
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
)
_EXTENSION_MAX = 16


def _hidden(ch: str) -> bool:
    return unicodedata.category(ch) in _HIDDEN_CATEGORIES


def printable(text: str) -> str:
    """Text for a report line with control and invisible characters spelled out (\\x1b, \\u202e): a hostile name
    can neither rewrite the terminal nor disguise itself."""
    return "".join(ch.encode("unicode_escape").decode("ascii") if _hidden(ch) else ch for ch in text)


def path_problem(path: object, *, strict: bool) -> str | None:
    """Why `path` is not a safe relative POSIX path, or None. `strict` (what the writer demands) also wants NFC."""
    if not isinstance(path, str) or not path:
        return "empty"
    if path.startswith("/"):
        return "absolute"
    if "\\" in path:
        return "backslash"
    if any(_hidden(ch) for ch in path):
        return "control or invisible character"
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "empty, '.' or '..' component"
    if _DRIVE.match(parts[0]):
        return "drive letter"
    if strict and not unicodedata.is_normalized("NFC", path):
        return "not NFC-normalised"
    return None


def _clean(text: str) -> str:
    """NFC, with separators, control/invisible and Windows-reserved characters replaced, no leading/trailing dots
    or spaces (no hidden files, no "..", nothing Windows would silently drop)."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(REPLACEMENT if _hidden(ch) or ch in _WINDOWS_RESERVED_CHARS else ch for ch in text)
    return text.strip(". ")


def _cut(text: str, chars: int, nbytes: int) -> str:
    text = text[: max(chars, 0)]
    while text and len(text.encode("utf-8")) > nbytes:
        text = text[:-1]
    return unicodedata.normalize("NFC", text)


def safe_path(folder: str, name: str, *, unique: str = "") -> str:
    """A bundle path for a user-supplied file name: ``folder/[unique-]name``, never outside `folder`.

    The name is reduced to its last component (after "/" or "\\", so "../../x.jpg" and "C:\\\\Users\\\\x.jpg" give
    "x.jpg"); control and invisible characters (NUL, bidi overrides such as U+202E), and the characters Windows
    forbids (``<>:"|?*``) become "_"; leading and trailing dots and spaces go; a Windows device name (CON, NUL, ...)
    gets a "_" in front; nothing usable left gives "file". The result is NFC and the file name, `unique` prefix
    included, is at most 150 characters and 255 UTF-8 bytes, shortened before the extension (kept when it is at most
    16 characters). `folder` must itself be a safe relative path (it comes from code, not users): ValueError if not.

    >>> safe_path("evidence", "../../损坏照片.jpg", unique="a1b2")
    'evidence/a1b2-损坏照片.jpg'
    """
    problem = path_problem(folder, strict=True)
    if problem:
        raise ValueError(f"unsafe bundle folder {folder!r}: {problem}")
    unique = _clean(unique)
    if len(unique) > MAX_UNIQUE_CHARS:
        raise ValueError(f"unique prefix longer than {MAX_UNIQUE_CHARS} characters: {unique!r}")
    components = re.split(r"[/\\]", name)
    base = next((c for c in (_clean(p) for p in reversed(components)) if c.strip(REPLACEMENT + ". ")), "")
    base = base or FALLBACK_NAME
    if not unique and base.split(".")[0].rstrip(" ").upper() in _WINDOWS_DEVICES:
        base = REPLACEMENT + base

    prefix = f"{unique}-" if unique else ""
    stem, dot, ext = base.rpartition(".")
    if dot and stem and len(ext) <= _EXTENSION_MAX and " " not in ext:
        ext = "." + ext
    else:
        stem, ext = base, ""
    fixed = prefix + ext
    stem = _cut(stem, MAX_NAME_CHARS - len(fixed), MAX_NAME_BYTES - len(fixed.encode("utf-8")))
    if not ext:
        stem = stem.rstrip(". ")
    path = f"{folder}/{prefix}{stem or FALLBACK_NAME}{ext}"
    problem = path_problem(path, strict=True)
    if problem:  # cannot happen; guarded rather than asserted because a wrong path would leave the folder
        raise ValueError(f"safe_path produced an unsafe path {path!r}: {problem}")
    return path
