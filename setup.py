"""The one build step pyproject.toml cannot declare: a wheel carries what a checkout keeps outside the package.

The checkout keeps templates/ and migrations/ at the top level (the project's layout) and gets htmx and ECharts from
npm (node_modules/, never committed). Building a wheel copies them into casework/bundled/ of the build (not of the
checkout) and compiles the translation catalogues, so an installed wheel needs no checkout; casework/infra/paths.py
reads the bundle when there is one. An editable install skips this step and reads the checkout itself.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def _paths() -> ModuleType:
    """casework/infra/paths.py by its file (the package cannot be imported while it is being built)."""
    spec = importlib.util.spec_from_file_location("casework_build_paths", HERE / "casework" / "infra" / "paths.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bundle(package: Path) -> None:
    """Copy templates, migrations and the npm files into `package`/bundled and compile its catalogues."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    paths = _paths()
    target = package / paths.BUNDLE.name
    shutil.rmtree(target, ignore_errors=True)  # a file removed from the checkout must not linger in build/
    for name in ("templates", "migrations"):
        shutil.copytree(HERE / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (target / "vendor").mkdir()
    for served, source in paths.VENDOR.items():
        npm_file = HERE / "node_modules" / source
        if not npm_file.is_file():
            raise SystemExit(f"{npm_file} is missing: run `npm ci` before building the wheel")
        shutil.copyfile(npm_file, target / "vendor" / served)
    for po_path in (HERE / "casework" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo_path = package / po_path.relative_to(HERE / "casework").with_suffix(".mo")
        with po_path.open("rb") as po, mo_path.open("wb") as mo:
            write_mo(mo, read_po(po))


class BuildWithBundle(build_py):
    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            bundle(Path(self.build_lib) / "casework")


setup(cmdclass={"build_py": BuildWithBundle})
