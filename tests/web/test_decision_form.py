"""The decision forms do the work: one section for the chosen kind (no JavaScript needed), the amount and the
payee's account filled in from the file, the payment from the approved settlement, closing only when confirmed."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.infra.db import db, utcnow
from casework.ui.filters import SHANGHAI
from tests.conftest import csrf_from
from tests.factories import ctx
from tests.web.test_decision import SETTLE, _case, _client, _post, _proposals, ready, world  # noqa: F401

ACCOUNT = "6222020200112233445"  # the claimant's account as make_case files it


def _input(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    if not match:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def _checked_kind(html: str) -> list[str]:
    return re.findall(r'<input class="btn-check" type="radio" name="kind" id="kind-(\w+)"[^>]*checked', html)


def _views(number: str) -> int:
    with ctx():
        return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "case.view_identifiers", AuditEvent.object_id == number)) or 0


def test_the_form_opens_on_a_settlement_filled_in_from_the_file(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = ready(world, claimant_name="张秀英")
    legal = _client(app, "legal1")
    before = _views(number)
    page = legal.get(f"/cases/{number}/decision").text
    assert _checked_kind(page) == ["settle"]  # the check found liability: a settlement is what is likely
    assert _input(page, "amount") == "1800.00" and "已按审查金额 ¥1,800.00 填入" in page
    assert _input(page, "payee") == "张秀英"
    assert _input(page, "bank_account") == ACCOUNT  # legal staff read it on the case page too …
    assert '<option value="bank_transfer" selected>' in page
    assert _views(number) == before + 1  # … and this showing is on record like that one
    for kind in ("settle", "reject", "escalate"):  # each kind its own section, told apart by the stylesheet
        assert f'kind-section kind-{kind}"' in page
    assert _checked_kind(legal.get(f"/cases/{number}/decision?kind=escalate").text) == ["escalate"]
    assert _checked_kind(legal.get(f"/cases/{number}/decision?kind=bogus").text) == ["settle"]


def test_the_account_never_reaches_field_staff(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = ready(world)
    field = _client(app, "field1")
    assert field.get(f"/cases/{number}/decision").status_code in (403, 404)
    assert ACCOUNT not in field.get(f"/cases/{number}").text


def test_a_claim_with_nothing_owed_opens_on_a_rejection(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = ready(world, reported_on=date(2025, 8, 20))  # past the 7-day window: time-barred
    assert _case(number).assessment_outcome == "time_barred"
    page = _client(app, "legal1").get(f"/cases/{number}/decision").text
    assert _checked_kind(page) == ["reject"]


def test_only_the_chosen_kinds_fields_are_read_and_kept(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = ready(world, reported_on=date(2025, 8, 20))
    legal = _client(app, "legal1")
    # The hidden settlement section is sent too, pre-filled: a rejection must not carry an amount or account.
    sent = _post(legal, number, "propose", kind="reject", amount="1800.00", payee="张三", bank_account=ACCOUNT,
                 payment_method="bank_transfer", terms="甲方支付", court="某法院")
    assert sent.status_code == 303, sent.text
    (rejection,) = _proposals(number)
    assert rejection.kind == "reject" and rejection.amount is None and rejection.bank_account is None
    assert rejection.payee is None and rejection.terms == [] and rejection.court is None


def test_an_escalation_is_checked_on_its_own_fields_only(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = ready(world)
    legal = _client(app, "legal1")
    refused = _post(legal, number, "propose", kind="escalate", amount="", payee="", litigation_role="defendant")
    assert refused.status_code == 422
    assert _checked_kind(refused.text) == ["escalate"]  # back on the section that was being filled in
    problems = re.findall(r'id="d-(\w+)"[^>]*>(?:</textarea>)?<div class="invalid-feedback', refused.text)
    assert set(problems) == {"court", "cause", "risk"}  # nothing about the settlement's empty amount
    banner = refused.text.split('id="form-problems"')[1].split("</div>")[0]
    assert 'href="#d-court">受理法院</a>' in banner and 'href="#d-risk">风险评估</a>' in banner
    assert "d-amount" not in banner
    sent = _post(legal, number, "propose", kind="settle", amount="1,800元", court="某法院", risk="高", **{
        k: v for k, v in SETTLE.items() if k != "kind"})
    assert sent.status_code == 303
    (settlement,) = _proposals(number)
    assert settlement.amount == Decimal("1800.00") and settlement.court is None and settlement.risk is None


def test_the_payment_form_is_filled_in_from_the_approved_settlement(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = ready(world, claimant_name="张秀英")
    legal = _client(app, "legal1")
    assert _post(legal, number, "propose", amount="1800", **{**SETTLE, "payee": "张秀英"}).status_code == 303
    assert _post(_client(app, "legal2"), number, "decide", approve="1").status_code == 303
    page = legal.get(f"/cases/{number}/decision").text
    assert _input(page, "pay_amount") == "1800.00"
    assert _input(page, "paid_on") == utcnow().astimezone(SHANGHAI).date().isoformat()
    terms = page.split('id="payment-terms"')[1].split("</p>")[0]
    assert "¥1,800.00" in terms and "张秀英" in terms and "银行转账" in terms and ACCOUNT in terms
    assert _post(legal, number, "payment", pay_amount="1,800.00", paid_on="2026-11-20", voucher="PZ-1").status_code == 303
    assert _case(number).state == "paid"


def _close(legal: FlaskClient, number: str, event: str, **data: str) -> Any:
    token = csrf_from(legal.get(f"/cases/{number}").text)
    return legal.post(f"/cases/{number}/events/{event}", data={"csrf_token": token, **data})


def test_closing_asks_for_confirmation_and_is_refused_without_it(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = ready(world)
    legal = _client(app, "legal1")
    assert _post(legal, number, "propose", amount="1800", **SETTLE).status_code == 303
    assert _post(_client(app, "legal2"), number, "decide", approve="1").status_code == 303
    assert _post(legal, number, "payment", pay_amount="1800", paid_on="2026-11-20", voucher="PZ-1").status_code == 303
    page = legal.get(f"/cases/{number}").text
    box = re.search(r'<input class="form-check-input" type="checkbox" name="confirm" value="1" id="confirm-close"[^>]*>',
                    page)
    assert box and "required" in box.group(0) and "确认结案" in page
    refused = _close(legal, number, "close")
    assert refused.status_code == 303 and _case(number).state == "paid"
    assert "请先勾选确认框" in legal.get(f"/cases/{number}").text
    assert _close(legal, number, "close", confirm="1").status_code == 303
    assert _case(number).state == "closed"


def test_withdrawing_asks_for_confirmation_too(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = ready(world)
    legal = _client(app, "legal1")
    assert "confirm-withdraw" in legal.get(f"/cases/{number}").text
    assert _close(legal, number, "withdraw", reason="索赔人书面撤回").status_code == 303
    assert _case(number).state == "evidence_complete"
    assert _close(legal, number, "withdraw", reason="索赔人书面撤回", confirm="1").status_code == 303
    assert _case(number).state == "withdrawn"
