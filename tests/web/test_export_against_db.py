"""`casework verify --against-db`: a bundle that is intact offline is also compared with the database — the case,
the sealed dossier version, every evidence item and letter, the audit chain head and the export's audit entry."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask

from casework.cli import main
from casework.domain.access import Role
from casework.export.bundle import MANIFEST, Entry, write_bundle
from casework.export.verify import verify_bundle
from tests import samples
from tests.conftest import csrf_from
from tests.factories import make_user
from tests.uploads import upload
from tests.web.test_decision import SETTLE, _client, _post, ready, world  # noqa: F401 - the shared fixture


@pytest.fixture
def exported(app: Flask, world: dict[str, Any], tmp_path: Path) -> tuple[str, Path]:  # noqa: F811
    """One case with a photo, a withdrawn photo and a letter, exported by an auditor: (number, bundle)."""
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    number = ready(world)
    legal = _client(app, "legal1")
    upload(legal, number, [("冰箱.jpg", samples.jpeg(64, 48)), ("错拍.jpg", samples.jpeg(48, 32))], "appliance_photos")
    _withdraw(app, number, "错拍.jpg")
    _post(legal, number, "propose", amount="1800", **SETTLE)
    _post(legal, number, "letter")
    out = tmp_path / "bundles"
    result = app.test_cli_runner().invoke(args=["export", "--out", str(out), "--user", "audit1"])
    assert result.exit_code == 0, result.output
    return number, out / f"{number}.zip"


def _withdraw(app: Flask, number: str, name: str) -> None:
    legal = _client(app, "legal1")
    page = legal.get(f"/cases/{number}/evidence").text
    public_id = page.split(name)[0].rsplit('id="e-', 1)[1].split('"')[0]
    legal.post(f"/cases/{number}/evidence/{public_id}/withdraw", data={"csrf_token": csrf_from(page), "reason": "错"})


def _verify(app: Flask, *paths: Path) -> Result:
    return app.test_cli_runner().invoke(main, ["verify", "--against-db", *map(str, paths)])


def _rebuild(bundle: Path, target: Path, *, add: tuple[Entry, ...] = (), **manifest: Any) -> Path:
    """The same files (plus `add`) written afresh by write_bundle: a consistent manifest, so it verifies offline."""
    with zipfile.ZipFile(bundle) as zf:
        old = json.loads(zf.read(MANIFEST))
        entries = [Entry(item["path"], zf.read(item["path"])) for item in old["files"]]
    fields = {"case_number": old["case_number"], "exporter": old["exporter"],
              "audit_chain_head": old["audit_chain_head"],
              "exported_at": datetime.strptime(old["exported_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)}
    write_bundle(target, [*entries, *add], **{**fields, **manifest})
    assert verify_bundle(target).ok
    return target


def test_an_untouched_bundle_matches_the_database(app: Flask, exported: tuple[str, Path]) -> None:
    number, bundle = exported
    result = _verify(app, bundle)
    assert result.exit_code == 0, result.output
    assert f"{number}: OK (matches the database)" in result.output
    assert "dossier.pdf is sealed version 1" in result.output and "newer" not in result.output
    assert "1 bundle compared with the database: 1 match, 0 differ" in result.output


def test_an_evidence_file_the_database_does_not_hold_is_named(app: Flask, exported: tuple[str, Path],
                                                              tmp_path: Path) -> None:
    number, bundle = exported
    forged = _rebuild(bundle, tmp_path / "forged.zip",
                      add=(Entry("evidence/0badf00d-补拍.jpg", samples.jpeg(32, 32)),))
    result = _verify(app, forged)
    assert result.exit_code == 1, result.output
    assert f"BAD {forged}  {number}: does not match the database" in result.output
    assert "evidence/0badf00d-补拍.jpg: not an evidence item of this case in the database" in result.output
    assert "the audit trail records no export of this bundle" in result.output  # its manifest is a new one


def test_a_dossier_sealed_after_the_export_still_matches_and_the_newer_version_is_named(
        app: Flask, exported: tuple[str, Path]) -> None:
    number, bundle = exported
    auditor = _client(app, "audit1")
    token = csrf_from(auditor.get(f"/cases/{number}").text)
    assert auditor.post(f"/cases/{number}/dossier", data={"csrf_token": token}).status_code in (302, 303)
    result = _verify(app, bundle)
    assert result.exit_code == 0, result.output
    assert "OK (matches the database)" in result.output and "dossier.pdf is sealed version 1" in result.output
    assert "a newer dossier has been sealed since: version 2" in result.output


def test_evidence_changed_after_the_export_is_named(app: Flask, exported: tuple[str, Path]) -> None:
    number, bundle = exported
    legal = _client(app, "legal1")
    upload(legal, number, [("补充照片.jpg", samples.jpeg(40, 30))], "appliance_photos")
    _withdraw(app, number, "冰箱.jpg")
    result = _verify(app, bundle)
    assert result.exit_code == 1, result.output
    assert "missing from the bundle: evidence '补充照片.jpg' (uploaded after this export" in result.output
    assert "冰箱.jpg: withdrawn after this export" in result.output


def test_a_case_the_database_does_not_hold_is_named(app: Flask, exported: tuple[str, Path], tmp_path: Path) -> None:
    _, bundle = exported
    stranger = _rebuild(bundle, tmp_path / "stranger.zip", case_number="PC-2099-999999")
    result = _verify(app, stranger)
    assert result.exit_code == 1, result.output
    assert "case PC-2099-999999 is not in the database" in result.output


def test_a_chain_head_outside_the_audit_trail_is_named(app: Flask, exported: tuple[str, Path],
                                                       tmp_path: Path) -> None:
    _, bundle = exported
    rechained = _rebuild(bundle, tmp_path / "rechained.zip", audit_chain_head="ab" * 32)
    result = _verify(app, rechained)
    assert result.exit_code == 1, result.output
    assert f"audit chain head {'ab' * 32} is not an entry of the audit trail" in result.output


def test_a_bundle_damaged_offline_is_not_compared(app: Flask, exported: tuple[str, Path], tmp_path: Path) -> None:
    _, bundle = exported
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(damaged, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, b"%PDF-forged" if info.filename == "dossier.pdf" else src.read(info))
    result = _verify(app, damaged)
    assert result.exit_code == 1, result.output
    assert "changed: dossier.pdf" in result.output and "no intact bundle to compare" in result.output
