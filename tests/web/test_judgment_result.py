"""A judgment's result through the web: asked for on the lawsuit form, refused beside the field when missing
(what was typed kept), stored and audited, shown in the litigation list, the case history and the sealed
dossier's text; other steps carry none."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.cases.models import Case
from casework.decision.models import LitigationEntry
from casework.domain.access import Role
from casework.dossier.models import DossierVersion
from casework.infra.db import db
from tests.conftest import csrf_from
from tests.factories import ctx, load, make_user
from tests.web.test_decision import _client, _post, ready, world  # noqa: F401 - the shared fixture

ESCALATE = {"kind": "escalate", "litigation_role": "defendant", "court": "江城市中级人民法院",
            "cause": "财产损害赔偿纠纷", "demand": "赔偿 8000 元", "risk": "对方证据不足，败诉风险低。"}


def _in_court(app: Flask, world: dict[str, Any]) -> str:  # noqa: F811
    number = ready(world)
    assert _post(_client(app, "legal1"), number, "propose", **ESCALATE).status_code == 303
    assert _post(_client(app, "head1"), number, "decide", approve="1", comment="同意应诉").status_code == 303
    assert load(Case, number=number).state == "in_litigation"  # type: ignore[union-attr]
    return number


def _entries(number: str) -> list[tuple[str, str | None]]:
    with ctx():
        return [(e.kind, e.result) for e in db.session.scalars(
            select(LitigationEntry).join(Case, Case.id == LitigationEntry.case_id).where(Case.number == number)
            .order_by(LitigationEntry.id))]


def _audited(number: str) -> list[dict[str, Any]]:
    with ctx():
        return [e.after for e in db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "decision.litigation", AuditEvent.object_id == number).order_by(AuditEvent.seq))]


def test_a_judgment_without_its_result_is_refused_beside_the_field_with_the_text_kept(
        app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = _in_court(app, world)
    legal = _client(app, "legal1")
    refused = _post(legal, number, "litigation", step="judgment", on="2026-10-01", text="判决被告赔偿 3200 元",
                    awarded="3200")
    assert refused.status_code == 422
    field = refused.text[refused.text.index('id="l-result"'):]
    assert "必填" in field[:field.index("</select>") + 120]  # the message right after the select
    assert 'href="#l-result"' in refused.text and "判决被告赔偿 3200 元" in refused.text and 'value="3200"' in refused.text
    assert _entries(number) == [] and load(Case, number=number).state == "in_litigation"  # type: ignore[union-attr]
    forged = _post(legal, number, "litigation", step="judgment", text="判决", result="utility_fault")
    assert forged.status_code == 422 and "utility_fault" not in forged.text


def test_a_lost_judgment_is_stored_audited_and_shown_in_words(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = _in_court(app, world)
    legal = _client(app, "legal1")
    assert _post(legal, number, "litigation", step="hearing", on="2026-09-01", text="第一次开庭",
                 result="won").status_code == 303  # a hearing has no result, whatever was sent
    assert _post(legal, number, "litigation", step="judgment", on="2026-10-01", text="判决被告赔偿 3200 元",
                 awarded="3200", result="lost").status_code == 303
    assert _entries(number) == [("hearing", None), ("judgment", "lost")]
    assert load(Case, number=number).state == "judged"  # type: ignore[union-attr]
    hearing, judgment = _audited(number)
    assert "result" not in hearing and judgment["result"] == "lost" and judgment["amount"] == "3200.00"
    page = legal.get(f"/cases/{number}/decision").text
    listed = page[page.index("诉讼进展"):]
    assert re.search(r"判决.*?败诉", listed, re.S) and "lost" not in re.sub(r'value="\w+"', "", listed)
    history = legal.get(f"/cases/{number}").text
    assert "判决结果" in history and "败诉" in history
    english = _client(app, "legal1")
    english.post("/language", data={"csrf_token": csrf_from(english.get(f"/cases/{number}").text), "lang": "en"})
    assert "Lost" in english.get(f"/cases/{number}/decision").text


def test_the_sealed_dossier_names_the_judgment_result(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = _in_court(app, world)
    legal = _client(app, "legal1")
    assert _post(legal, number, "litigation", step="judgment", on="2026-10-01", text="驳回原告诉讼请求",
                 awarded="0", result="won").status_code == 303
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    auditor = _client(app, "audit1")
    token = csrf_from(auditor.get(f"/cases/{number}").text)
    assert auditor.post(f"/cases/{number}/dossier", data={"csrf_token": token}).status_code == 303
    with ctx():
        version = db.session.scalar(select(DossierVersion.version).join(Case, Case.id == DossierVersion.case_id)
                                    .where(Case.number == number))
    with auditor.get(f"/cases/{number}/dossier/{version}") as response:
        assert response.status_code == 200
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    flat = re.sub(r"\s+", "", text)
    assert "诉讼记录" in flat and "判决结果：胜诉" in flat and "驳回原告诉讼请求" in flat
