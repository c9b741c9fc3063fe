"""Plain text and CSV: UTF-8 or GB18030 throughout, no NUL bytes, and nothing a browser would run as markup."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from casework.domain.evidence import MEDIA_TYPES
from casework.evidence.inspect.base import CHUNK, Inspection, Refused

# Markup a browser would run if it ever sniffed the file as HTML/SVG; only looked for when the text starts with "<".
_MARKUP = re.compile(r"<(?:html|!doctype|svg|script|\?xml|body|iframe|head|meta|object|embed|frame|style|link|img)")
_BLANK = " \t\r\n\f\v\ufeff\u3000\xa0"


def inspect_text(path: Path, head: bytes, size: int, name_hint: str) -> Inspection:
    """Raises Refused unless the whole file is text; a `.csv` name_hint makes it text/csv."""
    whole = size <= len(head)
    if b"\0" in head or not any(_decodes(head, enc, final=whole) for enc in ("utf-8-sig", "gb18030")):
        if _textual(head):
            raise Refused("not_text", "text, but not in UTF-8 or GB18030")
        raise Refused("unknown_type", repr(head[:8]))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            _read_text(path, encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise Refused("not_text", "neither UTF-8 nor GB18030 throughout")
    media_type = "text/csv" if name_hint.lower().endswith(".csv") else "text/plain"
    return Inspection(media_type, MEDIA_TYPES[media_type])


def _decodes(data: bytes, encoding: str, *, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)("strict").decode(data, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _textual(head: bytes) -> bool:
    """Text in some other encoding (UTF-16, a stray NUL), rather than binary data of an unknown type."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = head.replace(b"\0", b"")
    if not sample:
        return False
    text = sample.decode("utf-8", "replace")
    bad = sum(1 for c in text if c == "\ufffd" or (c < " " and c not in "\t\n\r\f"))
    return bad <= len(text) * 0.1  # random bytes are about half bad


def _read_text(path: Path, encoding: str) -> None:
    """Decodes the whole file strictly, in chunks; raises UnicodeDecodeError, or Refused for NUL or markup."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    starts_with_markup: bool | None = None
    tail = ""
    with path.open("rb") as f:
        while True:
            chunk = f.read(CHUNK)
            if b"\0" in chunk:  # in UTF-8 and GB18030 a 0 byte is only ever NUL
                raise Refused("not_text", "NUL bytes")
            text = decoder.decode(chunk, final=not chunk)
            if starts_with_markup is None and (lead := text.lstrip(_BLANK)):
                starts_with_markup = lead.startswith("<")
            if starts_with_markup:
                window = tail + text.lower()
                if _MARKUP.search(window):
                    raise Refused("active_content", "HTML, SVG or XML")
                tail = window[-16:]
            if not chunk:
                return
