"""The case history in words: a claim filed on the intake form and taken to payment shows, on its case page, every
change and decision by its label with values in words (no key, code, username or Python repr), the reads
counted apart; every action key recorded anywhere has a label; the facts section speaks the page's language."""

from __future__ import annotations

import ast
import re
from html import unescape
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from casework.audit.models import AuditEvent
from casework.cases.models import Case
from casework.domain.access import Role
from casework.domain.evidence import checklist
from casework.evidence.service import waive
from casework.export.retention import APPLY, HOLDERS
from casework.infra.db import db, unit_of_work, utcnow
from casework.ui import history, labels
from casework.ui.facts import claim_facts
from tests.conftest import csrf_from
from tests.domain.casefactory import make
from tests.factories import ctx, load, make_user
from tests.samples import jpeg
from tests.uploads import upload
from tests.web.test_decision import SETTLE, _client, _post, world  # noqa: F401 - the shared fixture
from tests.web.test_intake import CLAIMANT, post, typed

CASEWORK = Path(__file__).resolve().parents[2] / "casework"
FRIDGE = {"appliances": [{"name": "电冰箱", "class": "motor", "price": "3600.00", "purchase_date": "2023-07-20",
                          "invoice": True, "repairable": False}],
          "customer_type": "residential", "supply_voltage_v": 220, "fault_type": "neutral_broken"}


