"""Exporting cases as bundles from the command line, and verifying them offline: what a bundle holds, that
each export is audited with its manifest's hash, and that a changed byte is named."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.cli import main
from casework.domain.access import Role
from casework.dossier.models import DossierVersion
from casework.export.verify import verify_paths
from casework.infra.db import db
from tests import samples
from tests.conftest import csrf_from
from tests.factories import ctx, make_case, make_user
from tests.uploads import upload
from tests.web.test_decision import SETTLE, _client, _post, ready, world  # noqa: F401 - the shared fixture


def test_export_writes_bundles_that_verify_and_name_a_changed_byte(app: Flask, world: dict[str, Any],  # noqa: F811
                                                                    tmp_path: Path) -> None:
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    numbers = [ready(world) for _ in range(3)]
    legal = _client(app, "legal1")
    upload(legal, numbers[0], [("冰箱.jpg", samples.jpeg()), ("错拍.jpg", samples.jpeg(320, 240))], "appliance_photos")
    page = legal.get(f"/cases/{numbers[0]}/evidence").text
    wrong = page.split("错拍.jpg")[0].rsplit('id="e-', 1)[1].split('"')[0]
    legal.post(f"/cases/{numbers[0]}/evidence/{wrong}/withdraw", data={"csrf_token": csrf_from(page), "reason": "错"})
    _post(legal, numbers[0], "propose", amount="1800", **SETTLE)
    _post(legal, numbers[0], "letter")

    out = tmp_path / "bundles"
    result = app.test_cli_runner().invoke(args=["export", "--out", str(out), "--user", "audit1"])
    assert result.exit_code == 0, result.output
    bundles = sorted(out.glob("*.zip"))
    assert [b.stem for b in bundles] == sorted(numbers)
    assert all(report.ok for report in verify_paths([out]))
    with zipfile.ZipFile(out / f"{numbers[0]}.zip") as bundle:
        names = bundle.namelist()
        manifest = json.loads(bundle.read("manifest.json"))
    assert "dossier.pdf" in names and any(n.startswith("evidence/") and n.endswith("冰箱.jpg") for n in names)
    assert any(n.startswith("withdrawn/") and n.endswith("错拍.jpg") for n in names)
    assert any(n.startswith("documents/和解协议-v1") for n in names)
    assert manifest["exporter"] == "audit1" and manifest["case_number"] == numbers[0]
    with ctx():
        audited = {e.object_id: e.after for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export.case"))}
    assert set(audited) == set(numbers) and audited[numbers[0]]["manifest_sha256"] == manifest["manifest_sha256"]

    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(out / f"{numbers[0]}.zip") as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "dossier.pdf":
                data = data[:500] + bytes([data[500] ^ 1]) + data[501:]
            dst.writestr(info, data)
    offline = CliRunner().invoke(main, ["verify", str(tampered), str(out)])
    assert offline.exit_code == 1 and "dossier.pdf" in offline.output
    assert CliRunner().invoke(main, ["verify", str(out)]).exit_code == 0


def test_a_batch_of_200_cases_on_two_workers_gives_200_bundles_that_verify(app: Flask, world: dict[str, Any],  # noqa: F811
                                                                         tmp_path: Path) -> None:
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    numbers = {make_case(world["units"]["S1" if i % 2 else "S2"], world["field"], claimant_name=f"王{i}").number
               for i in range(200)}
    out = tmp_path / "bundles"
    result = app.test_cli_runner().invoke(args=["export", "--out", str(out), "--user", "audit1", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "200 bundles written" in result.output
    reports = verify_paths([out])
    assert len(reports) == 200 and all(report.ok for report in reports)
    assert {Path(report.bundle).stem for report in reports} == numbers
    with ctx():
        exported = db.session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "export.case")).all()
        sealed = db.session.scalar(select(func.count()).select_from(DossierVersion))
    assert sorted(exported) == sorted(numbers) and sealed == 200  # each case sealed once, exported once
