"""The running app's settings and shared services, for views and commands.

The one place outside the composition root (`web.py`, `flow.py`) that reads `current_app`: services
receive what they need as arguments, views and commands ask here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, has_app_context

from casework.config import targets
from casework.infra.storage import Store, store_of

if TYPE_CHECKING:  # PDF layout (WeasyPrint) is imported only where a PDF is made
    from casework.infra.pdf_isolate import RenderLimits


def setting(key: str) -> Any:
    """One configuration value of the running app (casework/config.py documents each key)."""
    return current_app.config[key]


def demo_instance() -> bool:
    """Whether this is a demo instance (config DEMO): only there may a fictional rate table give an amount.
    Outside an app there is no instance to be a demo, so never."""
    return has_app_context() and bool(current_app.config.get("DEMO", False))


def mark_demo_instance() -> Path | None:
    """Make this instance a demo one, now and from the next start: DEMO = True in the running config and in
    instance/config.py (where `casework init` wrote the secrets). Returns the file written, or None."""
    current_app.config["DEMO"] = True
    target = Path(current_app.instance_path) / "config.py"
    text = target.read_text(encoding="utf-8") if target.exists() else ""
    if any(line.split("=")[0].strip() == "DEMO" for line in text.splitlines()):
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as fh:
        fh.write("\n# Written by `casework demo`: a demo instance; the fictional rate table may give amounts (flagged).\n"
                 "DEMO = True\n")
    return target


def running_app() -> Flask:
    """The app object itself, for work handed to another process (a batch export)."""
    return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]


def instance_folder() -> Path:
    return Path(current_app.instance_path)


def file_store() -> Store:
    """The app's one file store (evidence, letters, dossiers), built once by `create_app`."""
    return store_of(current_app)


def render_limits() -> RenderLimits:
    """How long and how much memory laying out one PDF may take (config PDF_RENDER_*)."""
    from casework.infra.pdf_isolate import RenderLimits

    return RenderLimits(seconds=float(current_app.config["PDF_RENDER_SECONDS"]),
                        memory_mb=int(current_app.config["PDF_RENDER_MEMORY_MB"]))


def deadline_targets() -> dict[str, int]:
    """The utility's own working-day targets (CASEWORK_TARGET_*_DAYS)."""
    return targets(current_app.config)