def _visible(html: str) -> str:
    """The text a person reads: no tags, scripts or styles; attribute values gone."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _section(html: str, start: str, end: str | None = None) -> str:
    text = html[html.index(start):]
    return text[:text.index(end)] if end else text


def _filed_and_paid(app: Flask, world: dict[str, Any]) -> str:  # noqa: F811
    """A fridge claim filed by field1 as a draft, corrected once (claimed amount) and completed (its cause first
    entered), submitted, checked, its file completed, settled by legal1, approved by legal2 and paid."""
    field = _client(app, "field1")
    case = make("appliance", facts=FRIDGE, event_date="2026-11-20", report_date="2026-11-21")
    data = {**CLAIMANT, **typed(case), "claimed_amount": "5000.00"}
    draft = {k: v for k, v in data.items() if k not in ("cause", "facts-customer_type") and not k.startswith("facts-appliances-")}
    assert post(field, "/intake/new/appliance", draft).status_code == 302
    with ctx():
        number = db.session.scalar(db.select(Case.number))
    url = f"/intake/{number}"
    assert post(field, url, {**data, "cause": "utility_fault", "claimed_amount": "4500.00"},
                action="submit").status_code == 302
    legal = _client(app, "legal1")
    for _ in range(3):  # every view of the full identifiers is a read on record
        legal.get(f"/cases/{number}")
    token = csrf_from(legal.get(f"/cases/{number}").text)
    assert legal.post(f"/cases/{number}/events/confirm_check", data={"csrf_token": token}).status_code == 303
    assert upload(legal, number, [("冰箱.jpg", jpeg(640, 480))], "appliance_photos").status_code in (200, 303)
    with ctx(), unit_of_work() as session:
        row = session.scalar(db.select(Case).where(Case.number == number))
        for item in checklist(row.category):
            if item.required and item.kind != "appliance_photos":
                waive(session, world["legal"].actor(), row, item.kind, "由现场登记材料替代，已附照片说明。", now=utcnow())
    token = csrf_from(legal.get(f"/cases/{number}").text)
    assert legal.post(f"/cases/{number}/events/complete_evidence", data={"csrf_token": token}).status_code == 303
    assert _post(legal, number, "propose", amount="1800", **SETTLE).status_code == 303
    assert _post(_client(app, "legal2"), number, "decide", approve="1", comment="同意").status_code == 303
    assert _post(legal, number, "payment", pay_amount="1800", paid_on="2026-11-30",
                 voucher="PZ-0042").status_code == 303
    assert load(Case, number=number).state == "paid"  # type: ignore[union-attr]
    return number


def _page(client: FlaskClient, number: str) -> str:
    response = client.get(f"/cases/{number}")
    assert response.status_code == 200
    return response.text


def test_history_of_a_claim_from_intake_to_payment_is_in_words(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = _filed_and_paid(app, world)
    html = _page(_client(app, "legal1"), number)
    shown = _visible(_section(html, "处理记录", "访问记录"))
    for leak in ("utility_fault", "residential", "neutral_broken", "motor", "circumstances.", "facts.", "{'", "['",
                 "True", "False", "None", "legal1", "legal2", "field1", "settle", "paid_on", "voucher",
                 "goodwill", "precedent_risk", "registered", "2026-11-", "electronic"):
        assert leak not in shown, leak
    for words in ("供电企业责任", "居民用户", "电机类（12年）", "电冰箱", "和解赔偿", "支付金额", "¥1,800.00",
                  "付款凭证号", "PZ-0042", "2026年11月30日", "Legal1", "Legal2", "提出处理意见", "登记付款", "已支付",
                  "承办人", "损害原因", "用户类别"):
        assert words in shown, words
    assert "证据类别：settle" not in shown and "应赔金额：1800" not in shown
    # the claimed amount was entered, then corrected: the first value struck through, not the cause's first entry
    assert re.search(r"<del>\s*¥5,000.00\s*</del>\s*→\s*¥4,500.00", html)
    assert not re.search(r"<del>[^<]*</del>\s*→\s*供电企业责任", html)
    assert "所属单位 单位S1" in shown  # the unit by its name
    # the appliances, first entered on the second save: a list of appliances with their facts in words
    assert "损坏电器清单" in shown and "购置价格" in shown and "¥3,600.00" in shown and "2023年7月20日" in shown


def test_reads_are_counted_apart_from_the_changes(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = _filed_and_paid(app, world)
    legal = _client(app, "legal1")
    html = _page(legal, number)
    with ctx():
        case_id = db.session.scalar(db.select(Case.id).where(Case.number == number))
        reads = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
            AuditEvent.case_id == case_id, AuditEvent.action.in_(history.READS)))
    assert reads >= 4  # three plain views, the pages that loaded a form, each page that showed identifiers
    timeline = _visible(_section(html, "处理记录", "访问记录"))
    assert "查看完整身份信息" not in timeline
    log = _section(html, "访问记录")
    assert f"访问记录（{reads} 次）" in log and "<details" in html[html.index("处理记录"):]
    assert _visible(log).count("查看完整身份信息") == reads - _visible(log).count("查看证据") - \
        _visible(log).count("下载证据")


def test_the_history_is_readable_on_a_phone(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    """No table of four columns that squeezes each change to a character: stacked entries, lists stacked too."""
    number = _filed_and_paid(app, world)
    history_html = _section(_page(_client(app, "legal1"), number), "处理记录")
    assert "<table" not in history_html.split('class="d-none d-md-block"')[0]
    assert 'class="list-unstyled history"' in history_html and "d-md-none" in history_html


def test_case_page_shows_the_claims_facts_in_words_and_in_english(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = _filed_and_paid(app, world)
    legal = _client(app, "legal1")
    facts = _visible(_section(_page(legal, number), "索赔事实", "办理"))
    for words in ("损害原因", "供电企业责任", "故障类型", "零线断线", "供电电压（伏）", "220伏", "用户类别", "居民用户",
                  "故障设施产权人", "供电企业", "电冰箱", "电机类（12年）", "¥3,600.00", "2023年7月20日", "有购货发票"):
        assert words in facts, words
    assert "utility_fault" not in facts and "residential" not in facts
    decision = _visible(legal.get(f"/cases/{number}/decision").text)
    assert "零线断线" in decision and "电冰箱" in decision
    token = csrf_from(legal.get(f"/cases/{number}").text)
    legal.post("/language", data={"csrf_token": token, "lang": "en"})
    page = _page(legal, number)
    english = _visible(_section(page, "Facts of the claim", "Handling"))
    for words in ("Cause", "Fault type", "Customer type", "Appliances", "Purchase date", "Residential",
                  "Neutral broken", "Supplier's fault"):
        assert words in english, words
    assert not re.search(r"[\u4e00-\u9fff]", english.replace("电冰箱", "")), english  # but the appliance's name
    history_en = _visible(_section(page, "History", "Access log"))
    assert "Supplier's fault" in history_en and "Amount paid" in history_en


def test_facts_are_rows_with_every_fact_named_and_missing_ones_said() -> None:
    facts = claim_facts("appliance", {"cause": "utility_fault"},
                        {"appliances": [{"name": "电视机", "class": "electronic", "price": "4800", "invoice": False,
                                         "repairable": True, "repair_cost": "300.5"}]}, "zh")
    rows = dict((r.label, r.value) for r in facts.rows)
    assert rows["损害原因"] == "供电企业责任" and rows["故障设施产权人"] == "未填写" and rows["用户类别"] == "未填写"
    (table,) = facts.tables
    assert table.columns[:4] == ("电器名称", "电器类别", "购置价格", "购置日期")
    assert table.rows == (("电视机", "电子类（10年）", "¥4,800.00", "未填写", "否", "是", "¥300.50"),)
    crop = dict((r.label, r.value) for r in claim_facts("crop", {}, {"area_mu": "2.50", "work_kind": "maintenance"},
                                                        "zh").rows)
    assert crop["受损面积（亩）"] == "2.5" and crop["作业类型"] == "运行维护" and crop["作物名称"] == "未填写"


def _recorded() -> dict[str, set[str]]:
    """Every action recorded in the code with a case, and the keys its before/after dicts name (literal dicts)."""
    found: dict[str, set[str]] = {}
    for path in CASEWORK.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "record"):
                continue
            if len(node.args) < 3 or not isinstance(node.args[2], ast.Constant):
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            if "case_id" not in keywords:
                continue  # never in a case's history
            keys = found.setdefault(node.args[2].value, set())
            for side in ("before", "after"):
                value = keywords.get(side)
                if isinstance(value, ast.Dict):
                    keys.update(k.value for k in value.keys if isinstance(k, ast.Constant))
    return found


def test_every_action_and_key_recorded_with_a_case_has_words(app: Flask) -> None:
    recorded = _recorded()
    assert {"case.open", "case.transition", "decision.propose", "decision.payment", "document.generate",
            "evidence.upload", "dossier.seal"} <= set(recorded)
    for action, keys in recorded.items():
        assert action in labels.ACTION, action
        if action == "case.edit":
            continue  # its keys are the case's columns and contract paths: the next test
        assert action in history.ACTIONS, action
        assert keys <= set(history.ACTIONS[action]), (action, keys - set(history.ACTIONS[action]))
    # keys built at run time: the retention classes (f"retention.{data_class}") with their counts per holder,
    # a transition's values, a stored file's damage
    for data_class in APPLY:
        assert f"retention.{data_class}" in history.ACTIONS and f"retention.{data_class}" in labels.ACTION
    assert {name for _, name in HOLDERS} <= set(history.ACTIONS["retention.evidence"])
    assert {"state", "event", "reason"} <= set(history.ACTIONS["case.transition"])
    assert {"problem", "found_sha256", "found_size", "owner", "name"} <= set(history.ACTIONS["file.damaged"])


def test_every_field_a_case_edit_can_record_has_a_label(app: Flask) -> None:
    from casework.cases.service import EDITABLE
    from casework.domain.contract import FACT_FIELDS, TOP_FIELDS
    names = history.Names()
    with app.test_request_context():
        for category, specs in FACT_FIELDS.items():
            ctx_ = history.Context(category, names, "zh")
            keys = [*EDITABLE, "unit", *(f"circumstances.{k}" for k in TOP_FIELDS), *(f"facts.{k}" for k in specs)]
            for key in keys:
                label, _ = history._key_words(key, ctx_)
                assert label != "其他" and "." not in label and "_" not in label, (category, key, label)
        label, _ = history._key_words("no_such_field", history.Context("appliance", names, "zh"))
        assert label == "其他"  # an unknown key: a generic word, never the key


def test_an_unknown_key_prints_a_word_not_the_key(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    make_user("audit9", Role.AUDITOR, world["units"]["P"])
    entry = AuditEvent(seq=1, at=utcnow(), actor_id=None, actor_name="system", ip=None, action="decision.payment",
                       object_type="case", object_id="X", case_id=None, before=None,
                       after={"amount": "10", "secret_code_x": {"a": 1}}, prev_hash="", hash="")
    with app.test_request_context():
        line = history.line(entry, "appliance", history.Names(), "zh")
    assert [c.label for c in line.changes] == ["支付金额", "其他"]
    assert "secret_code_x" not in repr([c.after for c in line.changes]) and line.who == "系统"
