"""Bounds on what a request may carry before it reaches the database or a recursive parser: ids that fit an
INTEGER column, and JSON nested no deeper than any real document (security review F-11)."""

from __future__ import annotations

import json
import re
from typing import Any

from werkzeug.routing import IntegerConverter

# Row ids are INTEGER columns: 32 bits on PostgreSQL (a larger value is a DataError there, an OverflowError
# past 64 bits on SQLite). Nothing larger can name a row, so it is refused before any query.
MAX_ID = 2**31 - 1
# The rule table's files nest 6 levels, an assessment request 4; past this a body is an attack on the
# parser (Python's json raises RecursionError near 1,000 levels, and later code recurses too).
MAX_JSON_DEPTH = 32

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # a JSON string, escapes included
_BRACKET = re.compile(rb"[\[\]{}]")


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number past MAX_ID matches no route, so it is a 404 and never a query."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def form_id(value: str | None) -> int | None:
    """A row id typed into a form: ASCII digits, 1..MAX_ID; None for anything else (the caller says 400)."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


class TooDeep(ValueError):
    """A JSON document nested deeper than MAX_JSON_DEPTH."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the JSON is nested more than {limit} levels deep")
        self.limit = limit


def check_depth(data: bytes | str, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise TooDeep if the document's arrays and objects nest deeper than `limit`; linear, no recursion.

    Strings are cut out first, so brackets inside them do not count. Malformed input is left to json."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    depth = 0
    for bracket in _BRACKET.findall(_STRING.sub(b"", raw)):
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > limit:
                raise TooDeep(limit)
        else:
            depth -= 1


def loads(data: bytes | str, *, limit: int = MAX_JSON_DEPTH, **options: Any) -> Any:
    """json.loads, refusing (TooDeep, a ValueError) what is nested past `limit` before parsing it."""
    check_depth(data, limit)
    try:
        return json.loads(data, **options)
    except RecursionError as exc:  # not reachable within the limit; kept so no parser recursion is a 500
        raise TooDeep(limit) from exc
