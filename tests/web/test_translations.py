"""Every string the UI shows in Chinese has an English translation, and the catalogue matches the sources."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def _ids(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        catalog = read_po(fh)
    return {m.id: m.string for m in catalog if m.id and not m.fuzzy}


def test_english_catalogue_covers_every_marked_string(tmp_path: Path) -> None:
    pot = tmp_path / "fresh.pot"
    subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
         "-k", "lazy_gettext", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    in_sources = set(_ids(pot))
    english = _ids(ROOT / "casework/translations/en/LC_MESSAGES/messages.po")
    missing = sorted(in_sources - {k for k, v in english.items() if v})
    assert missing == [], "run the update commands in casework/translations/README.md and translate these"
