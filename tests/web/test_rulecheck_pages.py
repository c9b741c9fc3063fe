"""The legal-basis check as people use it: run it on a case, read why, keep the table, keep the calendar."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from casework.domain.access import Role
from casework.infra.db import db
from casework.rulecheck.models import Assessment
from tests.factories import FRIDGE, UTILITY, load_rule_table, login, make_case, make_units, make_user, token


@pytest.fixture
def office(app: Flask) -> dict:  # type: ignore[type-arg]
    units = make_units()
    version = load_rule_table()
    legal = make_user("legal1", Role.LEGAL, units["C1"])
    make_user("head1", Role.LEGAL_HEAD, units["C1"])
    make_user("audit1", Role.AUDITOR, units["P"])
    make_user("admin1", Role.ADMIN, units["P"])
    fridge = make_case(units["S1"], legal, facts=FRIDGE, circumstances=UTILITY, event_on=date(2025, 7, 20),
                       reported_on=date(2025, 7, 22))
    half = make_case(units["S1"], legal, facts={"customer_type": "residential"}, circumstances=UTILITY)
    return {"fridge": fridge.number, "half": half.number, "version": version}


def _run(app: Flask, user: str, number: str) -> tuple:  # type: ignore[type-arg]
    client = app.test_client()
    login(client, user)
    response = client.post(f"/cases/{number}/check", data={"csrf_token": token(client)}, follow_redirects=True)
    return client, response


def test_legal_officer_runs_the_check_and_reads_why(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    _, page = _run(app, "legal1", office["fridge"])
    text = page.text
    assert page.status_code == 200
    assert "应当赔偿" in text and "¥1,800.00" in text
    assert "按折旧后价格" in text  # the computation per item
    assert "第1步：" in text and "第十二条" in text
    assert "「" in text  # quoted original text of the rules applied
    assert "2025年7月28日" in text  # the report window, with its citation
    assert "第七条" in text


def test_missing_facts_are_named_in_words(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    _, page = _run(app, "legal1", office["half"])
    assert "事实不足" in page.text
    assert "还缺少以下事实" in page.text
    assert re.search(r"故障类型|损坏电器清单|供电电压", page.text)


def test_auditor_reads_the_check_but_cannot_run_it(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    _run(app, "legal1", office["fridge"])
    client = app.test_client()
    login(client, "audit1")
    page = client.get(f"/cases/{office['fridge']}/check")
    assert page.status_code == 200 and "应当赔偿" in page.text and "重新审查" not in page.text
    assert client.post(f"/cases/{office['fridge']}/check", data={"csrf_token": token(client)}).status_code == 403
    with app.app_context():
        assert len(db.session.scalars(select(Assessment)).all()) == 1


def test_snapshots_cannot_be_rewritten(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    _run(app, "legal1", office["fridge"])
    with app.app_context(), pytest.raises(DatabaseError), db.engine.begin() as conn:
        conn.execute(text("UPDATE assessment SET outcome = 'not_liable'"))


def test_rule_table_pages_browse_by_category_and_instrument(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    client = app.test_client()
    login(client, "audit1")
    page = client.get(f"/rules/{office['version']}?category=appliance").text
    assert "居民用户家用电器损坏处理办法" in page and "「" in page
    only_civil = client.get(f"/rules/{office['version']}?instrument=中华人民共和国民法典").text
    assert "第一千一百九十一条" in only_civil or "第一百八十八条" in only_civil
    assert "未核实" in page


def _visible(html: str) -> str:
    """The text a person reads: tags and hidden form values gone."""
    html = re.sub(r"<(script|style)\b.*?</\1>|<input[^>]*>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_rule_table_page_speaks_words_and_quotes_each_article_in_full(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    from casework.domain.rules.loader import load_bundled_table

    table = load_bundled_table()
    client = app.test_client()
    login(client, "legal1")
    text = _visible(client.get(f"/rules/{office['version']}").text)
    codes = {r.id for r in table.rules} | {p.name for p in table.parameters}
    assert [c for c in codes if re.search(rf"(?<![A-Za-z_]){c}(?![A-Za-z_])", text)] == []
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # 施行 1996年9月1日, never 1996-09-01
    assert "1996年9月1日" in text and "全额赔偿" in text  # a date and a parameter in words
    # the whole of 家电办法第十条, not only the rule's fragment
    assert "以外币购置的家用电器，按购置时国家外汇牌价折人民币计算其购置价" in text
    assert "legal/REFERENCE.md" not in text


def test_draft_edit_impact_and_publication_through_the_pages(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    _run(app, "legal1", office["fridge"])
    legal, head = app.test_client(), app.test_client()
    login(legal, "legal1")
    login(head, "head1")
    csrf = token(legal)
    assert legal.post("/rules/drafts", data={"version": "2025.2", "summary": "测试：十年以上电冰箱",
                                             "csrf_token": csrf}).status_code == 302
    life = '{"electronic": 10, "motor": 5, "resistive_heating": 5, "light_source": 2}'
    legal.post("/rules/2025.2/parameter", data={"name": "ha_life_years", "effective_from": "1996-09-01",
                                                "value": life, "verified": "y", "csrf_token": csrf})
    bad = legal.post("/rules/2025.2/parameter", data={"name": "ha_floor_rate", "effective_from": "1996-09-01",
                                                      "value": "ten percent", "csrf_token": csrf}, follow_redirects=True)
    assert "取值格式不对" in bad.text
    impact = legal.get("/rules/2025.2/impact").text
    assert office["fridge"] in impact and "¥1,800.00" in impact and "¥360.00" in impact
    legal.post("/rules/2025.2/submit", data={"csrf_token": csrf})
    refused = legal.post("/rules/2025.2/decide", data={"approve": "y", "csrf_token": csrf}, follow_redirects=True)
    assert "只有法务负责人可以审批" in refused.text
    approved = head.post("/rules/2025.2/decide", data={"approve": "y", "comment": "同意", "csrf_token": token(head)},
                         follow_redirects=True)
    assert "已发布" in approved.text
    rerun = legal.post(f"/cases/{office['fridge']}/check", data={"csrf_token": csrf}, follow_redirects=True)
    assert "¥360.00" in rerun.text and "2025.2" in rerun.text


def test_admin_calendar_change_moves_a_deadline(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    """2025-07-28 ends the 7-day report window; declared a rest day, the window runs to the 29th."""
    admin = app.test_client()
    login(admin, "admin1")
    response = admin.post("/admin/calendar/", data={"day": "2025-07-28", "kind": "holiday", "name": "测试休假",
                                                    "csrf_token": token(admin, "/admin/calendar/")})
    assert response.status_code == 302
    _, page = _run(app, "legal1", office["fridge"])
    assert "2025年7月29日" in page.text
    listing = admin.get("/admin/calendar/?year=2025").text
    assert "测试休假" in listing and "国庆节" in listing


def test_the_calendar_page_says_whether_the_year_is_covered(app: Flask, office: dict) -> None:  # type: ignore[type-arg]
    """Issue 15 D4: a year without a loaded arrangement is said to be counted with weekends only."""
    admin = app.test_client()
    login(admin, "admin1")
    assert "本年已载入国务院办公厅节假日安排" in admin.get("/admin/calendar/?year=2025").text
    later = admin.get("/admin/calendar/?year=2031").text
    assert "本年尚未载入完整的国务院办公厅节假日安排" in later and "节假日导入命令" in later
