"""Chinese substring search: a case's text as character pairs in an inverted index (FTS5 / GIN), confirmed exactly."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    Text,
    and_,
    bindparam,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from casework.cases.models import Case, CaseSearch
from casework.domain.personal import normalise_id_number, normalise_phone
from casework.infra.pii import cipher

# Between words and fields in the stored grams: neither FTS5's tokenizer nor a query ever produces it, so the
# phrase check below (" ab bc ") cannot run from the end of one word into the start of the next.
SEP = "|"
_WORD = re.compile(r"[^\W_]+")  # runs of letters and digits; everything else separates words
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PHONE = re.compile(r"1\d{10}|0\d{9,11}")  # a mobile, or a landline with its area code
_ID_NUMBER = re.compile(r"\d{17}[\dx]|\d{15}")
# Past this many candidates a term counts as common: the list then walks its own order, checking each case.
BROAD = 2000
SAMPLE = 500  # PostgreSQL: how many of the newest cases `_common` looks at


def normalise(value: str) -> str:
    """NFKC folds full-width digits and letters (１２３ → 123), then lower case."""
    return unicodedata.normalize("NFKC", value).lower()


def words(value: str) -> list[str]:
    return _WORD.findall(normalise(value))


def _word_pairs(word: str) -> list[str]:
    # A one-character word is kept whole, so every character of the text is somewhere in the grams.
    return [word] if len(word) == 1 else [word[i:i + 2] for i in range(len(word) - 1)]


def pairs(value: str) -> list[str]:
    """The overlapping two-character pairs of each word: 前营村 → 前营, 营村."""
    return [p for w in words(value) for p in _word_pairs(w)]


def _suffix(value: str | None, keep: int) -> str | None:
    # Only as many trailing characters as the masked display already shows, and only when it shows them.
    cleaned = re.sub(r"[\s-]", "", value or "").lower()
    return cleaned[-4:] if len(cleaned) > keep else None


def grams(texts: Iterable[str | None], phone: str | None = None, id_number: str | None = None) -> str:
    """The stored form: pairs per word, words and fields apart, plus last-4 tokens of phone and ID number."""
    chunks = [" ".join(_word_pairs(w)) for value in texts for w in words(value or "")]
    # Never the full phone or ID number (encrypted personal data): their last 4 characters only.
    if tail := _suffix(phone, 4):
        chunks.append(f"tel{tail}")
    if tail := _suffix(id_number, 7):
        chunks.append(f"id{tail}")
    return f" {SEP} ".join(chunks)


def case_grams(case: Case) -> str:
    return grams((case.number, case.claimant_name, case.address, case.claimant_address, case.description),
                 case.claimant_phone, case.claimant_id_number)


def index_case(session: Session, case: Case) -> None:
    """Insert or refresh the case's row; SQLite's triggers (or PostgreSQL's GIN index) follow it."""
    stored = case_grams(case)
    row = session.get(CaseSearch, case.id)
    if row is None:
        session.add(CaseSearch(case_id=case.id, grams=stored))
    elif row.grams != stored:
        row.grams = stored
    session.flush()


def reindex_all(session: Session, progress: Callable[[int], None] | None = None, batch: int = 500) -> int:
    """Rebuild every case's row in id order, in batches so memory stays flat; returns how many."""
    done, last = 0, 0
    while cases := list(session.scalars(select(Case).where(Case.id > last).order_by(Case.id).limit(batch))):
        for case in cases:
            index_case(session, case)
        done, last = done + len(cases), cases[-1].id
        session.expunge_all()
        if progress:
            progress(done)
    return done


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _fts(all_of: Sequence[str], any_of: Sequence[str]) -> Select[Any]:
    """SQLite: the rowids holding every pair of `all_of`, or any token of `any_of`."""
    alternatives = ([" AND ".join(map(_fts_quote, all_of))] if all_of else []) + [_fts_quote(t) for t in any_of]
    match = " OR ".join(f"({a})" for a in alternatives)
    return select(literal_column("rowid")).select_from(table("case_search_fts")).where(
        text("case_search_fts MATCH :match").bindparams(match=match))


def _gin(all_of: Sequence[str], any_of: Sequence[str]) -> ColumnElement[bool]:
    """PostgreSQL: the same, on exactly the expression the GIN index was built on (the separator a literal:
    a bound one would not match the index expression)."""
    array = func.string_to_array(CaseSearch.grams, literal_column("' '"), type_=ARRAY(Text))

    def value(tokens: Sequence[str]) -> Any:
        # Written into the statement: a prepared statement's generic plan, made without the values, guesses
        # the selectivity and may scan the table (psycopg prepares a statement after 5 executions).
        return bindparam(None, list(tokens), type_=ARRAY(Text), literal_execute=True)

    conditions = [array.contains(value(all_of))] if all_of else []
    if any_of:
        conditions.append(array.overlap(value(any_of)))
    return or_(*conditions)


def _run(grams: SQLColumnExpression[str], tokens: Sequence[str]) -> ColumnElement[bool]:
    """These tokens side by side in the grams: a word's pairs in a row prove the word is a substring."""
    padded = literal(" ") + grams + literal(" ")
    return padded.like("% " + _like_escape(" ".join(tokens)) + " %", escape="\\")


def _exact(grams: SQLColumnExpression[str], terms: Sequence[str], tokens: Sequence[str]) -> ColumnElement[bool]:
    """Every word of the query is a substring (a single character is somewhere in the grams or nowhere in the
    text), or one of the last-4 tokens is there."""
    words_found = and_(*(grams.contains(w, autoescape=True) if len(w) == 1 else _run(grams, _word_pairs(w))
                         for w in terms))
    return or_(words_found, *(_run(grams, [t]) for t in tokens))


def _common(session: Session, exact: Callable[[SQLColumnExpression[str]], ColumnElement[bool]]) -> bool:
    """At least 2 % of the newest SAMPLE cases match: a cheap look that spares PostgreSQL a GIN lookup of
    tens of thousands of rows when a walk down the list's order fills a page sooner."""
    sample = select(CaseSearch.grams).order_by(CaseSearch.case_id.desc()).limit(SAMPLE).subquery()
    hits = session.scalar(select(func.count()).select_from(sample).where(exact(sample.c.grams))) or 0
    return hits >= SAMPLE // 50


def _rare(session: Session, all_pairs: Sequence[str], tokens: Sequence[str],
          exact: Callable[[SQLColumnExpression[str]], ColumnElement[bool]], *, confirm: bool) -> list[int] | None:
    """The matching case ids through the inverted index when they are fewer than BROAD; None for a common term."""
    if session.get_bind().dialect.name == "sqlite":
        ids = list(session.scalars(_fts(all_pairs, tokens).limit(BROAD)))
        if confirm and 0 < len(ids) < BROAD:
            ids = list(session.scalars(
                select(CaseSearch.case_id).where(CaseSearch.case_id.in_(ids), exact(CaseSearch.grams))))
    elif _common(session, exact):
        return None
    else:
        found = select(CaseSearch.case_id).where(_gin(all_pairs, tokens))
        ids = list(session.scalars((found.where(exact(CaseSearch.grams)) if confirm else found).limit(BROAD)))
    return ids if len(ids) < BROAD else None


@dataclass(frozen=True)
class Found:
    """What a search adds to the list's query."""

    where: ColumnElement[bool]
    countable: bool  # False for a common term: counting its matches would cost more than the page itself


def search(session: Session, q: str) -> Found:
    """The cases whose number, name, phone, ID number, addresses or description match q."""
    raw = _CONTROL.sub(" ", q).strip()  # PostgreSQL refuses a NUL in text; no stored text holds controls
    digits = re.sub(r"[\s-]", "", raw).lower()
    # A full phone or ID number: the keyed digest, never the number in clear (and never in the index).
    if _PHONE.fullmatch(digits):  # stored as the form normalised it: a landline may keep its hyphen
        forms = {digits, normalise_phone(raw), f"{digits[:3]}-{digits[3:]}", f"{digits[:4]}-{digits[4:]}"}
        return Found(Case.claimant_phone_digest.in_([cipher().digest(f) for f in sorted(forms)]), True)
    if _ID_NUMBER.fullmatch(digits):
        return Found(Case.claimant_id_digest == cipher().digest(normalise_id_number(digits)), True)
    terms = words(raw)
    if not any(len(w) >= 2 for w in terms):
        # No pair to look up (one character, or only punctuation such as "%"): a plain substring scan, which
        # stops once a page is full but would read every row to count them.
        return Found(or_(*(column.icontains(raw, autoescape=True) for column in (
            Case.number, Case.claimant_name, Case.address, Case.claimant_address, Case.description))), False)
    tokens: list[str] = []
    if len(terms) == 1 and re.fullmatch(r"\d{3}[\dx]", terms[0]):  # the last 4 of a phone or an ID number
        tokens = [f"id{terms[0]}"] if terms[0][-1] == "x" else [f"tel{terms[0]}", f"id{terms[0]}"]
    all_pairs = sorted({p for w in terms if len(w) >= 2 for p in _word_pairs(w)})

    def exact(grams: SQLColumnExpression[str]) -> ColumnElement[bool]:
        return _exact(grams, terms, tokens)

    # Two-character words are single pairs: for them the index alone is exact, there is nothing to confirm.
    ids = _rare(session, all_pairs, tokens, exact, confirm=not all(len(w) == 2 for w in terms))
    if ids is not None:  # a rare term: its cases by id, then sorted
        return Found(Case.id.in_(ids), True)
    # A common term: fetching thousands of cases by id to sort them all is the slow way. Checking each case as
    # the list's sort index walks past fills a page after a few dozen, and the check is exact on its own. A
    # scalar subquery, not EXISTS: PostgreSQL would turn EXISTS into a join over every row of case_search.
    check = select(exact(CaseSearch.grams)).where(CaseSearch.case_id == Case.id).scalar_subquery()
    return Found(check, False)


def matching_ids(session: Session, q: str) -> ColumnElement[bool]:
    """A condition on Case: the cases matching q (see `search`)."""
    return search(session, q).where


def terms(q: str) -> list[str]:
    """What to highlight: the query's words, or the raw text when it was searched as a plain substring."""
    found = words(q)
    return found if any(len(w) >= 2 for w in found) else ([normalise(q.strip())] if q.strip() else [])


def _spans(value: str, wanted: Sequence[str]) -> list[tuple[int, int]]:
    # Fold character by character, remembering where each folded character came from in the original.
    folded, origin = [], []
    for index, char in enumerate(value):
        for piece in normalise(char):
            folded.append(piece)
            origin.append(index)
    flat = "".join(folded)
    spans: list[tuple[int, int]] = []
    for term in wanted:
        start = flat.find(term)
        while term and start >= 0:
            spans.append((origin[start], origin[start + len(term) - 1] + 1))
            start = flat.find(term, start + len(term))
    merged: list[tuple[int, int]] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    return merged


def highlight(value: str | None, wanted: Sequence[str]) -> Markup:
    """The text escaped, with each match wrapped in <mark>: user text never reaches the page unescaped."""
    value = value or ""
    if not wanted:  # the plain list: nothing to mark, every row of every page comes through here
        return escape(value)
    out, last = Markup(), 0
    for begin, end in _spans(value, wanted):
        out += escape(value[last:begin]) + Markup("<mark>") + escape(value[begin:end]) + Markup("</mark>")
        last = end
    return out + escape(value[last:])


def excerpt(value: str | None, wanted: Sequence[str], width: int = 24) -> Markup | None:
    """A short window of a long text around its first match, highlighted; None when it does not match."""
    spans = _spans(value or "", wanted)
    if not value or not spans:
        return None
    begin = max(0, spans[0][0] - width)
    end = min(len(value), spans[0][1] + width)
    return (Markup("…") if begin else Markup()) + highlight(value[begin:end], wanted) + (
        Markup("…") if end < len(value) else Markup())
