"""The PDF report of a month or a quarter and a unit: its text (read back from the PDF) names the unit and the
period and prints the pages' figures to the fen, with the charts' labels as text; it stays Chinese from an
English page, as the dossier does; any other period is refused with a message; a unit outside the viewer's
scope is refused and nothing of it leaks; what left is audited."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote, unquote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.domain.access import Role
from casework.domain.lifecycle import State
from casework.domain.periods import Period, months_before
from casework.domain.report_periods import default_report_period, report_name
from casework.domain.summary import CHINA
from casework.infra.db import db
from tests.factories import csrf_from, ctx, login, make_case, make_units, make_user, set_registered
from tests.visible import pdf_text

_register = set_registered


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    field1, field2 = make_user("field1", Role.FIELD, units["S1"]), make_user("field2", Role.FIELD, units["S2"])
    make_user("audit1", Role.AUDITOR, units["P"])
    make_user("legal1", Role.LEGAL, units["K1"])
    cases = [
        # S1 (county K1): a crop claim in July, settled and paid as goodwill; appliance claims in August and on
        # the last evening of September (23:30 in China)
        (units["S1"], field1, "crop", datetime(2025, 7, 5, 8, tzinfo=UTC), Decimal("5000.00"),
         {"assessment_outcome": "not_liable", "decision_kind": "settled", "settled_amount": Decimal("800.00"),
          "paid_amount": Decimal("800.00"), "goodwill_payment": True}),
        (units["S1"], field1, "appliance", datetime(2025, 8, 10, 2, tzinfo=UTC), Decimal("1200.50"), {}),
        (units["S1"], field1, "appliance", datetime(2025, 9, 30, 15, 30, tzinfo=UTC), Decimal("300.25"), {}),
        # Outside the quarter in China: 1 October 00:30, and 30 June 23:59
        (units["S1"], field1, "appliance", datetime(2025, 9, 30, 16, 30, tzinfo=UTC), Decimal("7777.77"), {}),
        (units["S1"], field1, "appliance", datetime(2025, 6, 30, 15, 59, tzinfo=UTC), Decimal("6666.66"), {}),
        # S2 (county K2): one appliance claim in August
        (units["S2"], field2, "appliance", datetime(2025, 8, 2, 8, tzinfo=UTC), Decimal("99.99"), {}),
    ]
    for unit, by, category, at, amount, columns in cases:
        _register(make_case(unit, by, category=category, claimed_amount=amount), at, **columns)
    make_case(units["S1"], field1, state=State.DRAFT, claimed_amount=Decimal("1000000"))  # a draft: never counted
    return {"units": units}


def _report(client: FlaskClient, query: str) -> Any:
    return client.get(f"/analytics/report.pdf?{query}")


def test_a_quarters_report_prints_the_unit_the_period_and_the_figures(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    response = _report(client, f"period=2025-Q3&unit={world['units']['P'].id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert "attachment" in disposition and 'filename="casework-report-2025-Q3.pdf"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]) == "理赔分析报告-单位P-2025年第三季度.pdf"
    text = pdf_text(response.data)
    # The title page: the unit, the period (its days), when and by whom.
    assert "理赔分析报告" in text and "单位P" in text and "2025年第三季度" in text
    assert "2025年7月1日至2025年9月30日" in text and "Audit1" in text
    # The overview's figures, as its page counts them: 2 appliance claims (1200.50 + 300.25 + 99.99) and the
    # crop claim settled and paid ¥800.00; the June and October claims are in other quarters.
    lines = text.splitlines()
    assert any(line.startswith("家电损坏 3 ¥1,600.74") for line in lines), text
    assert any(line.startswith("青苗补偿 1 ¥5,000.00 ¥0.00 ¥800.00 ¥800.00") for line in lines), text
    assert "7,777.77" not in text and "6,666.66" not in text and "1,000,000" not in text
    # The months of the quarter, and only those.
    assert "2025年8月" in text and "2025年10月" not in text and "2025年6月" not in text
    # The charts are drawn, their labels are text: a pie's legend (3 of the 4 claims not checked yet) and a
    # chart's caption.
    assert "尚未审查 3（75.0%）" in text.replace("\u3000", " ")
    assert "图：各类别案件数" in text
    with ctx():
        entry = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "analytics.report")).one()
        assert entry.actor_name == "audit1" and entry.after is not None
        assert entry.after["period"] == "2025-Q3" and entry.after["unit"] == "单位P" and len(entry.after["sha256"]) == 64


def test_a_county_officers_month_is_the_county_alone(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "legal1")
    response = _report(client, "period=2025-09")  # no unit: the officer's own county
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "单位K1" in text and "2025年9月" in text and "2025年9月1日至2025年9月30日" in text
    lines = text.splitlines()
    assert any(line.startswith("家电损坏 1 ¥300.25") for line in lines), text  # 23:30 on 30 September in China
    assert "¥1,200.50" not in text and "¥99.99" not in text and "单位K2" not in text


def test_another_countys_report_is_refused_and_nothing_of_it_leaks(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "legal1")
    response = _report(client, f"period=2025-Q3&unit={world['units']['K2'].id}")
    assert response.status_code == 403 and response.mimetype == "text/html"
    assert "所选单位不在您可查看的范围内" in response.text
    assert "单位K2" not in response.text and "99.99" not in response.text
    assert _report(client, "period=2025-Q3&unit=999999").status_code == 403
    with ctx():
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "analytics.report")).first() is None


@pytest.mark.parametrize("period", ["2025", "2025-01:2025-06", "2025-13", "2025-Q5", "", "<b>x</b>"])
def test_a_period_that_is_not_a_month_or_a_quarter_is_refused(app: Flask, world: dict[str, Any], period: str) -> None:
    client = app.test_client()
    login(client, "audit1")
    response = _report(client, f"period={quote(period)}")
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "报告期间须为一个月（例如 2025-07）或一个季度（例如 2025-Q3）" in response.text
    assert "<b>x</b>" not in response.text


def test_from_an_english_page_the_report_stays_chinese_as_the_dossier(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    page = client.get("/analytics/?from=2025-07&to=2025-09")
    client.post("/language", data={"lang": "en", "csrf_token": csrf_from(page.text)})
    english = client.get("/analytics/?from=2025-07&to=2025-09").text
    assert "PDF report" in english  # the form speaks the page's language
    assert report_name(default_report_period(_today()), "en") in english
    text = pdf_text(_report(client, "period=2025-Q3").data)
    assert "理赔分析报告" in text and "按类别" in text and "2025年第三季度" in text and "家电损坏" in text
    assert "By category" not in text and "Appliance" not in text


def _today() -> date:
    return datetime.now(CHINA).date()


def test_the_analytics_page_asks_for_the_report_of_its_unit_and_period(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "audit1")
    k1 = world["units"]["K1"].id
    last_month = months_before(date(_today().year, _today().month, 1), 1)
    html = client.get(f"/analytics/?from={last_month:%Y-%m}&to={last_month:%Y-%m}&unit={k1}").text
    form = html.split('action="/analytics/report.pdf"', 1)[1].split("</form>", 1)[0]
    assert f'name="unit" value="{k1}"' in form and "单位K1" in form
    assert form.count("<option") == 16  # four quarters and twelve months
    chosen = form.split(" selected>", 1)[1].split("<", 1)[0]
    assert chosen == report_name(Period(last_month, last_month))  # the page's own month
    # A page over a year offers the last whole quarter.
    html = client.get(f"/analytics/?unit={k1}").text
    form = html.split('action="/analytics/report.pdf"', 1)[1].split("</form>", 1)[0]
    assert form.split(" selected>", 1)[1].split("<", 1)[0] == report_name(default_report_period(_today()))
