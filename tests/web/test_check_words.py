"""The check page in the reader's words: reasoning and rule titles in English, provisions with findings, deadlines
by date, the unverified-value warning as an instruction, and checks stored before English was recorded."""

from __future__ import annotations

import html as htmllib
import re
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from casework.domain.access import Role
from casework.infra.db import db
from casework.rulecheck.models import Assessment
from tests.factories import FRIDGE, UTILITY, load_rule_table, login, make_case, make_units, make_user, token


@pytest.fixture
def fridge(app: Flask) -> str:
    units = make_units()
    load_rule_table()
    legal = make_user("legal1", Role.LEGAL, units["C1"])
    case = make_case(units["S1"], legal, facts=FRIDGE, circumstances=UTILITY, event_on=date(2025, 7, 20),
                     reported_on=date(2025, 7, 22))
    return case.number


def _checked(app: Flask, number: str, english: bool = False):  # type: ignore[no-untyped-def]
    client = app.test_client()
    login(client, "legal1")
    client.post(f"/cases/{number}/check", data={"csrf_token": token(client)})
    if english:
        client.post("/language", data={"lang": "en", "csrf_token": token(client)})
    return client


def _body(html: str) -> str:
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_chinese_page_has_words_not_codes_and_a_finding_under_each_rule(app: Flask, fridge: str) -> None:
    text = _body(_checked(app, fridge).get(f"/cases/{fridge}/check").text)
    assert "第1步：" in text and "居民用户家用电器损坏" in text and "2025年7月20日" in text
    for code in ("appliance", "utility_fault", "phase_neutral_contact", "ha_age_unit", "ha_scope", "2025-07-20",
                 "facts."):
        assert code not in text
    # the finding, a sentence about this claim, sits under the rules applied
    assert "本案电冰箱购于2019年7月20日" in text and "应赔偿1800.00元" in text
    # the warning says what to do and names the value in words, never the parameter
    assert "请核对官方文本后再据此作出决定" in text and "计算电器已使用时间的单位" in text


def test_english_page_reads_english(app: Flask, fridge: str) -> None:
    text = _body(_checked(app, fridge, english=True).get(f"/cases/{fridge}/check").text)
    assert "Step 1: Rule table version 2026.1 applies" in text
    assert "20 July 2025" in text and "第1步" not in text
    assert "Scope of the Appliance Measures" in text  # a rule title in English
    assert "bought on 20 July 2019" in text  # the finding in English
    assert "the unit in which an appliance's age is counted" in text
    assert "Measures for Handling Damage to Residential Customers' Household Appliances, Art. 7" in text


def test_deadlines_are_listed_by_date(app: Flask, fridge: str) -> None:
    html = _checked(app, fridge).get(f"/cases/{fridge}/check").text
    block = html.split('class="deadlines"', 1)[1].split("</ul>", 1)[0]
    shown = [date(int(y), int(m), int(d)) for y, m, d in re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日", block)]
    assert len(shown) >= 3 and shown == sorted(shown)


def test_a_check_stored_before_english_shows_chinese_with_a_note(app: Flask, fridge: str) -> None:
    client = _checked(app, fridge)
    with app.app_context():
        latest = db.session.scalars(select(Assessment).order_by(Assessment.id.desc())).first()
        assert latest is not None
        old = {k: v for k, v in latest.result.items() if k not in ("explanation_en", "findings", "to_verify")}
        db.session.add(Assessment(case_id=latest.case_id, rule_table_version=latest.rule_table_version,
                                  facts=latest.facts, result=old, outcome=latest.outcome, amount=latest.amount,
                                  run_by_id=latest.run_by_id, run_by_name=latest.run_by_name,
                                  run_at=latest.run_at + timedelta(seconds=1)))
        db.session.commit()
    client.post("/language", data={"lang": "en", "csrf_token": token(client)})
    page = client.get(f"/cases/{fridge}/check")
    assert page.status_code == 200
    text = _body(page.text)
    assert "第1步：" in text and "run the check again to get it in English" in text
    assert "check the official text before deciding" in text  # the warning still stands, without its list
