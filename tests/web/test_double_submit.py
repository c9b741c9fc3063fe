"""A create form sent twice — a double click, a refresh, a proxy's retry — makes one object, and the second
submit leads to it (security review F-6; RELIABILITY D3 and §7 scenario 7). As the review did it: the same
POST body, with the same CSRF token and the same one-time key, sent twice, one after the other and at once."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.cases.models import Case
from casework.decision.models import CaseDocument, LitigationEntry, Payment, Proposal
from casework.domain.access import Role
from casework.domain.lifecycle import State
from casework.dossier.models import DossierVersion
from casework.export.models import ExportJob
from casework.infra.db import db
from tests.conftest import csrf_from
from tests.domain.casefactory import make
from tests.factories import ctx, load_rule_table, login, make_units, make_user
from tests.web.test_decision import SETTLE, ready
from tests.web.test_export_jobs import wait_for
from tests.web.test_intake import CLAIMANT, typed

CLAIM = {**CLAIMANT, **typed(make("appliance"))}  # a complete claim: submitting it registers and checks it


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    load_rule_table()
    people = {"field": make_user("field1", Role.FIELD, units["S1"]), "legal": make_user("legal1", Role.LEGAL, units["C1"]),
              "legal2": make_user("legal2", Role.LEGAL, units["C1"]),
              "head": make_user("head1", Role.LEGAL_HEAD, units["C1"])}
    return {"units": units, **people}


def _client(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def _twin(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second connection of the same browser: the same session cookie, so the same CSRF token is good."""
    other = app.test_client()
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    assert cookie is not None
    other.set_cookie(name, cookie.value)
    return other


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="{name}"', html)
    assert match, f"the page has no {name}"
    return match.group(1) or match.group(2)


def _intake_body(client: FlaskClient, action: str) -> dict[str, str]:
    """What a browser sends for the new-claim form it was given."""
    page = client.get("/intake/new/appliance").text
    unit = re.search(r'<option selected value="(\d+)"|<option value="(\d+)" selected', page)
    assert unit
    return {"csrf_token": csrf_from(page), "form_key": _hidden(page, "form_key"),
            "unit_id": unit.group(1) or unit.group(2), "action": action, **CLAIM}


