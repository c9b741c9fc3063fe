"""A disk that fills up during a LARGE upload says "storage full" (507), as it does for a small one (review F-14):
the page answering the refusal must not read the rest of the body the upload stopped reading."""

from __future__ import annotations

import errno
import os
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.domain.access import Role
from casework.domain.lifecycle import State
from casework.infra import storage
from tests import samples
from tests.factories import login, make_case, make_units, make_user
from tests.uploads import staging, stored, upload
from tests.web.test_evidence_faults import _nothing_kept


@pytest.fixture
def case_number(app: Flask) -> str:
    units = make_units()
    field = make_user("field1", Role.FIELD, units["S1"])
    return make_case(units["S1"], field, state=State.ASSESSED).number


def _field(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "field1")
    return client


def _disk_with(monkeypatch: pytest.MonkeyPatch, free: int) -> None:
    """The store's disk has `free` bytes left: the write that crosses it fails with ENOSPC, as on a full tmpfs."""
    real_write, written = os.write, [0]

    def write(fd: int, data: Any) -> int:
        if written[0] + len(data) > free:
            raise OSError(errno.ENOSPC, "No space left on device")
        written[0] += len(data)
        return real_write(fd, data)

    monkeypatch.setattr(storage.os, "write", write)


# The review's cases: 4 MB with 2 MB free, 16 and 17 MB with 11 MB free (17 MB is past MAX_CONTENT_LENGTH too).
@pytest.mark.parametrize(("size_mb", "free_mb"), [(4, 2), (16, 11), (17, 11)])
def test_a_large_upload_onto_a_full_disk_says_storage_full(app: Flask, case_number: str,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           size_mb: int, free_mb: int) -> None:
    client = _field(app)
    photo = samples.jpeg(800, 600)
    photo += os.urandom(size_mb * 1024 * 1024 - len(photo))
    _disk_with(monkeypatch, free_mb * 1024 * 1024)
    got = upload(client, case_number, [("big.jpg", photo)], "appliance_photos")
    assert got.status_code == 507, got.status_code
    assert "存储空间不足" in got.text and "提交的内容超过了允许的大小" not in got.text
    assert _nothing_kept(app) and staging(app) == []
    monkeypatch.undo()
    assert client.get(f"/cases/{case_number}/evidence").status_code == 200  # the app keeps serving
    assert upload(client, case_number, [("a.jpg", samples.jpeg(640, 480))], "appliance_photos").status_code == 303
    assert len(stored(app)) == 1


def test_a_file_over_the_limit_is_still_413_with_its_reason(app: Flask, case_number: str) -> None:
    app.config["EVIDENCE_MAX_FILE_BYTES"] = 1024 * 1024
    client = _field(app)
    got = upload(client, case_number, [("big.jpg", samples.jpeg(64, 48) + os.urandom(3 * 1024 * 1024))],
                 "appliance_photos")
    assert got.status_code == 413 and "big.jpg" not in got.text
    assert _nothing_kept(app) and staging(app) == []
