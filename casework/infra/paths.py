"""Where the app finds its templates, migrations, front-end libraries and instance folder.

A checkout keeps templates/ and migrations/ at the top level and the npm libraries in node_modules/; a built wheel
has no checkout, so setup.py copies them into the package (casework/bundled/) at build time. Every reader asks here,
and gets the wheel's copy when there is one, else the checkout's.

Standard library only: setup.py loads this file by its path to learn what to copy (casework itself is not
importable while it is being built).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
CHECKOUT = PACKAGE.parent
#: What setup.py's build step writes: templates/, migrations/ and vendor/ (the npm files, flat).
BUNDLE = PACKAGE / "bundled"

#: Front-end libraries installed from npm (package.json) that the app serves itself (no CDN): served name → file
#: under node_modules/.
VENDOR = {"htmx.min.js": "htmx.org/dist/htmx.min.js", "echarts.min.js": "echarts/dist/echarts.min.js"}

INSTANCE_VARIABLE = "CASEWORK_INSTANCE_PATH"


def installed() -> bool:
    """True when running from a built wheel (its bundle is present), False in a checkout or an editable install."""
    return BUNDLE.is_dir()


def templates() -> Path:
    return BUNDLE / "templates" if installed() else CHECKOUT / "templates"


def migrations() -> Path:
    return BUNDLE / "migrations" if installed() else CHECKOUT / "migrations"


def vendor_file(name: str) -> tuple[Path, str]:
    """(folder, path inside it) of the npm library served as `name` (one of VENDOR)."""
    if installed():
        return BUNDLE / "vendor", name
    return CHECKOUT / "node_modules", VENDOR[name]


def instance() -> Path:
    """CASEWORK_INSTANCE_PATH when set; else the checkout's instance/; installed from a wheel, ./instance of the
    working directory, the same place the checkout's layout puts it (never inside the virtual environment, which
    an upgrade may replace with the database and keys in it)."""
    if named := os.environ.get(INSTANCE_VARIABLE):
        return Path(named)
    if installed():
        return Path.cwd() / "instance"
    return CHECKOUT / "instance"
