"""The rule-table pages in words: no rule id, no parameter name, no ISO date; every cited provision readable
in full beside its rule; and the parameter forms still save what the officer typed."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask import Flask
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.domain.access import Role
from casework.domain.rules import load_bundled_table
from casework.infra.db import db
from casework.ruletable.models import RuleTableVersion
from casework.ruletable.store import BUNDLED_SUMMARY_BEFORE
from tests.factories import load_rule_table, login, make_units, make_user, token

TABLE = load_bundled_table()
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


class _Visible(HTMLParser):
    """The text a person sees: tag contents, not attributes (a hidden form value may hold a code)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts)


def leaks(text: str) -> list[str]:
    """Every internal identifier of the table a page shows as text."""
    codes = {r.id for r in TABLE.rules} | {r.result_key for r in TABLE.rules} | {p.name for p in TABLE.parameters}
    words = set(re.findall(r"[A-Za-z_#]+", text))
    found = sorted(c for c in codes if c in words)
    found += ISO_DATE.findall(text)
    found += [s for s in ("REFERENCE.md", "LawRefBook/Laws@", "bound method", "Source(", "随软件发布", "生效 ")
              if s in text]
    return found


@pytest.fixture
def office(app: Flask) -> dict[str, str]:
    units = make_units()
    version = load_rule_table()
    make_user("legal1", Role.LEGAL, units["C1"])
    make_user("audit1", Role.AUDITOR, units["P"])
    return {"version": version}


def _client(app: Flask, user: str) -> object:
    client = app.test_client()
    login(client, user)
    return client


def test_published_table_reads_in_words(app: Flask, office: dict[str, str]) -> None:
    client = _client(app, "audit1")
    page = client.get(f"/rules/{office['version']}")  # type: ignore[attr-defined]
    text = visible(page.text)
    assert page.status_code == 200
    assert leaks(text) == []
    # dates as a Chinese legal text writes them
    assert "自1996年4月1日起施行" in text and "1996年10月8日至2024年5月31日施行" in text
    # parameters by what they are, values as a person reads them
    assert "各类家用电器的平均使用年限" in text and "电子类10年；电机类12年；电阻电热类5年；电光源类2年" in text
    assert "最低赔偿比例（占原价）" in text and "10%" in text
    assert "民法总则施行日" in text and "2017年10月1日" in text
    assert "按已满月数计算" in text
    # the citation of a parameter is the citation, not a Python repr
    assert "《居民用户家用电器损坏处理办法》第十二条" in text


def test_each_rule_shows_the_whole_provision_beside_its_fragment(app: Flask, office: dict[str, str]) -> None:
    client = _client(app, "audit1")
    page = client.get(f"/rules/{office['version']}?instrument=中华人民共和国电力法").text  # type: ignore[attr-defined]
    text = visible(page)
    assert "「供电企业在批准的供电营业区内向用户供电」" in text  # the rule's fragment
    assert "一个供电营业区内只设立一个供电营业机构" in text  # the rest of 第二十五条, from the mirror
    assert "<details" in page and "条文全文" in text  # collapsed, readable without a script
    assert "LawRefBook 法律法规文本库：电力法（2018年12月29日文本）" in text
    supply = visible(client.get(f"/rules/{office['version']}?instrument=供电营业规则").text)  # type: ignore[attr-defined]
    assert "停电时间不足一小时按照一小时计算" in supply  # 2024 第九十七条（三）, the whole article
    assert "规则表编制所据的法规研究资料，第3.7(b)节" in supply
    assert "（仅见部分条文）" in supply and "（三）（四）项未经核实" in supply  # 1996 第九十五条, honestly partial
    assert leaks(supply) == []


def test_versions_list_says_what_the_bundled_table_is(app: Flask, office: dict[str, str]) -> None:
    with app.app_context():  # a database loaded before this change keeps the old summary
        row = db.session.scalar(select(RuleTableVersion))
        assert row is not None
        row.summary = BUNDLED_SUMMARY_BEFORE
        db.session.commit()
    client = _client(app, "audit1")
    for url in ("/rules/", f"/rules/{office['version']}"):
        text = visible(client.get(url).text)  # type: ignore[attr-defined]
        assert "随系统发布的规则表（依据法规原文整理，未经核实之处逐条标明）" in text
        assert "legal/REFERENCE.md" not in text and leaks(text) == []


def test_english_mode_has_english_words(app: Flask, office: dict[str, str]) -> None:
    client = _client(app, "audit1")
    client.post("/language", data={"lang": "en", "csrf_token": token(client)})  # type: ignore[attr-defined]
    text = visible(client.get(f"/rules/{office['version']}").text)  # type: ignore[attr-defined]
    assert "Average useful life by appliance class" in text and "Full text of the provision" in text
    assert "最低赔偿比例（占原价）" not in text and "Minimum compensation (share of the price)" in text
    assert [c for c in leaks(text) if not ISO_DATE.fullmatch(c)] == []  # English dates are the filter's concern


def _draft(app: Flask) -> tuple[object, str]:
    legal = _client(app, "legal1")
    csrf = token(legal)  # type: ignore[arg-type]
    made = legal.post("/rules/drafts", data={"version": "2025.2", "summary": "电冰箱寿命", "csrf_token": csrf})  # type: ignore[attr-defined]
    assert made.status_code == 302
    return legal, csrf