def _at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Every call started together (two threads past one barrier); their responses."""
    start, responses = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i: int) -> None:
        start.wait()
        responses[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses


def _count(model: Any, **where: Any) -> int:
    with ctx():
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**where)) or 0


def _audits(action: str) -> int:
    return _count(AuditEvent, action=action)


def _numbers() -> list[str]:
    with ctx():
        return list(db.session.scalars(select(Case.number).order_by(Case.id)))


@pytest.mark.parametrize("action", ["submit", "draft"])
def test_the_same_claim_sent_twice_in_a_row_opens_one_case(app: Flask, world: dict[str, Any], action: str) -> None:
    client = _client(app, "field1")
    body = _intake_body(client, action)
    first = client.post("/intake/new/appliance", data=body)
    assert first.status_code == 302, first.text
    (number,) = _numbers()
    second = client.post("/intake/new/appliance", data=body)  # the refresh after a slow answer
    assert second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]  # both lead to the one case
    assert _numbers() == [number] and _audits("case.open") == 1
    page = client.get(second.headers["Location"]).text
    assert "已经提交过" in page and number in page


@pytest.mark.parametrize("action", ["submit", "draft"])
def test_the_same_claim_sent_twice_at_once_opens_one_case(app: Flask, world: dict[str, Any], action: str) -> None:
    client = _client(app, "field1")
    body = _intake_body(client, action)
    twin = _twin(app, client)
    responses = _at_once([lambda c=c: c.post("/intake/new/appliance", data=body) for c in (client, twin)])
    assert sorted(r.status_code for r in responses) == [302, 303]
    (number,) = _numbers()
    assert {r.headers["Location"] for r in responses} == {
        f"/cases/{number}/check" if action == "submit" else f"/intake/{number}"}
    assert _audits("case.open") == 1
    if action == "submit":  # one officer assigned, one check, one set of deadlines: the case exists once
        assert _audits("case.transition") == 1


def test_a_refused_first_submit_keeps_nothing_so_the_corrected_form_goes_through(app: Flask,
                                                                                 world: dict[str, Any]) -> None:
    client = _client(app, "field1")
    body = _intake_body(client, "submit")
    refused = client.post("/intake/new/appliance", data={**body, "claimed_amount": "", "claimant_name": ""})
    assert refused.status_code == 422 and _numbers() == []
    assert _hidden(refused.text, "form_key") == body["form_key"]  # the page shown again keeps its key
    assert client.post("/intake/new/appliance", data=body).status_code == 302
    assert len(_numbers()) == 1


def test_every_new_claim_form_has_its_own_key_and_a_forged_one_is_refused(app: Flask, world: dict[str, Any]) -> None:
    client = _client(app, "field1")
    first, second = _intake_body(client, "draft"), _intake_body(client, "draft")
    assert first["form_key"] != second["form_key"]
    assert client.post("/intake/new/appliance", data=first).status_code == 302
    assert client.post("/intake/new/appliance", data=second).status_code == 302  # two claims on purpose: two cases
    assert len(_numbers()) == 2
    assert client.post("/intake/new/appliance", data={**first, "form_key": "x' OR 1=1"}).status_code == 400
    assert len(_numbers()) == 2


def test_another_users_key_finds_nothing_of_theirs(app: Flask, world: dict[str, Any]) -> None:
    make_user("field1b", Role.FIELD, world["units"]["S1"])
    mine, theirs = _client(app, "field1"), _client(app, "field1b")
    body = _intake_body(mine, "draft")
    assert mine.post("/intake/new/appliance", data=body).status_code == 302
    other = _intake_body(theirs, "draft")
    assert theirs.post("/intake/new/appliance", data={**other, "form_key": body["form_key"]}).status_code == 302
    assert len(_numbers()) == 2  # a key is the form's secret, per user: it never redirects to someone else's case



def _decision_page(client: FlaskClient, number: str) -> str:
    return client.get(f"/cases/{number}/decision").text


def _form_after(html: str, action: str) -> str:
    """The hand-written form posting to `action`, as the page rendered it."""
    start = html.index(f'action="{action}"')
    return html[start:html.index("</form>", start)]


def _in_litigation(app: Flask, world: dict[str, Any]) -> tuple[str, FlaskClient]:
    number = ready(world)
    legal = _client(app, "legal1")
    token = csrf_from(_decision_page(legal, number))
    assert legal.post(f"/cases/{number}/decision/propose", data={
        "csrf_token": token, "kind": "escalate", "litigation_role": "defendant", "court": "江城市中级人民法院",
        "cause": "财产损害赔偿纠纷", "risk": "对方证据不足。"}).status_code == 303
    head = _client(app, "head1")
    assert head.post(f"/cases/{number}/decision/decide", data={
        "csrf_token": csrf_from(_decision_page(head, number)), "approve": "1", "comment": "同意应诉"}).status_code == 303
    return number, legal


def test_a_lawsuit_step_sent_twice_is_recorded_once(app: Flask, world: dict[str, Any]) -> None:
    """Not a state change (a hearing leaves the case in litigation), so no guard stopped the second one."""
    number, legal = _in_litigation(app, world)
    url = f"/cases/{number}/decision/litigation"
    form = _form_after(_decision_page(legal, number), url)
    body = {"csrf_token": csrf_from(form), "form_key": _hidden(form, "form_key"), "step": "hearing",
            "on": "2026-10-01", "text": "第一次开庭，对方未到庭"}
    assert legal.post(url, data=body).status_code == 303
    again = legal.post(url, data=body)
    assert again.status_code == 303 and "没有重复登记" in legal.get(again.headers["Location"]).text
    fresh = {**body, "form_key": _hidden(_form_after(_decision_page(legal, number), url), "form_key")}
    twin = _twin(app, legal)
    responses = _at_once([lambda c=c: c.post(url, data=fresh) for c in (legal, twin)])  # the next step, double-tapped
    assert [r.status_code for r in responses] == [303, 303]
    assert _count(LitigationEntry) == 2 and _audits("decision.litigation") == 2  # one per form, not per click
    refused = legal.post(url, data={**body, "form_key": _hidden(_form_after(_decision_page(legal, number), url),
                                                                "form_key"), "text": ""})
    assert refused.status_code == 422
    kept = _hidden(_form_after(refused.text, url), "form_key")  # shown again with its own key …
    assert legal.post(url, data={**body, "form_key": kept}).status_code == 303  # … which then goes through once
    assert _count(LitigationEntry) == 3


def test_a_letter_generated_with_a_double_click_is_one_version(app: Flask, world: dict[str, Any]) -> None:
    number = ready(world)
    legal = _client(app, "legal1")
    assert legal.post(f"/cases/{number}/decision/propose", data={
        "csrf_token": csrf_from(_decision_page(legal, number)), "amount": "1800", **SETTLE}).status_code == 303
    url = f"/cases/{number}/decision/letter"
    form = _form_after(_decision_page(legal, number), url)
    body = {"csrf_token": csrf_from(form), "form_key": _hidden(form, "form_key")}
    assert [legal.post(url, data=body).status_code for _ in range(2)] == [303, 303]
    assert _count(CaseDocument) == 1 and _audits("document.generate") == 1


def test_a_dossier_sealed_with_a_double_click_is_one_version(app: Flask, world: dict[str, Any]) -> None:
    number = ready(world)
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    auditor = _client(app, "audit1")
    url = f"/cases/{number}/dossier"
    form = _form_after(auditor.get(f"/cases/{number}").text, url)
    body = {"csrf_token": csrf_from(form), "form_key": _hidden(form, "form_key")}
    first, second = (auditor.post(url, data=body) for _ in range(2))
    assert (first.status_code, second.status_code) == (303, 303)
    assert "没有重复封存" in auditor.get(second.headers["Location"]).text
    assert _count(DossierVersion) == 1 and _audits("dossier.seal") == 1


def test_an_export_asked_for_twice_is_one_job(app: Flask, world: dict[str, Any]) -> None:
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    auditor = _client(app, "audit1")
    page = auditor.get("/exports/").text
    body = {"csrf_token": csrf_from(page), "form_key": _hidden(page, "form_key"), "start": "2030-01-01", "end": "",
            "unit": "", "category": "", "outcome": ""}  # nothing registered since: the job has no case to run
    first, second = (auditor.post("/exports/", data=body) for _ in range(2))
    assert (first.status_code, second.status_code) == (303, 303)
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(ExportJob) == 1 and _audits("export.batch.request") == 1
    assert wait_for(auditor, first.headers["Location"] + "/status")["state"] == "done"  # its process has ended


def test_proposals_approvals_and_payments_were_already_one_per_case_state(app: Flask, world: dict[str, Any]) -> None:
    """What F-6 found held here: each of these moves the case on, so its second submit is refused by the
    lifecycle (the case is no longer in the state it needs) and nothing is added twice."""
    number = ready(world)
    legal = _client(app, "legal1")
    propose = {"csrf_token": csrf_from(_decision_page(legal, number)), "amount": "1800", **SETTLE}
    assert [legal.post(f"/cases/{number}/decision/propose", data=propose).status_code for _ in range(2)] == [303, 303]
    other = _client(app, "legal2")
    decide = {"csrf_token": csrf_from(_decision_page(other, number)), "approve": "1", "comment": "同意"}
    assert [other.post(f"/cases/{number}/decision/decide", data=decide).status_code for _ in range(2)] == [303, 303]
    pay = {"csrf_token": csrf_from(_decision_page(legal, number)), "pay_amount": "1800", "paid_on": "2026-11-20",
           "voucher": "PZ-001"}
    assert [legal.post(f"/cases/{number}/decision/payment", data=pay).status_code for _ in range(2)] == [303, 303]
    assert (_count(Proposal), _count(Payment)) == (1, 1)
    assert (_audits("decision.propose"), _audits("decision.approve"), _audits("decision.payment")) == (1, 1, 1)
    with ctx():
        assert db.session.scalar(select(Case.state).where(Case.number == number)) == State.PAID
