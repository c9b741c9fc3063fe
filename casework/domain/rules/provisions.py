"""The full text of the provisions the rule table cites: what pages, letters and the dossier quote.

A rule's own `quote` is the fragment its logic rests on; a person reads the whole article or paragraph
relied on. The texts are data (`rules_data/provisions.json`), each with the source it was copied from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from casework.domain.rules.model import Rule, Source


@dataclass(frozen=True)
class Provision:
    """One provision as a person reads it: its citation and its whole text."""

    citation: str  # 《供电营业规则》（2024年版）第九十七条
    text: str
    source: str  # where the text was copied from (a mirror path, or REFERENCE.md)
    excerpt: bool  # True where only part of the article could be sourced
    note: str = ""  # how sure the text is, where the source is not an official copy (in Chinese)


@lru_cache(maxsize=1)
def _catalogue() -> dict[tuple[str, str, str | None], tuple[str, str, bool, str]]:
    raw = json.loads(resources.files("casework.rules_data").joinpath("provisions.json").read_text("utf-8"))
    return {(p["instrument"], p["article"], p.get("version")):
            (p["text"], p["source"], bool(p.get("excerpt")), str(p.get("note") or ""))
            for p in raw["provisions"]}


def provision(source: Source) -> Provision | None:
    """The full text of one cited provision, or None when the catalogue has none."""
    found = _catalogue().get((source.instrument, source.article or "", source.version))
    if found is None:
        return None
    text, origin, excerpt, note = found
    return Provision(source.label(), text, origin, excerpt, note)


def provisions_of(rule: Rule) -> list[Provision]:
    """Every provision a rule rests on, in full; a provision missing from the catalogue falls back to the
    rule's quote, marked as an excerpt, so nothing cited is ever printed empty."""
    out = []
    for source in rule.sources:
        found = provision(source)
        out.append(found or Provision(source.label(), rule.quote, "rule table", True))
    return out


def missing_texts(rules: Iterable[Rule]) -> list[Source]:
    """Cited provisions that have no full text yet (for the test that keeps the catalogue complete)."""
    return sorted({s for r in rules if r.cite for s in r.sources if provision(s) is None},
                  key=lambda s: (s.instrument, s.article or "", s.version or ""))
