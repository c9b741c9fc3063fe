"""Evidence in an S3 bucket (STORAGE_URL=s3://…) through the real HTTP client: the upload lands in the bucket
under its SHA-256, the download streams it back under its Chinese name (or sends the browser to a presigned
URL carrying that name), the fixity check finds an object changed in the bucket, and backup says what it
does with a bucket."""

from __future__ import annotations

import hashlib
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.cases.models import Case
from casework.domain.access import Role
from casework.domain.lifecycle import State
from casework.evidence.models import Evidence
from casework.infra.db import db
from casework.infra.s3_store import S3Store
from casework.infra.storage import store_of
from tests import s3server, samples
from tests.conftest import S3_PREFIX
from tests.factories import ctx, login, make_case, make_units, make_user
from tests.uploads import upload

PHOTO = samples.jpeg(640, 480)
SHA = hashlib.sha256(PHOTO).hexdigest()
NAME = "王芳家冰箱（烧毁）.jpg"


@pytest.fixture(autouse=True)
def _bucket(s3: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """This module's apps keep their files in the test bucket, whatever CASEWORK_TEST_STORAGE says."""
    monkeypatch.setenv("CASEWORK_STORAGE_URL", s3server.url(S3_PREFIX[0]))


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    field = make_user("field1", Role.FIELD, units["S1"])
    case = make_case(units["S1"], field, state=State.ASSESSED)
    client = app.test_client()
    login(client, "field1")
    assert upload(client, case.number, [(NAME, PHOTO)], "other").status_code == 303
    with ctx():
        row = db.session.scalar(select(Evidence).join(Case, Case.id == Evidence.case_id)
                                .where(Case.number == case.number))
        assert row is not None
        url = f"/cases/{case.number}/evidence/{row.public_id}/download"
    return {"client": client, "number": case.number, "url": url}


def _store(app: Flask) -> S3Store:
    store = store_of(app)
    assert isinstance(store, S3Store)
    return store


def test_an_upload_is_kept_in_the_bucket_under_its_sha256(app: Flask, world: dict[str, Any]) -> None:
    store = _store(app)
    key = f"{store.prefix}objects/{SHA}"
    body = s3server.client().get_object(Bucket=s3server.BUCKET, Key=key)["Body"]
    with body:
        assert body.read() == PHOTO
    assert not (Path(app.instance_path) / "evidence" / "objects").exists()  # nothing on this machine's disk
    assert list(store.staging_root.iterdir()) == []
    thumbnails = s3server.client().list_objects_v2(Bucket=s3server.BUCKET, Prefix=f"{store.prefix}derived/")
    assert [item["Key"] for item in thumbnails["Contents"]] == [f"{store.prefix}derived/{SHA}.jpg"]


def test_a_download_streams_the_bytes_under_the_chinese_name(app: Flask, world: dict[str, Any]) -> None:
    client: FlaskClient = world["client"]
    with client.get(world["url"]) as response:
        assert response.status_code == 200 and response.get_data() == PHOTO
        assert response.headers["Content-Length"] == str(len(PHOTO)) and response.headers["ETag"] == f'"{SHA}"'
        assert "filename*=UTF-8''%E7%8E%8B%E8%8A%B3" in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    with client.get(world["url"], headers={"If-None-Match": f'"{SHA}"'}) as again:
        assert again.status_code == 304 and again.get_data() == b""


def test_a_presigned_download_sends_the_browser_to_the_bucket_with_the_name(app: Flask, world: dict[str, Any]) -> None:
    app.config["STORAGE_PRESIGNED_DOWNLOADS"] = True
    with world["client"].get(world["url"]) as response:
        assert response.status_code == 302 and response.headers["Cache-Control"] == "no-store"
        location = response.headers["Location"]
    assert "X-Amz-Expires=300" in location
    with urllib.request.urlopen(location, timeout=10) as fetched:  # noqa: S310 - the test server on loopback
        assert fetched.read() == PHOTO
        named = fetched.headers["Content-Disposition"]
    assert named.startswith("attachment;") and "filename*=UTF-8''%E7%8E%8B%E8%8A%B3%E5%AE%B6" in named


def test_fixity_finds_an_object_changed_in_the_bucket_and_its_download_is_refused(app: Flask,
                                                                                   world: dict[str, Any]) -> None:
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["evidence", "verify"])
    assert clean.exit_code == 0 and "1 checked: 0 changed, 0 missing, 0 orphans" in clean.output
    assert s3server.BUCKET in clean.output
    damaged = bytearray(PHOTO)
    damaged[len(damaged) // 2] ^= 0x01
    s3server.client().put_object(Bucket=s3server.BUCKET, Key=f"{_store(app).prefix}objects/{SHA}", Body=bytes(damaged))
    found = runner.invoke(args=["evidence", "verify"])
    assert found.exit_code == 1
    changed = [line for line in found.output.splitlines() if line.startswith("CHANGED")]
    assert len(changed) == 1 and world["number"] in changed[0] and NAME in changed[0]
    assert f"now {hashlib.sha256(bytes(damaged)).hexdigest()}" in changed[0]
    with world["client"].get(world["url"]) as refused:
        assert refused.status_code == 409 and PHOTO not in refused.get_data()


def test_backup_refuses_a_bucket_and_says_what_protects_it(app: Flask, world: dict[str, Any], tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")])
    assert result.exit_code == 1
    assert f"s3://{s3server.BUCKET}/" in result.output and "versioning" in result.output
    assert not (tmp_path / "backup").exists()
