"""Where the app finds its files: the checkout's when no bundle is present, the wheel's bundle when it is
(test_wheel.py proves the built wheel; these check the choice itself, in a checkout)."""

from __future__ import annotations

from pathlib import Path

import pytest

from casework.infra import i18n, paths


@pytest.fixture
def bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A package with a bundle, as setup.py writes it into a wheel."""
    folder = tmp_path / "site" / "casework" / "bundled"
    for name in ("templates", "migrations", "vendor"):
        (folder / name).mkdir(parents=True)
    monkeypatch.setattr(paths, "BUNDLE", folder)
    return folder


def test_a_checkout_reads_its_own_folders_and_node_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.INSTANCE_VARIABLE, raising=False)
    assert not paths.installed()
    assert paths.templates() == paths.CHECKOUT / "templates"
    assert (paths.templates() / "base.html").is_file()
    assert (paths.migrations() / "env.py").is_file()
    assert paths.vendor_file("htmx.min.js") == (paths.CHECKOUT / "node_modules", "htmx.org/dist/htmx.min.js")
    assert paths.instance() == paths.CHECKOUT / "instance"


def test_an_installed_package_reads_its_bundle_and_keeps_its_instance_in_the_working_directory(
        bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.INSTANCE_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)
    assert paths.installed()
    assert (paths.templates(), paths.migrations()) == (bundle / "templates", bundle / "migrations")
    assert paths.vendor_file("echarts.min.js") == (bundle / "vendor", "echarts.min.js")
    assert paths.instance() == tmp_path / "instance"


@pytest.mark.parametrize("installed", [False, True])
def test_casework_instance_path_names_the_instance_either_way(
        installed: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if installed:
        (tmp_path / "bundled").mkdir()
        monkeypatch.setattr(paths, "BUNDLE", tmp_path / "bundled")
    monkeypatch.setenv(paths.INSTANCE_VARIABLE, str(tmp_path / "elsewhere"))
    assert paths.instance() == tmp_path / "elsewhere"


def test_an_installed_package_never_compiles_into_site_packages(bundle: Path) -> None:
    """The wheel's catalogues were compiled when it was built; site-packages may not even be writable."""
    assert i18n.compile_translations() == []
