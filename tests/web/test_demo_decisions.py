"""Issue 6's "done when", from the demo data: the officer settles the appliance case, rejects the tower-rent
claim on its legal grounds and escalates the injury case, the head approves, and each letter downloads as
a PDF with the case number, the parties and the grounds in it."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from casework.cases.models import Case
from casework.infra.db import db
from tests.conftest import csrf_from
from tests.factories import ctx, load, login


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


def _letter(client: FlaskClient, number: str) -> str:
    assert _post(client, number, "letter").status_code == 303
    link = re.search(rf'href="(/cases/{number}/documents/\d+)"', client.get(f"/cases/{number}/decision").text)
    assert link
    with client.get(link.group(1)) as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        pdf = PdfReader(io.BytesIO(response.get_data()))
    return "".join(page.extract_text() for page in pdf.pages)


def test_settle_reject_and_escalate_from_the_demo(app: Flask) -> None:
    people = _demo(app)
    legal, head = people["demo.legal"], people["demo.head"]

    fridge = _ready("appliance")
    page = legal.get(f"/cases/{fridge}/evidence").text
    assert "冰箱照片1.jpg" in page and "缺少" not in page  # the demo's files complete the checklist
    assert _post(legal, fridge, "propose", kind="settle", amount="1800", payee="刘桂兰", payment_method="cash",
                 terms="甲方支付上述款项后，损坏的家用电器归甲方所有。").status_code == 303
    assert _post(head, fridge, "decide", approve="1").status_code == 303
    assert load(Case, number=fridge).state == "settled"  # type: ignore[union-attr]
    text = _letter(legal, fridge)
    assert fridge in text and "刘桂兰" in text and "壹仟捌佰元整" in text and "归甲方所有" in text

    tower = _ready("land_tower")
    assert load(Case, number=tower).assessment_outcome == "not_liable"  # type: ignore[union-attr]
    assert _post(legal, tower, "propose", kind="reject").status_code == 303
    assert _post(head, tower, "decide", approve="1").status_code == 303
    text = "".join(_letter(legal, tower).split())
    assert tower in text and "陈德胜" in text and "不予赔偿告知书" in text and "一次性" in text

    injury = _ready("injury")
    assert _post(legal, injury, "propose", kind="escalate", litigation_role="defendant", court="青山县人民法院",
                 cause="触电人身损害责任纠纷", risk="受害人攀爬电杆，有重大过失，可减轻责任。").status_code == 303
    page = legal.get(f"/cases/{injury}/decision").text
    assert "须由法律部门负责人审批" in page
    assert _post(head, injury, "decide", approve="1", comment="同意应诉").status_code == 303
    assert load(Case, number=injury).state == "in_litigation"  # type: ignore[union-attr]
    text = "".join(_letter(legal, injury).split())
    assert "诉讼移交函" in text and "青山县人民法院" in text and "黄春生" in text
