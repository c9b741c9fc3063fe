"""PDFs from templates: a Jinja template filled with plain values, laid out by WeasyPrint.

No ORM objects and no Flask request reach this module: the caller formats every string (dates, labels,
masked numbers) and passes amounts as Decimal. What each document is and which values it needs belongs to
its stage (the letters: casework.decision.letters). The only resources a PDF may load are `data:` URLs and
files under casework/static/ named `casework-static:/<name>`; every other URL raises FetchRefused, which
WeasyPrint logs and skips, so a value that slipped through as markup can never read a file or reach the
network.
"""

from __future__ import annotations

import functools
import mimetypes
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.request import DataHandler, Request

import jinja2
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

import casework
from casework.domain.money import format_yuan
from casework.infra import paths

PACKAGE = Path(casework.__file__).resolve().parent
STATIC = PACKAGE / "static"
STATIC_SCHEME = "casework-static"
STYLESHEET = f"{STATIC_SCHEME}:/documents.css"

Fetcher = Callable[[str], URLFetcherResponse]

_STATIC_PATH = re.compile(r"^/?(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9.+-]*):")
_DIGITS = "零一二三四五六七八九"


class FetchRefused(Exception):
    """A letter asked for a resource other than a `data:` URL or a file under casework/static/."""


def default_fetcher(url: str) -> URLFetcherResponse:
    """Serve `data:` URLs and `casework-static:/<path>` (a file under casework/static/); refuse the rest."""
    match = _SCHEME.match(url)
    scheme = match.group(1).lower() if match else ""
    if scheme == "data":
        return _data(url)
    if scheme == STATIC_SCHEME:
        return _static(url, url[match.end():] if match else "")
    raise FetchRefused(f"letters load no {scheme or 'relative'} URLs: {url[:200]!r}")


def _data(url: str) -> URLFetcherResponse:
    try:
        response = DataHandler().data_open(Request(url))  # noqa: S310 (a data: URL; DataHandler opens nothing)
        body = response.read()
        content_type = response.headers.get("Content-Type", "text/plain;charset=US-ASCII")
    except (ValueError, TypeError) as exc:  # a malformed data: URL (bad base64, no comma)
        raise FetchRefused(f"malformed data URL: {url[:80]!r}") from exc
    return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def _static(url: str, path: str) -> URLFetcherResponse:
    if not _STATIC_PATH.match(path):  # no query, fragment, "..", backslash, percent-escape or empty segment
        raise FetchRefused(f"not a static file name: {url[:200]!r}")
    file = (STATIC / path.lstrip("/")).resolve()
    if not file.is_relative_to(STATIC) or not file.is_file():
        raise FetchRefused(f"no such static file: {url[:200]!r}")
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    return URLFetcherResponse(url, body=file.read_bytes(), headers={"Content-Type": content_type})


class _Restricted(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's fetcher interface around a plain function; `open()` and `__call__` also end in `fetch`."""

    def __init__(self, fetch: Fetcher) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self._fetch = fetch

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        return self._fetch(url)


def yuan(amount: Decimal | int | str | None) -> str:
    """¥1,800.00 as a page prints it (domain.money); None (an amount nobody stated) as 未明确."""
    if amount is None or amount == "":
        return "未明确"
    return format_yuan(amount)


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 40 → 四十: clause numbers (第一条). Beyond 99, Arabic digits."""
    if 0 <= n < 10:
        return _DIGITS[n]
    if 10 <= n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    return str(n)


@functools.cache
def default_environment() -> jinja2.Environment:
    """Autoescaping everywhere, and an error (not an empty string) for a value the template names but lacks."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(paths.templates()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(name: str, values: Mapping[str, Any], *, templates: jinja2.Environment | None = None) -> str:
    """The HTML of template `name`, before layout, with the helpers a PDF template may call (`stylesheet`,
    `yuan`, `cn_number`) over `values`. `templates` must load it with autoescaping."""
    env = templates or default_environment()
    escapes = env.autoescape(name) if callable(env.autoescape) else env.autoescape
    if not escapes:
        raise ValueError("PDFs are rendered only with autoescaping on")
    helpers = {"stylesheet": STYLESHEET, "yuan": yuan, "cn_number": cn_number}
    return env.get_template(name).render({**values, **helpers})


def pdf_from_html(html: str, *, url_fetcher: Fetcher | None = None) -> bytes:
    """Lay out HTML as PDF, loading resources only through the (restricted) fetcher."""
    document = HTML(string=html, url_fetcher=_Restricted(url_fetcher or default_fetcher))
    pdf: bytes = document.write_pdf()
    return pdf
