"""The load balancer's probes: /healthz answers while the process serves, /readyz only while the database and
the file store answer; neither needs a login, sets a cookie, or says anything but which dependency failed."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from casework.infra.settings import file_store


def test_health_and_readiness_answer_without_a_login(app: Flask) -> None:
    client = app.test_client()
    alive = client.get("/healthz")
    assert alive.status_code == 200 and alive.get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json() == {"status": "ready"}
    assert "Set-Cookie" not in ready.headers and ready.headers["Cache-Control"] == "no-store"


def test_readiness_fails_when_the_store_cannot_be_reached(app: Flask, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    with app.app_context():
        store = file_store()
    if hasattr(store, "bucket"):  # an S3 store: a bucket the server does not have
        monkeypatch.setattr(store, "bucket", "no-such-bucket")
    else:  # the local disk: a folder that is not there
        monkeypatch.setattr(store, "root", tmp_path / "gone")
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503 and answer.get_json() == {"status": "unavailable", "failing": ["store"]}


def test_readiness_fails_when_the_database_does_not_answer(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from casework import health

    def broken() -> bool:
        raise ConnectionError("database went away")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503 and answer.get_json()["failing"] == ["database"]
    assert "went away" not in answer.text  # the log has the reason, the answer does not
