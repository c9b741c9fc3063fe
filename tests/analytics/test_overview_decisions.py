"""The overview's decided figures from claims decided through the real decision pages: goodwill payments and
precedent-risk flags by unit and by approver, paid above assessed, the decisions (settled, rejected, court,
withdrawn) and the check's outcomes — each against a hand-computed answer, each link listing exactly its cases."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.cases.models import Case
from casework.cases.workflow import fire
from casework.domain.access import Role
from casework.domain.deadlines import DEFAULT_TARGETS
from casework.domain.lifecycle import Event
from casework.infra.db import unit_of_work, utcnow
from tests.analytics.test_overview import _table
from tests.factories import ctx, make_user
from tests.web.test_decision import REASON, SETTLE, _case, _client, _post, ready, world  # noqa: F401

PERIOD = "from=2025-06&to=2025-06"
REGISTERED = datetime(2025, 6, 15, 4, tzinfo=UTC)  # every claim of this world, so the period is fixed


@pytest.fixture
def decided(app: Flask, world: dict[str, Any]) -> dict[str, str]:  # noqa: F811
    """Company C1's claims (station S1), decided through the pages by legal1, approved by legal2 or head1:
    - above: checked liable at ¥1,800.00, settled at ¥2,000.00 (goodwill, head1), paid ¥2,000.00;
    - late: reported too late (time barred, nothing assessed), settled ¥500.00 (goodwill, head1), paid ¥500.00;
    - refused: a neighbour's claim reported too late and rejected (legal2); flagged: the same event then settled at the assessed
      ¥1,800.00, a precedent risk (head1), not paid;
    - court: escalated (head1); gone: checked liable, then withdrawn."""
    legal, head, legal2 = _client(app, "legal1"), _client(app, "head1"), _client(app, "legal2")
    numbers: dict[str, str] = {}
    numbers["above"] = ready(world)
    assert _post(legal, numbers["above"], "propose", amount="2000", reason=REASON, **SETTLE).status_code == 303
    numbers["late"] = ready(world, claimant_name="赵六", claimant_id_number="110105196001010012",
                            reported_on=date(2025, 7, 20) + timedelta(days=10))
    assert _post(legal, numbers["late"], "propose", amount="500", reason=REASON, **SETTLE).status_code == 303
    numbers["refused"] = ready(world, claimant_name="李四", claimant_id_number="110105194912310021",
                               claimant_phone="13900001111", reported_on=date(2025, 7, 30))
    assert _post(legal, numbers["refused"], "propose", kind="reject").status_code == 303
    assert _post(legal2, numbers["refused"], "decide", approve="1").status_code == 303
    numbers["flagged"] = ready(world, claimant_name="王五", claimant_id_number="110105195001010016",
                               claimant_phone="13700002222", address="前营村5组3号")
    assert _post(legal, numbers["flagged"], "propose", amount="1800", reason=REASON, **SETTLE).status_code == 303
    numbers["court"] = ready(world, claimant_name="钱七", claimant_id_number="110105197001010017")
    assert _post(legal, numbers["court"], "propose", kind="escalate", litigation_role="defendant",
                 court="江城市中级人民法院", cause="财产损害赔偿纠纷", demand="赔偿 8000 元",
                 risk="对方证据不足，败诉风险低。").status_code == 303
    for key in ("above", "late", "flagged", "court"):
        assert _post(head, numbers[key], "decide", approve="1", comment="同意").status_code == 303, key
    for key, amount in (("above", "2000"), ("late", "500")):
        assert _post(legal, numbers[key], "payment", pay_amount=amount, paid_on="2025-06-30",
                     voucher=f"PZ-{key}").status_code == 303
    numbers["gone"] = ready(world, claimant_name="孙八", claimant_id_number="110105198001010018")
    with ctx(), unit_of_work() as session:
        case = session.scalar(select(Case).where(Case.number == numbers["gone"]))
        assert case is not None
        fire(session, world["legal"].actor(), case, Event.WITHDRAW, now=utcnow(), targets=DEFAULT_TARGETS,
             reason="申请人书面撤回索赔")
    with ctx(), unit_of_work() as session:  # through the ORM, so the flush hook moves the summary
        for case in session.scalars(select(Case)):
            case.registered_at = REGISTERED
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    return numbers


def _listed(client: FlaskClient, href: str) -> set[str]:
    """The case numbers the case list shows behind a figure's link."""
    page = client.get(href.replace("&amp;", "&")).text
    return set(re.findall(r'href="/cases/(PC-\d{4}-\d{6})"', page))


def _links(html: str, name: str) -> list[str]:
    body = html.split(f'data-table="{name}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="([^"]+)" data-cases-link>', body)


def test_goodwill_and_precedent_risk_by_unit_and_by_approver(app: Flask, decided: dict[str, str]) -> None:
    auditor = _client(app, "audit1")
    html = auditor.get(f"/analytics/?{PERIOD}").text
    # goodwill: above (¥2,000.00) and late (¥500.00); precedent risk: flagged. All approved by head1.
    assert _table(html, "goodwill_by_unit") == [["单位C1", "2", "¥2,500.00", "1", "查看案件"]]
    assert _table(html, "goodwill_by_approver") == [["Head1", "2", "¥2,500.00", "1"]]
    (link,) = _links(html, "goodwill_by_unit")
    assert _listed(auditor, link) == {decided["above"], decided["late"]}
    county = _client(app, "audit1").get(f"/analytics/?{PERIOD}&unit={_case(decided['above']).unit_id}").text
    assert _table(county, "goodwill_by_approver") == [["Head1", "2", "¥2,500.00", "1"]]


def test_money_paid_above_assessed_and_the_decisions(app: Flask, decided: dict[str, str]) -> None:
    auditor = _client(app, "audit1")
    html = auditor.get(f"/analytics/?{PERIOD}").text
    # claimed 6 × ¥4,800.00 minus the withdrawn claim; assessed: 3 liable × ¥1,800.00 (late, refused: nothing);
    # settled 2000 + 500 + 1800; paid 2000 + 500; above assessed: 200 (above) + 500 (late, all of it).
    money = {row[0]: row[1] for row in _table(html, "money")}
    assert money == {"索赔金额": "¥24,000.00", "审查认定金额": "¥5,400.00", "已支付金额": "¥2,500.00",
                     "和解约定金额": "¥4,300.00", "超出认定的支付": "¥700.00"}
    decisions = {row[0]: row[1] for row in _table(html, "decisions")}
    assert decisions == {"已和解赔偿": "3", "不予赔偿": "1", "移交诉讼": "1", "撤回": "1"}
    expected = [{decided["above"], decided["late"], decided["flagged"]}, {decided["refused"]}, {decided["court"]},
                {decided["gone"]}]
    assert [_listed(auditor, link) for link in _links(html, "decisions")] == expected


def test_the_check_outcomes_each_list_their_cases(app: Flask, decided: dict[str, str]) -> None:
    auditor = _client(app, "audit1")
    html = auditor.get(f"/analytics/?{PERIOD}").text
    outcomes = {row[0]: row[1] for row in _table(html, "check_outcomes")}
    # the withdrawn claim counts as withdrawn only, whatever its check said
    assert outcomes == {"应当赔偿": "3", "已超过时限": "2"}, outcomes
    links = _links(html, "check_outcomes")
    assert [_listed(auditor, link) for link in links] == [
        {decided["above"], decided["flagged"], decided["court"]}, {decided["late"], decided["refused"]}]
