"""The languages pages speak, and compiling their catalogues (.po → .mo; `casework init` and the tests run this).

A wheel carries catalogues compiled when it was built (setup.py), so an installed package never writes into
site-packages."""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = {"zh": "中文", "en": "English"}  # Chinese first
CATALOGUES = Path(__file__).resolve().parents[1] / "translations"


def compile_translations() -> list[Path]:
    """Write every messages.mo that is missing or older than its .po; return what was written."""
    from casework.infra import paths

    if paths.installed():
        return []
    written = []
    for po_path in CATALOGUES.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        tmp = mo_path.with_suffix(f".mo.{os.getpid()}.tmp")  # processes starting together each write their own
        with tmp.open("wb") as fh:
            write_mo(fh, catalog)
        tmp.replace(mo_path)
        written.append(mo_path)
    return written
