"""A dossier is laid out in a child process with a time limit (RELIABILITY.md, fault 13): past the limit
nothing is sealed, stored or closed and the officer is told to retry; within it, hostile content (a
40,000-pixel-wide photo, five hundred evidence items, a very long file name) seals as an ordinary dossier."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from pypdf import PdfReader
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.cases.models import Case
from casework.dossier.models import DossierVersion
from casework.evidence.models import Evidence
from casework.infra.db import db
from tests import samples
from tests.conftest import csrf_from
from tests.factories import ctx, load
from tests.uploads import stored, upload
from tests.web.test_decision import _client, ready, world  # noqa: F401 - the shared fixture
from tests.web.test_dossier import settled


def _counts() -> tuple[int, int]:
    with ctx():
        return (db.session.scalar(select(func.count()).select_from(DossierVersion)) or 0,
                db.session.scalar(select(func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.action == "dossier.seal")) or 0)


def test_a_seal_past_its_time_limit_keeps_nothing_and_says_retry(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = ready(world)
    legal = _client(app, "legal1")
    app.config["PDF_RENDER_SECONDS"] = 0.001  # no dossier is laid out in a millisecond
    files = stored(app)
    token = csrf_from(legal.get(f"/cases/{number}").text)
    response = legal.post(f"/cases/{number}/dossier", data={"csrf_token": token})
    assert response.status_code == 303 and response.location.endswith(f"/cases/{number}")
    assert "文件生成超时，未保存任何内容，请稍后重试" in legal.get(f"/cases/{number}").text
    assert _counts() == (0, 0) and stored(app) == files
    app.config["PDF_RENDER_SECONDS"] = 120  # the retry the message asks for works
    assert legal.post(f"/cases/{number}/dossier", data={"csrf_token": token}).status_code == 303
    assert _counts() == (1, 1)


def test_closing_stays_undone_when_the_dossier_cannot_be_sealed(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = settled(app, world)
    legal = _client(app, "legal1")
    app.config["PDF_RENDER_SECONDS"] = 0.001
    token = csrf_from(legal.get(f"/cases/{number}").text)
    assert legal.post(f"/cases/{number}/events/close", data={"csrf_token": token, "confirm": "1"}).status_code == 303
    assert load(Case, number=number).state != "closed"  # type: ignore[union-attr]
    assert _counts() == (0, 0)
    with ctx():
        assert not db.session.scalar(select(func.count()).select_from(AuditEvent)
                                     .where(AuditEvent.action == "case.close"))


def test_hostile_evidence_seals_within_the_limit(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = ready(world)
    legal = _client(app, "legal1")
    long_name = "现场" * 60 + ".png"
    first = [("全景-40000像素.png", samples.png(40_000, 600)), (long_name, samples.png(200, 30))]
    first += [(f"照片{i:03d}.png", samples.png(64 + i % 50, 48 + i // 50)) for i in range(298)]
    second = [(f"照片{i:03d}.png", samples.png(64 + i % 50, 48 + i // 50)) for i in range(298, 498)]
    for batch in (first, second):
        assert upload(legal, number, batch, "appliance_photos").status_code == 303
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(Evidence)) == 500
    app.config["PDF_RENDER_SECONDS"] = 90
    token = csrf_from(legal.get(f"/cases/{number}").text)
    assert legal.post(f"/cases/{number}/dossier", data={"csrf_token": token}).status_code == 303
    assert _counts() == (1, 1)
    with legal.get(f"/cases/{number}/dossier/1") as response:
        pdf = PdfReader(io.BytesIO(response.get_data()))
    text = "".join(page.extract_text() for page in pdf.pages).replace("\n", "")
    assert "500." in text and "全景-40000像素.png" in text and long_name in text
    images = {ref.idnum for page in pdf.pages for ref in (page["/Resources"].get("/XObject") or {}).values()
              if ref.get_object()["/Subtype"] == "/Image"}
    assert len(images) == 500  # every photo's thumbnail, embedded once (pages share one resource dictionary)
