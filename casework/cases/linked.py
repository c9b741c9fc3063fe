"""The case list's filters that the analytics link with (issue 16): a figure's registration period, decision,
goodwill, fault cause and grid place. They have no field of their own on the list's form: the list names them
in words above the results, with a link that drops them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _

from casework.cases.forms import iso_day
from casework.domain.summary import DECISIONS
from casework.ui.filters import day
from casework.ui.labels import ASSET_KIND, DECIDED, FACT_CHOICE

LINKED_ARGS = ("reg_from", "reg_to", "decision", "goodwill", "cause", "line", "district", "tower", "withdrawn")
PLACES = ("line", "district", "tower")


def linked_criteria(args: dict[str, str], start_of: Callable[[date | None], datetime | None]) -> dict[str, Any]:
    """The linked filters as list_cases arguments; registration days are local (Beijing) days, both inclusive."""
    reg_to = iso_day(args["reg_to"])
    # Every place given applies (a tower is named with its line: "12" recurs on every line).
    places = tuple((kind, args[kind]) for kind in PLACES if args[kind])
    return {
        "registered_from": start_of(iso_day(args["reg_from"])),
        "registered_before": start_of(reg_to + timedelta(days=1)) if reg_to else None,
        "decision": args["decision"] if args["decision"] in DECISIONS else "",
        "goodwill": args["goodwill"] == "1",
        "cause": args["cause"] if args["cause"] in FACT_CHOICE["cause"] else "",
        "places": places,
        # withdrawn=0: a figure that counts a withdrawn claim as withdrawn only (its check, its decision)
        "without_withdrawn": args["withdrawn"] == "0",
    }


def linked_words(args: dict[str, str]) -> list[str]:
    """The linked filters that are set, each in words (登记于 2025年1月1日至2025年3月31日, 台区：河西村台区 …)."""
    words: list[str] = []
    start, end = iso_day(args["reg_from"]), iso_day(args["reg_to"])
    if start or end:
        words.append(f"{_('登记')} {day(start) if start else '…'} – {day(end) if end else '…'}")
    if args["decision"] in DECISIONS:
        words.append(str(DECIDED[args["decision"]]))
    if args["goodwill"] == "1":
        words.append(_("酌情补偿"))
    if args["cause"] in FACT_CHOICE["cause"]:
        words.append(f"{_('原因')}：{FACT_CHOICE['cause'][args['cause']]}")
    words.extend(f"{ASSET_KIND[kind]}：{args[kind]}" for kind in PLACES if args[kind])
    if args["withdrawn"] == "0":
        words.append(_("不含已撤回"))
    return words
