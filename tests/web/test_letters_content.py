"""Letters a lawyer would sign, from the demo data through HTTP to the PDF's text: the signing legal entity
(never a station), the full provisions with a sentence on this claim, waived evidence with its reasons, the
full ID on the agreement for legal roles only (audited), no clause twice, and the seal kept with the text."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.auth.models import Unit
from casework.cases.models import Case
from casework.decision.letters import REMEDIES, letter_pdf
from casework.domain.rules.provisions import provisions_of
from casework.infra.db import db
from casework.rulecheck.service import latest_assessment, table_of
from casework.ui.filters import day
from tests.conftest import csrf_from
from tests.factories import ctx, load, login
from tests.web.test_documents import values

ENTITY = "国网江城市青山县供电公司"  # the demo county company that signs for 青山镇供电所
STATION = "青山镇供电所"
ID_NUMBER = "330102198807150422"
ACCOUNT = "6222020200112233445"
CODES = re.compile(r"\b(land_tower|appliance|injury|utility_fault|hv_threshold_kv|settlement_agreement)\b|第\d+步")


def _demo(app: Flask) -> dict[str, FlaskClient]:
    output = app.test_cli_runner().invoke(args=["demo"]).output
    clients = {}
    for username, password in re.findall(r"^\s+(demo\.\w+)\s+\w+\s+\S+\s+password: (\S+)$", output, re.M):
        clients[username] = app.test_client()
        assert login(clients[username], username, password).status_code == 302
    return clients


def _ready(category: str) -> str:
    with ctx():
        number = db.session.scalar(select(Case.number).where(Case.category == category,
                                                             Case.state == "evidence_complete",
                                                             Case.description.contains("示范数据")))
    assert number, category
    return str(number)


def _post(client: FlaskClient, number: str, action: str, **data: str) -> Any:
    token = csrf_from(client.get(f"/cases/{number}/decision").text)
    return client.post(f"/cases/{number}/decision/{action}", data={"csrf_token": token, **data})


def _generate(client: FlaskClient, number: str) -> tuple[str, str]:
    """(the flash after generating, the download link of the newest letter)"""
    response = _post(client, number, "letter")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    links = re.findall(rf'href="(/cases/{number}/documents/\d+)"', page)
    assert links
    return page, links[-1]


def _pages(client: FlaskClient, link: str) -> list[str]:
    with client.get(link) as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        return ["".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.get_data())).pages]


def _events(action: str) -> list[AuditEvent]:
    with ctx():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                       .order_by(AuditEvent.seq)))


def _flat(text: str) -> str:
    return "".join(text.split())


def test_the_settlement_agreement_is_signed_by_the_legal_entity_and_shows_the_full_id(app: Flask) -> None:
    people = _demo(app)
    legal, head = people["demo.legal"], people["demo.head"]
    fridge = _ready("appliance")
    with ctx():  # the officer has the claimant's ID on file (the demo claimants have none)
        on_file = db.session.scalar(select(Case).where(Case.number == fridge))
        assert on_file is not None
        on_file.claimant_id_number = ID_NUMBER
        db.session.commit()
    assert _post(legal, fridge, "propose", kind="settle", amount="1800", payee="刘桂兰", payment_method="bank_transfer",
                 bank_account=ACCOUNT,
                 terms="甲方于本协议生效之日起十五日内支付上述款项。\n本协议一式两份 甲乙双方各执一份，"
                       "自双方签字（盖章）之日起生效\n甲方于本协议生效之日起十五日内，支付上述款项").status_code == 303
    assert _post(head, fridge, "decide", approve="1").status_code == 303
    page, link = _generate(legal, fridge)
    assert "已生成：和解协议 第1版。" in page and "settlement_agreement" not in page
    text = "".join(_pages(legal, link))
    case = load(Case, number=fridge)
    assert case is not None
    assert f"甲方（赔偿方）：{ENTITY}" in text and f"甲方：{ENTITY}" in text and f"经办单位：{STATION}" in text
    assert f"身份证号码：{ID_NUMBER}" in text and ACCOUNT in text and "*" not in text  # nothing masked: it is signed
    assert text.count("一式两份") == 1 and text.count("十五日内") == 1  # a clause typed twice prints once
    with ctx():
        snapshot = latest_assessment(db.session, case.id)
        passing = [i["name"] for i in snapshot.result["items"] if i["method"] != "repair"]  # type: ignore[union-attr]
    assert passing and "下列受损电器的所有权归甲方所有" in text
    for name in passing:
        assert _flat(name) in text
    assert not CODES.search(text)

    downloads = len(_events("document.download"))
    for role in ("demo.field", "demo.auditor"):
        with people[role].get(link) as response:
            assert response.status_code in (403, 404), role
    denied = [e for e in _events("document.denied") if e.after and e.after.get("kind") == "settlement_agreement"]
    assert len(denied) == 2 and {e.actor_name for e in denied} == {"demo.field", "demo.auditor"}
    assert len(_events("document.download")) == downloads  # a refusal is not a download
    auditor_page = people["demo.auditor"].get(f"/cases/{fridge}/decision").text
    assert link not in auditor_page and "仅法务人员可下载" in auditor_page  # no link that would only refuse
    with people["demo.head"].get(link) as response:
        assert response.status_code == 200
    assert _events("document.download")[-1].actor_name == "demo.head"

    legal.post("/language", data={"csrf_token": csrf_from(legal.get(f"/cases/{fridge}/decision").text), "lang": "en"})
    page, link = _generate(legal, fridge)
    assert "Generated: Settlement agreement, version 2." in page and "settlement_agreement" not in page
    assert f"甲方（赔偿方）：{ENTITY}" in "".join(_pages(legal, link))  # the letter itself stays Chinese



def test_the_rejection_letter_gives_legal_reasons_with_full_provisions_and_the_claims_facts(app: Flask) -> None:
    people = _demo(app)
    legal, head = people["demo.legal"], people["demo.head"]
    tower = _ready("land_tower")
    assert _post(legal, tower, "propose", kind="reject").status_code == 303
    assert _post(head, tower, "decide", approve="1").status_code == 303
    _page, link = _generate(legal, tower)
    pages = _pages(legal, link)
    text = "".join(pages)
    case = load(Case, number=tower)
    assert case is not None
    with ctx():
        snapshot = latest_assessment(db.session, case.id)
        assert snapshot is not None
        table = table_of(db.session, snapshot.rule_table_version)
        applied = [key for key, v in snapshot.result["rule_results"].items() if v == "applies"]
        rows = {(f"{r.id}#{r.variant}" if r.variant else r.id): r for r in table.rules}  # the row itself, variant too
        provisions = [p for key in applied for p in provisions_of(rows[key])]
    assert provisions
    for provision in provisions:  # each provision relied on, quoted in full (the catalogue's text, or the fallback)
        assert _flat(f"{provision.citation}规定：“{provision.text}”") in text, provision.citation
    assert "“”" not in text
    assert _flat(f"本案中，{day(case.event_on, 'zh')}") in text and "土地" in text or "杆塔" in text
    assert "第1步" not in text and not CODES.search(text)
    assert f"{ENTITY}（盖章）" in text and f"{STATION}（盖章）" not in text and "本公司已受理" in text
    assert _flat(REMEDIES) in text


def test_the_referral_memo_quotes_every_provision_and_lists_waived_evidence(app: Flask) -> None:
    people = _demo(app)
    legal, head = people["demo.legal"], people["demo.head"]
    injury = _ready("injury")
    assert _post(legal, injury, "propose", kind="escalate", litigation_role="defendant", court="青山县人民法院",
                 cause="触电人身损害责任纠纷", risk="受害人攀爬电杆，有重大过失，可减轻责任。").status_code == 303
    assert _post(head, injury, "decide", approve="1", comment="同意应诉").status_code == 303
    _page, link = _generate(legal, injury)
    text = "".join(_pages(legal, link))
    assert "“”" not in text and "规定：“" in text
    assert "案件类别" not in text and "参数" not in text and not CODES.search(text)
    assert "经审核免予提交的证据" in text and "示范数据：原件在纸质卷宗中，已核对。" in text and "李敏" in text
    assert f"{ENTITY}（盖章）" in text


def test_an_admin_sets_the_legal_entity_and_the_change_is_audited(app: Flask) -> None:
    people = _demo(app)
    admin = people["demo.admin"]
    with ctx():
        county = db.session.scalar(select(Unit).where(Unit.code == "DEMO-JC-QS"))
        assert county is not None
        county_id = county.id
    page = admin.get(f"/admin/units/{county_id}").text
    assert ENTITY in page
    response = admin.post(f"/admin/units/{county_id}", data={
        "csrf_token": csrf_from(page), "legal_name": "国网江城市青山县供电有限公司", "signing_unit_id": "0"})
    assert response.status_code == 302
    event = _events("unit.update")[-1]
    assert event.before == {"legal_name": ENTITY, "signing_unit": None}
    assert event.after == {"legal_name": "国网江城市青山县供电有限公司", "signing_unit": None}
    assert "国网江城市青山县供电有限公司" in admin.get("/admin/units").text  # the station now signs through it


@pytest.mark.parametrize("kind", ["rejection_letter", "referral_memo", "settlement_agreement"])
def test_the_seal_never_stands_alone_on_the_last_page(kind: str) -> None:
    """Letters padded so the page break falls at every point near the end: the last page always holds the
    paragraph above the seal (the remedies, the request to counsel, the last clause)."""
    last_paragraph = {"rejection_letter": values(kind).get("remedies", ""), "referral_memo": "请贵方接收上述材料",
                      "settlement_agreement": "本协议一式两份"}[kind]
    seal = "签字（盖章）" if kind == "settlement_agreement" else "江城市供电公司（盖章）"
    for n in range(14, 24, 2):
        filler = f"本段用于把文书撑过一页，检验落款不会单独成页。{'理由' * 10}" * n
        padding = {"rejection_letter": {"extra": filler}, "referral_memo": {"risk": filler},
                   "settlement_agreement": {"note": filler}}[kind]
        pages = ["".join(p.extract_text().split())
                 for p in PdfReader(io.BytesIO(letter_pdf(kind, values(kind, **padding)))).pages]
        assert len(pages) >= 2, n
        last = pages[-1]
        assert seal in last, n
        assert _flat(last_paragraph)[:20] in last and last.index(_flat(last_paragraph)[:20]) < last.index(seal), n
