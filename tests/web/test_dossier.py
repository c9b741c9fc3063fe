"""The sealed dossier: every section in the PDF's text, the quoted provisions, page x of y on every page, a CJK
font, photos embedded as images, withdrawn evidence struck with its reason, versions never overwritten,
sealed automatically at closing, hostile values printed as text with nothing fetched."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.cases.models import Case
from casework.domain.access import Role
from casework.dossier.models import DossierVersion
from casework.evidence.models import Evidence
from casework.infra import pdf as render
from casework.infra.db import db
from casework.rulecheck.present import applied_rules
from casework.rulecheck.service import latest_assessment, table_of
from tests import samples
from tests.conftest import csrf_from
from tests.factories import ctx, load, make_user
from tests.uploads import upload
from tests.web.test_decision import SETTLE, _client, _post, ready, world  # noqa: F401 - the shared fixture

SECTIONS = ("卷内目录", "一、案件事实", "二、法律依据审查", "三、证据目录", "四、处理决定", "五、办理过程", "六、访问记录",
            "七、审计链", "备考表")


def _versions(number: str) -> list[DossierVersion]:
    with ctx():
        rows = list(db.session.scalars(select(DossierVersion).join(Case, Case.id == DossierVersion.case_id)
                                       .where(Case.number == number).order_by(DossierVersion.version)))
        for row in rows:
            db.session.expunge(row)
        return rows


def _pdf(client: Any, number: str, version: int) -> tuple[bytes, PdfReader]:
    with client.get(f"/cases/{number}/dossier/{version}") as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        data = response.get_data()
    return data, PdfReader(io.BytesIO(data))


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def settled(app: Flask, world: dict[str, Any]) -> str:  # noqa: F811
    """A case settled, approved and paid, with two photos (one withdrawn): the next step is closing."""
    number = ready(world)
    legal = _client(app, "legal1")
    upload(legal, number, [("冰箱正面.jpg", samples.jpeg(800, 600)), ("错拍.jpg", samples.jpeg(640, 480))],
           "appliance_photos")
    with ctx():
        wrong = db.session.scalar(select(Evidence.public_id).where(Evidence.original_name == "错拍.jpg"))
    token = csrf_from(legal.get(f"/cases/{number}/evidence").text)
    legal.post(f"/cases/{number}/evidence/{wrong}/withdraw", data={"csrf_token": token, "reason": "拍的是邻居家"})
    assert _post(legal, number, "propose", amount="1800", **SETTLE).status_code == 303
    assert _post(_client(app, "legal2"), number, "decide", approve="1").status_code == 303
    assert _post(legal, number, "payment", pay_amount="1800", paid_on="2026-11-20", voucher="PZ-0042").status_code == 303
    return number


def _settled_and_closed(app: Flask, world: dict[str, Any]) -> str:  # noqa: F811
    number = settled(app, world)
    legal = _client(app, "legal1")
    token = csrf_from(legal.get(f"/cases/{number}").text)
    assert legal.post(f"/cases/{number}/events/close", data={"csrf_token": token, "confirm": "1"}).status_code == 303
    assert load(Case, number=number).state == "closed"  # type: ignore[union-attr]
    return number


def test_closing_seals_a_dossier_with_every_section(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = _settled_and_closed(app, world)
    sealed = _versions(number)
    assert [v.version for v in sealed] == [1]  # sealed automatically at closing
    data, pdf = _pdf(_client(app, "legal1"), number, 1)
    assert hashlib.sha256(data).hexdigest() == sealed[0].sha256
    pages = [page.extract_text() for page in pdf.pages]
    text = _flat("".join(pages))
    for heading in SECTIONS:
        assert text.count(heading) >= 2, heading  # in the table of contents and as a heading
    n = len(pages)
    for i, page in enumerate(pages, start=1):
        assert f"第 {i} 页 共 {n} 页" in page and number in page
    with ctx():
        case = db.session.scalar(select(Case).where(Case.number == number))
        snapshot = latest_assessment(db.session, case.id)
        rules = applied_rules(table_of(db.session, snapshot.rule_table_version), snapshot.result)
    # every provision of every applied rule, quoted in full (the rule's fragment only where no full text is on file)
    assert rules and all(_flat(p.text) in text for rule in rules for p in rule.provisions)
    assert "冰箱正面.jpg" in text and "拍的是邻居家" in text and "PZ-0042" in text and "Legal2" in text
    assert sealed[0].chain_head in text
    with ctx():
        photo = db.session.scalar(select(Evidence.sha256).where(Evidence.original_name == "冰箱正面.jpg"))
    assert photo in text
    fonts = {str(font.get_object()["/BaseFont"]) for page in pdf.pages
             for font in (page["/Resources"].get("/Font") or {}).values()}
    assert any("Noto" in f for f in fonts), fonts
    images = sum(1 for page in pdf.pages for _ in page.images)
    assert images >= 2  # both photos' thumbnails, embedded as data


def test_sealing_again_is_a_new_version_and_the_old_one_stays(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = ready(world)
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    auditor = _client(app, "audit1")
    for _ in range(2):
        token = csrf_from(auditor.get(f"/cases/{number}").text)
        assert auditor.post(f"/cases/{number}/dossier", data={"csrf_token": token}).status_code == 303
    first, second = _versions(number)
    assert (first.version, second.version) == (1, 2) and first.sha256 != second.sha256
    data, _ = _pdf(auditor, number, 1)
    assert hashlib.sha256(data).hexdigest() == first.sha256
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "dossier.seal")) == 2
    field = _client(app, "field1")
    token = csrf_from(field.get(f"/cases/{number}").text)
    assert field.post(f"/cases/{number}/dossier", data={"csrf_token": token}).status_code == 403


def test_hostile_values_print_as_text_and_nothing_is_fetched(app: Flask, world: dict[str, Any],  # noqa: F811
                                                             monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    name = '<img src="file:///etc/passwd">'
    number = ready(world, claimant_name=name, address='<link rel=stylesheet href="http://169.254.169.254/x.css">')
    log = tmp_path / "fetched.txt"  # the layout runs in a forked child: the spy writes where the test can read
    real = render.default_fetcher

    def spy(url: str) -> Any:
        with log.open("a") as out:
            out.write(url[:60] + "\n")
        return real(url)

    monkeypatch.setattr(render, "default_fetcher", spy)
    legal = _client(app, "legal1")
    token = csrf_from(legal.get(f"/cases/{number}").text)
    legal.post("/language", data={"csrf_token": token, "lang": "en"})
    assert "Dossier" in legal.get(f"/cases/{number}").text
    assert legal.post(f"/cases/{number}/dossier", data={"csrf_token": token}).status_code == 303
    _, pdf = _pdf(legal, number, 1)
    text = "".join(page.extract_text() for page in pdf.pages)
    assert _flat(name) in _flat(text)
    assert "家电损坏" in text and "审查结论" in text  # Chinese, though sealed from an English page
    seen = log.read_text().splitlines()
    assert seen and all(url.startswith(("casework-static:", "data:")) for url in seen), seen
