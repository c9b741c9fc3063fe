"""Litigation figures (issue 16): what a lawsuit came to and under which cause it is counted — pure, no database.

Choices where the issue is silent:
- the result is the latest judgment's (an appeal's judgment replaces the first one's); "partly won" is shown on
  its own rather than folded into lost; mediated and withdrawn suits are both "settled" (结案未判);
- a suit with no judgment yet is "pending" (审理中); a judgment recorded without a result is "unrecorded";
- the cause is the 案由 typed on the approved escalation, trimmed and with runs of spaces made one; when none was
  typed the case counts under its claim category.
"""

from __future__ import annotations

import re

#: Result groups in the order the page lists them.
GROUPS = ("won", "partly", "lost", "settled", "pending", "unrecorded")
_GROUP_OF_RESULT = {"won": "won", "partly": "partly", "lost": "lost", "mediated": "settled", "withdrawn": "settled"}


def result_group(judged: bool, result: str | None) -> str:
    """The group of a suit: its latest judgment's result, pending without a judgment."""
    if not judged:
        return "pending"
    return _GROUP_OF_RESULT.get(result or "", "unrecorded")


def cause_text(typed: str | None) -> str | None:
    """The 案由 as typed, trimmed with inner runs of white space made one; None when nothing was typed."""
    text = re.sub(r"\s+", " ", typed or "").strip()
    return text or None
