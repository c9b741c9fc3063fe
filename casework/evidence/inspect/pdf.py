"""PDFs, kept exactly as received (they are evidence) but flagged for anything that can run by itself."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pypdf import PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from casework.domain.evidence import MEDIA_TYPES
from casework.evidence.inspect.base import CHUNK, Inspection, Refused

# PDF names that mean code, launching programs or files inside the file; a delimiter must follow the name.
_PDF_NAMES = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?)(?=[\s()<>\[\]{}/%])")
_PDF_NAME_FLAGS = {b"JavaScript": "pdf_javascript", b"JS": "pdf_javascript", b"Launch": "pdf_launch",
                   b"EmbeddedFile": "pdf_embedded_file", b"EmbeddedFiles": "pdf_embedded_file"}


def inspect_pdf(path: Path) -> Inspection:
    """Raises Refused for a PDF that cannot be read or has no pages; flags code, launches and embedded files."""
    flags = _name_flags(path)
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            # Its objects cannot be read without the password; the raw scan above is all there is.
            flags.add("pdf_encrypted")
        else:
            if sum(1 for _ in reader.pages) == 0:
                raise Refused("truncated", "a PDF without pages")
            flags |= _catalog_flags(reader.root_object)
            flags |= _object_flags(reader)
    except Refused:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on a damaged file
        raise Refused("truncated", f"pdf: {exc}") from exc
    return Inspection("application/pdf", MEDIA_TYPES["application/pdf"], flags=tuple(sorted(flags)))


def _name_flags(path: Path) -> set[str]:
    # Conservative: also finds names in objects the xref does not list (hidden revisions, broken tables).
    flags: set[str] = set()
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            window = tail + chunk
            flags.update(_PDF_NAME_FLAGS[m.group(1)] for m in _PDF_NAMES.finditer(window))
            tail = window[-32:]
    return flags


def _catalog_flags(catalog: DictionaryObject) -> set[str]:
    flags: set[str] = set()
    # An /OpenAction array only says which page to show; a dictionary is an action run on opening.
    if isinstance(_resolved(catalog, "/OpenAction"), DictionaryObject) or "/AA" in catalog:
        flags.add("pdf_open_action")
    names = _resolved(catalog, "/Names")
    if isinstance(names, DictionaryObject):
        if "/JavaScript" in names:
            flags.add("pdf_javascript")
        if "/EmbeddedFiles" in names:
            flags.add("pdf_embedded_file")
    return flags


def _object_flags(reader: PdfReader) -> set[str]:
    """Every object the xref lists, with the dictionaries nested directly inside it (inline actions)."""
    flags: set[str] = set()
    refs = {(idnum, generation) for generation, table in reader.xref.items() for idnum in table}
    refs |= {(idnum, 0) for idnum in reader.xref_objStm}
    for idnum, generation in sorted(refs):
        try:
            obj = reader.get_object(IndirectObject(idnum, generation, reader))
        except Exception:  # noqa: S112 - one damaged object does not spoil the file; the raw scan still saw it
            continue
        stack: list[Any] = [obj]
        while stack:
            item = stack.pop()
            if isinstance(item, DictionaryObject):  # stream dictionaries included
                flags |= _action_flags(item)
                stack.extend(v for v in item.values() if not isinstance(v, IndirectObject))
            elif isinstance(item, ArrayObject):
                stack.extend(v for v in item if not isinstance(v, IndirectObject))
    return flags


def _action_flags(d: DictionaryObject) -> set[str]:
    flags: set[str] = set()
    action = _resolved(d, "/S")
    if "/JS" in d or action == "/JavaScript":
        flags.add("pdf_javascript")
    if action == "/Launch":
        flags.add("pdf_launch")
    if "/EF" in d or _resolved(d, "/Type") == "/EmbeddedFile":
        flags.add("pdf_embedded_file")
    return flags


def _resolved(d: DictionaryObject, key: str) -> Any:
    value = dict.get(d, key)
    return value.get_object() if isinstance(value, IndirectObject) else value
