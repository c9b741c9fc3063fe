"""Similar cases come only from what the viewer may open (review F-5): no other company's case number, outcome or
amount on the decision page, no claimant probe for field staff, and the precedent guard works within scope."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from casework.decision.models import Proposal
from casework.domain.access import Role
from casework.domain.lifecycle import State
from casework.infra.db import unit_of_work, utcnow
from tests.factories import ctx, make_case, make_user
from tests.web.test_decision import REASON, SETTLE, _client, _post, _proposals, ready, world  # noqa: F401

FLAG = 'badge text-bg-danger">先例风险'  # the proposal's flag (the menu names the report too)
SECRET_PERSON = {"claimant_name": "赵秘密", "claimant_phone": "13977776666", "claimant_id_number": "110105198001010019"}


@pytest.fixture
def elsewhere(world: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """Company C2's people, an auditor, and a C2 case of 赵秘密 (¥4,321) that C1's staff may not open."""
    units = world["units"]
    field2 = make_user("field2", Role.FIELD, units["S2"])
    make_user("legal3", Role.LEGAL, units["C2"])
    make_user("audit1", Role.AUDITOR, units["P"])
    theirs = make_case(units["S2"], field2, claimed_amount=Decimal("4321.00"), address="后营村1组2号",
                       **SECRET_PERSON)
    return {"field2": field2, "theirs": theirs.number}


def _page(app: Flask, username: str, number: str) -> tuple[int, str]:
    with _client(app, username).get(f"/cases/{number}/decision") as response:
        return response.status_code, response.text


def test_the_decision_page_never_shows_another_companys_similar_case(
        app: Flask, world: dict[str, Any], elsewhere: dict[str, Any]) -> None:  # noqa: F811
    ours = make_case(world["units"]["S1"], world["field"], **SECRET_PERSON).number
    for username in ("legal1", "head1"):
        status, page = _page(app, username, ours)
        assert status == 200, username
        assert elsewhere["theirs"] not in page and "4,321" not in page, username
        assert "没有找到类似案件。" in page
    # The panel itself still works: the auditor sees every unit, so both cases are similar for them.
    status, page = _page(app, "audit1", ours)
    assert status == 200 and elsewhere["theirs"] in page and "¥4,321.00" in page and "同一索赔人" in page
    status, page = _page(app, "legal3", elsewhere["theirs"])
    assert status == 200 and ours not in page


def test_a_field_worker_cannot_probe_a_claimant_with_a_draft(
        app: Flask, world: dict[str, Any], elsewhere: dict[str, Any]) -> None:  # noqa: F811
    """The review's probe: a draft holding only a name and a phone, then its decision page."""
    probe = make_case(world["units"]["S1"], world["field"], state=State.DRAFT, claimant_name="赵秘密",
                      claimant_phone="13977776666", claimant_id_number=None, claimant_bank_account=None,
                      claimed_amount=None)
    status, page = _page(app, "field1", probe.number)
    assert status == 403
    assert elsewhere["theirs"] not in page and "4,321" not in page
    with _client(app, "field1").get(f"/cases/{probe.number}") as case_page:  # the case page offers no way there
        assert case_page.status_code == 200
        assert f"/cases/{probe.number}/decision" not in case_page.text


def test_a_refusal_in_another_company_is_no_precedent_here(
        app: Flask, world: dict[str, Any], elsewhere: dict[str, Any]) -> None:  # noqa: F811
    """Paying what a case the officer cannot see was refused is not flagged: they could not weigh it."""
    refused_there = make_case(world["units"]["S2"], elsewhere["field2"], state=State.REJECTED,
                              claimant_name="李四", address="前营村3组8号", event_on=date(2025, 7, 20),
                              reported_on=date(2025, 7, 30)).number
    number = ready(world, claimant_name="王五", claimant_id_number="110105195001010016",
                   claimant_phone="13700002222", address="前营村5组3号")
    legal = _client(app, "legal1")
    page = legal.get(f"/cases/{number}/decision").text
    assert refused_there not in page
    assert _post(legal, number, "propose", amount="1800", **SETTLE).status_code == 303  # no precedent reason asked
    proposal = _proposals(number)[0]
    assert not proposal.precedent_risk and proposal.similar == []
    status, approver_page = _page(app, "head1", number)  # the approver sees nothing from outside either
    assert status == 200 and refused_there not in approver_page and FLAG not in approver_page


def test_the_guard_still_flags_a_refused_precedent_inside_the_company(
        app: Flask, world: dict[str, Any], elsewhere: dict[str, Any]) -> None:  # noqa: F811
    refused = ready(world, claimant_name="李四", claimant_id_number="110105194912310021",
                    claimant_phone="13900001111", reported_on=date(2025, 7, 30))
    legal = _client(app, "legal1")
    _post(legal, refused, "propose", kind="reject")
    _post(_client(app, "legal2"), refused, "decide", approve="1")
    number = ready(world, claimant_name="王五", claimant_id_number="110105195001010016",
                   claimant_phone="13700002222", address="前营村5组3号")
    assert _post(legal, number, "propose", amount="1800", **SETTLE).status_code == 422  # a reason is needed
    assert _post(legal, number, "propose", amount="1800", reason=REASON, **SETTLE).status_code == 303
    assert _proposals(number)[0].similar == [refused]
    status, page = _page(app, "head1", number)
    assert status == 200 and refused in page and FLAG in page


def test_a_proposal_flagged_against_an_outside_case_names_nothing_from_outside(
        app: Flask, world: dict[str, Any], elsewhere: dict[str, Any]) -> None:  # noqa: F811
    """A proposal recorded before scoping, naming another company's case: neither its decision page nor the
    precedent-risk report shows that number to the company's staff (the auditor still sees it)."""
    make_user("head2", Role.LEGAL_HEAD, world["units"]["C2"])
    case = make_case(world["units"]["S1"], world["field"], state=State.DECISION_PENDING)
    with ctx(), unit_of_work() as session:
        session.add(Proposal(case_id=case.id, kind="settle", status="open", proposed_by_id=world["legal"].id,
                             proposed_at=utcnow() - timedelta(minutes=1), needs_role="legal",
                             amount=Decimal("960.00"), precedent_risk=True, similar=[elsewhere["theirs"]],
                             reason="旧的先例风险理由。"))
    for username in ("legal1", "head1"):
        status, page = _page(app, username, case.number)
        assert status == 200 and elsewhere["theirs"] not in page, username
    with _client(app, "head1").get("/reports/precedent-risk") as report:
        assert report.status_code == 200
        assert case.number in report.text and elsewhere["theirs"] not in report.text
    with _client(app, "audit1").get("/reports/precedent-risk") as report:
        assert f'href="/cases/{elsewhere["theirs"]}"' in report.text
