"""The full texts quoted to people: every cited provision has one, and it is the article the rule relies on."""

from __future__ import annotations

import re
import unicodedata

import pytest

from casework.domain.rules.loader import load_bundled_table
from casework.domain.rules.provisions import missing_texts, provision, provisions_of

TABLE = load_bundled_table()
CITED = [r for r in TABLE.rules if r.cite]


def _plain(text: str) -> str:
    """Compare text as read: full-width forms folded, whitespace and punctuation dropped."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s，。；：、“”‘’「」（）()《》,.;:%+\-－±]", "", text)


def test_every_cited_provision_has_its_text() -> None:
    assert missing_texts(TABLE.rules) == []


@pytest.mark.parametrize("rule", CITED, ids=lambda r: f"{r.id}#{r.variant or ''}")
def test_the_rule_quote_is_in_the_text_of_what_it_cites(rule) -> None:
    # A rule's quote is a fragment ("……" marks omissions, "/" separates quotes from different sources, "；" items of a list); each piece
    # must be found in the full text of one of the provisions the rule cites — otherwise the text is the wrong one.
    texts = [_plain(p.text) for p in provisions_of(rule)]
    pieces = [p for p in re.split(r"……|/|；", rule.quote) if len(_plain(p)) >= 4]
    unmatched = [p for p in pieces if not any(_plain(p) in t for t in texts)]
    assert not unmatched, f"{rule.id}: not in the cited texts: {unmatched}"


@pytest.mark.parametrize("rule", CITED, ids=lambda r: f"{r.id}#{r.variant or ''}")
def test_texts_say_where_they_come_from_and_whether_they_are_whole(rule) -> None:
    for source in rule.sources:
        found = provision(source)
        assert found is not None
        assert found.source.startswith(("LawRefBook/Laws@2f4c5c2:", "REFERENCE.md §")), found.source
        assert ("……" in found.text) <= found.excerpt, f"{found.citation} omits text but is not marked an excerpt"
        assert found.citation.startswith(f"《{source.instrument}》")
