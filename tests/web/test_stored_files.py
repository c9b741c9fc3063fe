"""Fixity over everything the store holds (F-1, F-4, F-13), reproduced as the review did: a case with a
photo, a letter and a sealed dossier, all made through the pages. `--repair-orphans` moves none of them; a
flipped byte in any of them is reported CHANGED with its owner, marked damaged, audited, and its download
refuses with the reason instead of serving altered bytes under the recorded hash. Sealing anchors the chain."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from casework.audit.models import AuditAnchor, AuditEvent
from casework.cases.models import Case
from casework.decision.models import CaseDocument
from casework.dossier.models import DossierVersion
from casework.evidence.models import Evidence
from casework.infra.damage import DamageMark
from casework.infra.db import db
from tests import s3server, samples
from tests.conftest import csrf_from
from tests.factories import ctx
from tests.tsa import local_tsa
from tests.uploads import make_writable, object_at, quarantined, stored, upload
from tests.web.test_decision import SETTLE, _client, _post, ready, world  # noqa: F401 - the shared fixture

PHOTO = samples.jpeg(640, 480)
REFUSED = "文件未通过完整性校验"


def _object(app: Flask, sha256: str) -> Any:
    return object_at(app, sha256)


@pytest.fixture
def filed(app: Flask, world: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """A case with a photo, a settlement agreement and a sealed dossier; every object an hour and more old,
    as on the instance the nightly job runs on."""
    number = ready(world)
    legal = _client(app, "legal1")
    assert upload(legal, number, [("冰箱正面.jpg", PHOTO)], "appliance_photos").status_code == 303
    assert _post(legal, number, "propose", amount="1800", **SETTLE).status_code == 303
    assert _post(legal, number, "letter").status_code == 303
    token = csrf_from(legal.get(f"/cases/{number}").text)
    assert legal.post(f"/cases/{number}/dossier", data={"csrf_token": token}).status_code == 303
    with ctx():
        case_id = db.session.scalar(select(Case.id).where(Case.number == number))
        letter = db.session.scalars(select(CaseDocument).where(CaseDocument.case_id == case_id)).one()
        dossier = db.session.scalars(select(DossierVersion).where(DossierVersion.case_id == case_id)).one()
        photo = db.session.scalars(select(Evidence).where(Evidence.case_id == case_id)).one()
        keys = {"evidence": photo.sha256, "letter": letter.sha256, "dossier": dossier.sha256}
        urls = {"evidence": f"/cases/{number}/evidence/{photo.public_id}/download",
                "letter": f"/cases/{number}/documents/{letter.id}", "dossier": f"/cases/{number}/dossier/1"}
    old = time.time() - 2 * 3600
    for path in stored(app):
        if isinstance(path, Path):  # a bucket's objects cannot be aged; none of them is an orphan anyway
            os.utime(path, (old, old))
    return {"number": number, "case_id": case_id, "keys": keys, "urls": urls, "legal": legal}


def _get(client: Any, url: str) -> Any:
    with client.get(url) as response:
        response.get_data()
        return response


def test_repair_orphans_moves_no_letter_and_no_dossier_and_their_downloads_still_work(
        app: Flask, filed: dict[str, Any]) -> None:
    result = app.test_cli_runner().invoke(args=["evidence", "verify", "--repair-orphans"])
    assert result.exit_code == 0, result.output
    assert "evidence 1, letter 1, dossier 1" in result.output
    assert "ORPHAN" not in result.output and "moved 0 orphan(s)" in result.output
    assert "3 checked: 0 changed, 0 missing, 0 orphans" in result.output
    assert not any(quarantined(app, sha).exists() for sha in filed["keys"].values())
    for kind, url in filed["urls"].items():
        response = _get(filed["legal"], url)
        assert response.status_code == 200, kind
        assert hashlib.sha256(response.get_data()).hexdigest() == filed["keys"][kind]


def test_a_true_orphan_is_quarantined_once_it_is_old_and_never_while_a_row_may_still_come(
        app: Flask, filed: dict[str, Any]) -> None:
    if s3server.USE_S3:
        pytest.skip("an object's age in a bucket is the server's to say (quarantine itself: tests/infra)")
    young, old = b"promoted a moment ago, its row not yet committed", b"left by a crash yesterday"
    paths = {}
    for data in (young, old):
        sha = hashlib.sha256(data).hexdigest()
        paths[data] = _object(app, sha)
        paths[data].parent.mkdir(parents=True, exist_ok=True)
        paths[data].write_bytes(data)
    stale = time.time() - 2 * 3600
    os.utime(paths[old], (stale, stale))
    result = app.test_cli_runner().invoke(args=["evidence", "verify", "--repair-orphans"])
    assert result.exit_code == 0, result.output
    assert "moved 1 orphan(s)" in result.output and "left 1 younger than an hour" in result.output
    assert paths[young].exists() and not paths[old].exists()
    assert quarantined(app, paths[old].name).read_bytes() == old
    with ctx():
        assert db.session.scalar(select(AuditEvent.object_id).where(AuditEvent.action == "evidence.quarantine")) \
            == paths[old].name


def _flip(path: Any) -> None:
    make_writable(path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("kind", ["dossier", "letter", "evidence"])
def test_a_flipped_byte_is_reported_with_its_owner_marked_damaged_and_its_download_refused(
        app: Flask, filed: dict[str, Any], kind: str) -> None:
    sha = filed["keys"][kind]
    _flip(_object(app, sha))
    result = app.test_cli_runner().invoke(args=["evidence", "verify"])
    assert result.exit_code == 1, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("CHANGED")]
    name = {"dossier": "v1", "letter": "和解协议 第1版", "evidence": "冰箱正面.jpg"}[kind]
    assert line.split()[1:3] == [kind, filed["number"]] and f"  {name}  recorded {sha}" in line
    assert "marked 1 file(s) damaged" in result.output
    with ctx():
        mark = db.session.scalars(select(DamageMark).where(DamageMark.sha256 == sha)).one()
        assert mark.problem == "changed" and mark.cleared_at is None and mark.detected_by == "fixity"
        audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "file.damaged")).one()
        assert audit.case_id == filed["case_id"] and audit.object_id == sha and audit.after["owner"] == kind
    response = _get(filed["legal"], filed["urls"][kind])
    assert response.status_code == 409 and response.mimetype == "text/html"
    assert REFUSED in response.text and "SHA-256" in response.text and "备份恢复" in response.text
    assert response.headers.get("ETag") is None
    # A second run finds the same damage: still exit 1, no second mark or audit entry.
    again = app.test_cli_runner().invoke(args=["evidence", "verify"])
    assert again.exit_code == 1
    with ctx():
        assert len(db.session.scalars(select(DamageMark)).all()) == 1
        assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "file.damaged")).all()) == 1


@pytest.mark.parametrize("kind", ["dossier", "evidence"])
def test_a_download_rehashes_and_refuses_altered_bytes_even_before_the_nightly_check(
        app: Flask, filed: dict[str, Any], kind: str) -> None:
    sha = filed["keys"][kind]
    _flip(_object(app, sha))
    response = _get(filed["legal"], filed["urls"][kind])
    assert response.status_code == 409 and REFUSED in response.text
    with ctx():
        mark = db.session.scalars(select(DamageMark).where(DamageMark.sha256 == sha)).one()
        assert mark.detected_by == "download" and mark.found_sha256 != sha
        audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "file.damaged")).one()
        assert audit.actor_name == "legal1" and audit.after["url"] == filed["urls"][kind]


def test_above_the_rehash_limit_a_download_checks_the_size(app: Flask, filed: dict[str, Any]) -> None:
    app.config["VERIFY_ON_READ_MAX_BYTES"] = 0  # every file counts as large: size and marks only
    path = _object(app, filed["keys"]["dossier"])
    make_writable(path)
    path.write_bytes(path.read_bytes()[:-100])
    response = _get(filed["legal"], filed["urls"]["dossier"])
    assert response.status_code == 409 and REFUSED in response.text


def test_a_missing_file_is_marked_and_its_download_says_it_is_missing(app: Flask, filed: dict[str, Any]) -> None:
    _object(app, filed["keys"]["letter"]).unlink()
    result = app.test_cli_runner().invoke(args=["evidence", "verify"])
    assert result.exit_code == 1
    assert any(line.startswith("MISSING") and "letter" in line and filed["number"] in line
               for line in result.output.splitlines())
    response = _get(filed["legal"], filed["urls"]["letter"])
    assert response.status_code == 409 and "在存储中缺失" in response.text


def test_a_file_restored_from_backup_is_served_again(app: Flask, filed: dict[str, Any]) -> None:
    path = _object(app, filed["keys"]["dossier"])
    original = path.read_bytes()
    _flip(path)
    assert app.test_cli_runner().invoke(args=["evidence", "verify"]).exit_code == 1
    path.write_bytes(original)  # the operator restores the file
    result = app.test_cli_runner().invoke(args=["evidence", "verify"])
    assert result.exit_code == 0, result.output
    assert f"RESTORED {filed['keys']['dossier']}" in result.output
    assert _get(filed["legal"], filed["urls"]["dossier"]).status_code == 200
    with ctx():
        assert db.session.scalars(select(DamageMark)).one().cleared_at is not None
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "file.restored"))


def test_sealing_anchors_the_chain_head_with_a_tsa_token(app: Flask, world: dict[str, Any],  # noqa: F811
                                                         tmp_path: Path) -> None:
    number = ready(world)
    legal = _client(app, "legal1")
    with local_tsa(tmp_path / "tsa") as authority:
        app.config.update(TSA_URL=authority.url, TSA_CA_FILE=str(authority.ca_file))
        token = csrf_from(legal.get(f"/cases/{number}").text)
        assert legal.post(f"/cases/{number}/dossier", data={"csrf_token": token}).status_code == 303
    with ctx():
        seal = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "dossier.seal")).one()
        anchor = db.session.scalars(select(AuditAnchor)).one()
        assert (anchor.seq, anchor.hash, anchor.reason) == (seal.seq, seal.hash, "dossier.seal")
        assert anchor.token and anchor.tsa_url == authority.url
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"last anchored entry: seq {seal.seq} (dossier.seal" in result.output


def test_sealing_goes_on_when_the_tsa_is_down(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = ready(world)
    legal = _client(app, "legal1")
    app.config.update(TSA_URL="http://127.0.0.1:9/tsr", TSA_TIMEOUT_S=2)
    token = csrf_from(legal.get(f"/cases/{number}").text)
    assert legal.post(f"/cases/{number}/dossier", data={"csrf_token": token}).status_code == 303
    with ctx():
        anchor = db.session.scalars(select(AuditAnchor)).one()
        assert anchor.token is None and "not reachable" in (anchor.tsa_error or "")
        assert db.session.scalars(select(DossierVersion)).one().version == 1
