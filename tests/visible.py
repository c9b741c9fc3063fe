"""What a person sees of a page or a document, and the words of the code that must never be among it.

The forbidden vocabulary is read from the code itself (contract, label catalogue, rule table, lifecycle,
letter kinds), so a new enum value or rule is covered the day it is added."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

from pypdf import PdfReader

# Attributes a person reads (tooltips, placeholders, screen readers, image text); every other attribute is code.
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
# Inputs whose value the browser shows in its own way (a date picker shows 2025年7月20日 for value=2025-07-20),
# or not at all.
UNSHOWN_VALUES = {"hidden", "date", "datetime-local", "month", "time", "number", "file", "checkbox", "radio",
                  "password"}
SKIPPED = {"script", "style", "template", "noscript"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self._skip += 1
            return
        values = dict(attrs)
        self.parts.extend(str(values[a]) for a in SHOWN_ATTRIBUTES if values.get(a))
        if tag == "input" and (values.get("type") or "text") not in UNSHOWN_VALUES and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SKIPPED:
            self.handle_starttag(tag, attrs)
            if tag in SKIPPED:
                self._skip -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _identifiers() -> dict[str, str]:
    """Every code a person must not read, with where it comes from."""
    from casework.decision.letters import TITLES
    from casework.domain import contract
    from casework.domain.lifecycle import Event, State
    from casework.domain.rules.loader import load_bundled_table
    from casework.ui import labels

    found: dict[str, str] = {}

    def add(values: Iterable[object], source: str) -> None:
        for value in values:
            if isinstance(value, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_.]+", value):
                found.setdefault(value, source)

    def walk(fields: dict[str, contract.FieldSpec], where: str) -> None:
        add(fields, f"contract field ({where})")
        for spec in fields.values():
            add(spec.values, f"contract value ({where})")
            if spec.items:
                walk(dict(spec.items), where)

    walk(contract.TOP_FIELDS, "case")
    for category, fields in contract.FACT_FIELDS.items():
        walk(fields, category)
    for name in dir(labels):
        catalogue = getattr(labels, name)
        if name.isupper() and isinstance(catalogue, dict):
            add(catalogue, f"label key ({name})")
    table = load_bundled_table()
    for rule in table.rules:
        add([rule.id], "rule id")
        add([rule.predicate, rule.formula, rule.deadline_kind, *rule.params, *rule.flags], f"rule {rule.id}")
    add([p.name for p in table.parameters], "rule parameter")
    add([e.value for e in Event], "lifecycle event")
    add([s.value for s in State], "lifecycle state")
    add(TITLES, "letter kind")
    return found


IDENTIFIERS = _identifiers()
# Codes that are unmistakably code in any language: snake_case, dotted paths, camelCase.
CODE_SHAPED = {k: v for k, v in IDENTIFIERS.items() if re.search(r"[_.]|[a-z][A-Z]", k)}
# Single English words ("settle", "motor", "closed"): code on a Chinese page, plain English on an English one.
PLAIN_WORDS = {k: v for k, v in IDENTIFIERS.items() if k not in CODE_SHAPED}

PATTERNS = {
    "Python repr": re.compile(r"\{'|\['|\bTrue\b|\bFalse\b|\bNone\b|<[a-z_.]+ object at|\bDecimal\('"),
    "JSON path": re.compile(r"\b(?:circumstances|facts|case|appliances)\.[a-z_]+|\[\d+\]\.[a-z_]+"),
    "ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "username": re.compile(r"\bdemo\.[a-z]+\b"),
    "version code": re.compile(r"(?<![A-Za-z0-9])v\d+\b"),
}
# English prose may start a sentence with "None" ("None yet."): only a None after a word or a colon is a repr.
ENGLISH_NONE = re.compile(r"(?<![.!?]\s)(?<!^)(?<!\n)\bNone\b")
# ASCII that is a word of the trade, on any page: file formats, checksums, positioning.
ALLOWED_ASCII = {"PDF", "CSV", "SHA-256", "GPS", "EXIF", "JPEG", "PNG", "HEIC", "ZIP", "ID", "TOTP", "QR", "OK"}
# On an English page: the switch back to Chinese names its language in Chinese.
ENGLISH_ALLOWED = {"中文"}
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_.]*[A-Za-z0-9_]|[A-Za-z]")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+")


@dataclass(frozen=True)
class Leak:
    where: str  # the page or document
    kind: str
    token: str
    context: str = ""  # the text around its first occurrence, to find it on the page


def _around(text: str, token: str) -> str:
    found = re.search(rf"(?<![A-Za-z0-9_.]){re.escape(token)}(?![A-Za-z0-9_])", text)
    at = found.start() if found else text.find(token)
    return re.sub(r"\s+", " ", text[max(0, at - 40):at + len(token) + 40]) if at >= 0 else ""


@lru_cache(maxsize=1)
def quoted_law() -> tuple[str, ...]:
    """The provisions the rule table cites, as the law writes them: Chinese law has no authoritative English
    text, so an English page quotes it in Chinese (the citation and quotation are data, not untranslated UI)."""
    from casework.domain.rules.loader import load_bundled_table
    from casework.domain.rules.provisions import provisions_of

    found: set[str] = set()
    for rule in load_bundled_table().rules:
        found.add(rule.quote)
        for source in rule.sources:
            found |= {source.instrument, f"《{source.instrument}》{source.article}", source.article}
        for provision in provisions_of(rule):
            found |= {provision.citation, provision.text}
    return tuple(f for f in found if f)


def leaks(where: str, text: str, *, english: bool, data: Iterable[str]) -> Iterator[Leak]:
    """Every internal identifier in `text`; in English mode also every Chinese run that is not the case's data."""
    own = sorted({d for d in (*data, *(quoted_law() if english else ())) if d}, key=len, reverse=True)
    cleaned = text
    for value in own:  # the case's own data may say anything (a claimant's note may hold a date or a word)
        cleaned = cleaned.replace(value, " ")
    for token in set(TOKEN.findall(cleaned)):
        token = token.rstrip(".")
        if token in CODE_SHAPED:
            yield Leak(where, CODE_SHAPED[token], token, _around(cleaned, token))
        elif not english and token in PLAIN_WORDS and token not in ALLOWED_ASCII:
            yield Leak(where, PLAIN_WORDS[token], token, _around(cleaned, token))
    for kind, pattern in PATTERNS.items():
        if english and kind == "Python repr":
            pattern = re.compile(pattern.pattern.replace(r"|\bNone\b", ""))
            for match in set(ENGLISH_NONE.findall(cleaned)):
                yield Leak(where, kind, match, _around(cleaned, match))
        for match in set(pattern.findall(cleaned)):
            if not (kind == "username" and "/admin/" in where):  # the administrator manages logins
                yield Leak(where, kind, match, _around(cleaned, match))
    if english:
        flat = re.sub(r"\s+", "", cleaned)
        for value in (re.sub(r"\s+", "", d) for d in own):
            if value:
                flat = flat.replace(value, "|")
        for run in set(CJK.findall(flat)):
            if re.search(r"[\u3400-\u9fff]", run) and run not in ENGLISH_ALLOWED:
                yield Leak(where, "untranslated Chinese", run, _around(flat, run))