def _stored(app: Flask, name: str) -> list[object]:
    with app.app_context():
        row = db.session.scalar(select(RuleTableVersion).where(RuleTableVersion.version == "2025.2"))
        assert row is not None
        return [p["value"] for p in row.data["parameters"] if p["name"] == name]


def test_a_structured_parameter_is_edited_box_by_box(app: Flask, office: dict[str, str]) -> None:
    legal, csrf = _draft(app)
    page = legal.get("/rules/2025.2").text  # type: ignore[attr-defined]
    text = visible(page)
    assert leaks(text) == []
    assert 'type="hidden" name="name" value="ha_life_years"' in page  # the name travels hidden, never shown
    assert "电机类" in text and '{"electronic"' not in page
    saved = legal.post("/rules/2025.2/parameter", follow_redirects=True, data={  # type: ignore[attr-defined]
        "name": "ha_life_years", "effective_from": "1996-09-01", "csrf_token": csrf, "verified": "y",
        "part-electronic": "10", "part-motor": "5", "part-resistive_heating": "5", "part-light_source": "2"})
    assert "各类家用电器的平均使用年限已保存" in saved.text
    assert _stored(app, "ha_life_years") == [{"electronic": 10, "motor": 5, "resistive_heating": 5, "light_source": 2}]
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "rules.parameter")).one()
        assert event.before["ha_life_years"]["value"]["motor"] == 12


def test_a_bad_value_is_refused_in_words_and_nothing_changes(app: Flask, office: dict[str, str]) -> None:
    legal, csrf = _draft(app)
    refused = legal.post("/rules/2025.2/parameter", follow_redirects=True, data={  # type: ignore[attr-defined]
        "name": "ha_life_years", "effective_from": "1996-09-01", "csrf_token": csrf,
        "part-electronic": "十年", "part-motor": "12", "part-resistive_heating": "5", "part-light_source": "2"})
    text = visible(refused.text)
    assert "各类家用电器的平均使用年限：取值格式不对" in text and leaks(text) == []
    assert _stored(app, "ha_life_years") == [{"electronic": 10, "motor": 12, "resistive_heating": 5, "light_source": 2}]
    scalar = legal.post("/rules/2025.2/parameter", follow_redirects=True, data={  # type: ignore[attr-defined]
        "name": "ha_floor_rate", "effective_from": "1996-09-01", "value": "ten percent", "csrf_token": csrf})
    assert "最低赔偿比例（占原价）：取值格式不对" in visible(scalar.text)
    assert "ten percent" not in visible(scalar.text)


def test_coded_and_plain_values_still_save(app: Flask, office: dict[str, str]) -> None:
    legal, csrf = _draft(app)
    page = legal.get("/rules/2025.2").text  # type: ignore[attr-defined]
    assert '<option value="year"' in page and "按已满年数计算" in visible(page)
    for name, since, value in (("ha_age_unit", "1996-09-01", "year"), ("ha_repair_cap", "1996-09-01", "original_price"),
                               ("ha_floor_rate", "1996-09-01", "0.15")):
        done = legal.post("/rules/2025.2/parameter", follow_redirects=True, data={  # type: ignore[attr-defined]
            "name": name, "effective_from": since, "value": value, "csrf_token": csrf})
        assert "已保存" in done.text, name
    assert _stored(app, "ha_age_unit") == ["year"]
    assert _stored(app, "ha_repair_cap") == ["original_price"]
    assert _stored(app, "ha_floor_rate") == ["0.15"]


def test_a_table_of_rows_is_edited_row_by_row(app: Flask, office: dict[str, str]) -> None:
    legal, csrf = _draft(app)
    (zones,) = _stored(app, "zone_half_width_m")
    assert isinstance(zones, list)
    page = visible(legal.get("/rules/2025.2").text)  # type: ignore[attr-defined]
    assert "1. 最低电压（千伏）" in page and "距离（米）" in page and "min_kv" not in page
    form = {f"part-{n}-{k}": str(v) for n, row in enumerate(zones) for k, v in row.items()}
    form["part-0-metres"] = "6"
    done = legal.post("/rules/2025.2/parameter", follow_redirects=True, data={  # type: ignore[attr-defined]
        "name": "zone_half_width_m", "effective_from": "1987-09-15", "csrf_token": csrf, "verified": "y", **form})
    assert "架空电力线路保护区（导线边线向外延伸距离）已保存" in done.text
    (after,) = _stored(app, "zone_half_width_m")
    assert after == [{**zones[0], "metres": 6}, *zones[1:]]


def test_the_command_line_describes_the_bundled_version_in_words(app: Flask, office: dict[str, str]) -> None:
    with app.app_context():
        row = db.session.scalar(select(RuleTableVersion))
        assert row is not None
        row.summary = BUNDLED_SUMMARY_BEFORE
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["rules", "list"])
    out = result.output
    assert result.exit_code == 0, (result.output, result.exception)
    assert office["version"] in out and "随系统发布的规则表" in out and "REFERENCE.md" not in out
