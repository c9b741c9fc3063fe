"""The auditors' reports: the precedent-risk list names every proposal decided unlike similar cases, within the
viewer's scope, newest first, and says when it is cut short."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from casework.decision import views
from casework.decision.models import Proposal
from casework.domain.access import Role
from casework.infra.db import unit_of_work, utcnow
from tests.factories import ctx, make_case, make_user
from tests.web.test_decision import REASON, SETTLE, _client, _post, _proposals, ready, world  # noqa: F401

REPORT = "/reports/precedent-risk"


@pytest.fixture
def people(world: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """Besides the decision world (company C1): an auditor, and a field user and head of legal of company C2."""
    units = world["units"]
    return {"auditor": make_user("audit1", Role.AUDITOR, units["P"]),
            "field2": make_user("field2", Role.FIELD, units["S2"]),
            "head2": make_user("head2", Role.LEGAL_HEAD, units["C2"])}


def _flagged_by_the_officer(app: Flask, world: dict[str, Any]) -> tuple[str, str]:  # noqa: F811
    """A neighbour's claim for the same event refused, then this one proposed for payment: (refused, flagged)."""
    refused = ready(world, claimant_name="李四", claimant_id_number="110105194912310021",
                    claimant_phone="13900001111", reported_on=date(2025, 7, 30))
    legal = _client(app, "legal1")
    _post(legal, refused, "propose", kind="reject")
    _post(_client(app, "legal2"), refused, "decide", approve="1")
    flagged = ready(world, claimant_name="王五", claimant_id_number="110105195001010016",
                    claimant_phone="13700002222", address="前营村5组3号")
    assert _post(legal, flagged, "propose", amount="1800", reason=REASON, **SETTLE).status_code == 303
    assert _proposals(flagged)[0].precedent_risk
    return refused, flagged


def _proposal(world: dict[str, Any], unit: str, by: Any, *, flagged: bool, similar: tuple[str, ...] = (),  # noqa: F811
              reason: str = "", minutes_ago: int = 0) -> str:
    """A case of `unit` with an open settlement proposal written directly; returns the case number."""
    case = make_case(world["units"][unit], by)
    with ctx(), unit_of_work() as session:
        session.add(Proposal(case_id=case.id, kind="settle", status="open", proposed_by_id=by.id,
                             proposed_at=utcnow() - timedelta(minutes=minutes_ago), needs_role="legal",
                             amount=Decimal("960.00"), precedent_risk=flagged, similar=list(similar),
                             reason=reason or None))
    return case.number


def _report(app: Flask, username: str) -> Any:
    with _client(app, username).get(REPORT) as response:
        return response.status_code, response.text


def test_an_auditor_sees_flagged_proposals_of_every_unit_newest_first(
        app: Flask, world: dict[str, Any], people: dict[str, Any]) -> None:  # noqa: F811
    refused, flagged = _flagged_by_the_officer(app, world)
    elsewhere = _proposal(world, "S2", people["field2"], flagged=True, similar=("PC-2020-000001",),
                          reason="另一公司的先例风险理由。", minutes_ago=60)
    status, page = _report(app, "audit1")
    assert status == 200
    assert f'href="/cases/{flagged}"' in page and f'href="/cases/{elsewhere}"' in page
    assert page.index(flagged) < page.index(elsewhere)  # newest first
    assert "单位S1" in page and "单位S2" in page and "¥1,800.00" in page and "¥960.00" in page
    assert f'href="/cases/{refused}"' in page  # the similar case behind the flag, linked
    assert REASON.split("。")[0] in page and "另一公司的先例风险理由。" in page
    assert "Legal1" in page  # who proposed it
    assert page.count('href="/reports/goodwill"') == 2  # in the menu, and the two reports link to each other
    with _client(app, "audit1").get("/reports/goodwill") as goodwill:
        assert goodwill.text.count(f'href="{REPORT}"') == 2


def test_a_station_field_user_is_refused(app: Flask, world: dict[str, Any], people: dict[str, Any]) -> None:  # noqa: F811
    _proposal(world, "S1", world["field"], flagged=True)
    assert _report(app, "field1")[0] == 403
    with _client(app, "field1").get("/cases/") as home:
        assert home.status_code == 200 and REPORT not in home.text  # nor is it in their menu


def test_a_head_of_legal_sees_only_their_company(app: Flask, world: dict[str, Any],  # noqa: F811
                                                 people: dict[str, Any]) -> None:
    ours = _proposal(world, "S1", world["field"], flagged=True)
    theirs = _proposal(world, "S2", people["field2"], flagged=True, similar=(ours,))
    status, page = _report(app, "head2")
    assert status == 200
    assert f'href="/cases/{theirs}"' in page
    assert ours not in page  # the similar case behind the flag is not theirs to open, nor to learn of (F-5)
    own_company = _report(app, "head1")[1]
    assert f'href="/cases/{ours}"' in own_company and theirs not in own_company


def test_an_unflagged_proposal_is_not_listed(app: Flask, world: dict[str, Any], people: dict[str, Any]) -> None:  # noqa: F811
    plain = _proposal(world, "S1", world["field"], flagged=False)
    status, page = _report(app, "audit1")
    assert status == 200 and plain not in page and "没有先例风险的处理意见。" in page


def test_a_long_list_is_cut_short_with_a_note(app: Flask, world: dict[str, Any], people: dict[str, Any],  # noqa: F811
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    older = _proposal(world, "S1", world["field"], flagged=True, minutes_ago=10)
    newer = _proposal(world, "S2", people["field2"], flagged=True)
    monkeypatch.setattr(views, "REPORT_LIMIT", 1)
    page = _report(app, "audit1")[1]
    assert newer in page and older not in page
    assert "共 2 件，仅显示最新的 1 件。" in page
