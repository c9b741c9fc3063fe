"""A dossier that can be archived: the claim filed on the intake form and taken to payment, closed, and its sealed
PDF read back as text: facts in words, only real corrections, a timeline of changes and decisions, the reads
counted in their own section, a 卷内目录 in archive form, a 备考表 with places to sign and seal, dates in words,
every cited provision quoted with its text."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask
from pypdf import PdfReader
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.cases.models import Case
from casework.domain.rules import load_bundled_table
from casework.dossier.content import _grounds
from casework.infra.db import db
from casework.rulecheck.present import applied_rules
from casework.rulecheck.service import latest_assessment, table_of
from casework.ui import history
from tests.conftest import csrf_from
from tests.factories import ctx, load
from tests.web.test_decision import _client, world  # noqa: F401 - the shared fixture
from tests.web.test_history_words import _filed_and_paid


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _between(text: str, start: str, end: str) -> str:
    """The body of a section: from its heading (the second mention; the first is the table of contents)."""
    at = text.index(start, text.index(start) + 1)
    return text[at:text.index(end, at)]


def _closed_dossier(app: Flask, world: dict[str, Any]) -> tuple[str, list[str]]:  # noqa: F811
    number = _filed_and_paid(app, world)
    legal = _client(app, "legal1")
    token = csrf_from(legal.get(f"/cases/{number}").text)
    assert legal.post(f"/cases/{number}/events/close", data={"csrf_token": token, "confirm": "1"}).status_code == 303
    assert load(Case, number=number).state == "closed"  # type: ignore[union-attr]
    with legal.get(f"/cases/{number}/dossier/1") as response:
        assert response.status_code == 200
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages]
    return number, pages


def test_the_sealed_dossier_reads_as_an_archive_file(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number, pages = _closed_dossier(app, world)
    text = _flat("".join(pages))
    # the check's reasoning steps are the engine's words (domain/rules, its own tests): read apart here
    steps = text.index("计算与说明", text.index("二、法律依据审查", text.index("二、法律依据审查") + 1))
    ours = text[:steps] + text[text.index("期限", steps):]
    for leak in ("utility_fault", "residential", "neutral_broken", "motor", "circumstances.", "facts.", "{'",
                 "legal1", "legal2", "field1", "settle", "paid_on", "voucher", "goodwill", "None", "True"):
        assert leak not in ours, leak
    iso = re.search(r"\d{4}-\d{2}-\d{2}", ours)
    assert not iso, ours[iso.start() - 300:iso.end() + 50]  # every date and the sealing time in words

    facts = _between(text, "一、案件事实", "二、法律依据审查")
    for words in ("损害原因：供电企业责任", "用户类别：居民用户", "故障类型：零线断线", "供电电压（伏）：220伏",
                  "故障设施产权人：供电企业", "电器名称：电冰箱", "电器类别：电机类（12年）", "购置价格：¥3,600.00",
                  "购置日期：2023年7月20日", "有购货发票：是"):
        assert words in facts, words
    corrections = facts[facts.index("更正记录"):]
    assert "更正：索赔金额" in corrections and "¥5,000.00" in corrections and "¥4,500.00" in corrections
    for first_entry in ("损害原因", "用户类别", "损坏电器清单"):  # entered once, never corrected
        assert first_entry not in corrections, first_entry

    timeline = _between(text, "五、办理过程", "六、访问记录")
    for words in ("提出处理意见", "处理方式：和解赔偿", "登记付款", "支付金额：¥1,800.00", "付款凭证号：PZ-0042",
                  "付款日期：2026年11月30日", "承办人：Legal1", "状态：已支付→已结案"):
        assert words in timeline, words
    for read in ("查看完整身份信息", "下载证据", "查看证据", "下载案卷"):
        assert read not in timeline, read

    with ctx():
        case_id = db.session.scalar(select(Case.id).where(Case.number == number))
        sealed_at = db.session.scalar(select(func.min(AuditEvent.seq)).where(
            AuditEvent.case_id == case_id, AuditEvent.action == "dossier.seal"))
        reads = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.case_id == case_id, AuditEvent.action.in_(history.READS), AuditEvent.seq < sealed_at))
        views = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.case_id == case_id, AuditEvent.action == "case.view_identifiers", AuditEvent.seq < sealed_at))
    access = _between(text, "六、访问记录", "七、审计链")
    assert reads and f"本案共被查看、下载或导出{reads}次" in access
    assert f"查看完整身份信息：{views}次" in access and "Legal1：" in access

    catalogue = _between(text, "卷内目录", "一、案件事实")
    for column in ("序号", "文件题名", "责任者", "日期", "页号", "备注"):
        assert column in catalogue, column
    assert "证据：损坏电器照片（冰箱.jpg）" in catalogue and "备考表" in catalogue and "办理过程" in catalogue

    note = text[text.rindex("备考表"):]
    assert f"本卷共{len(pages)}页" in note  # the page count the sheet states is the file's
    for words in ("本卷情况说明", "收录证据材料1件", "照片1张", "立卷人", "审核人", "盖章", "年月日"):
        assert words in note, words
    assert re.search(r"本卷于\d{4}年\d{1,2}月\d{1,2}日\d{2}:\d{2}由系统封存", note)

    with ctx():
        snapshot = latest_assessment(db.session, case_id)
        rules = applied_rules(table_of(db.session, snapshot.rule_table_version), snapshot.result)
    assert rules and all(_flat(p.text) in text for rule in rules for p in rule.provisions)
    assert "“”" not in text


def test_decision_grounds_are_quoted_from_the_rule_table_when_stored_as_a_fragment() -> None:
    table = load_bundled_table()
    rule = next(r for r in table.rules if r.quote and r.sources)
    (ground,) = _grounds(table, [{"rule": rule.id, "citation": rule.label, "title": rule.title_zh, "quote": ""}])
    assert ground["provisions"] and all(p["text"] for p in ground["provisions"])
    # found by its citation when the stored ground names no rule id
    (by_citation,) = _grounds(table, [{"citation": rule.label, "quote": "……"}])
    assert [p["text"] for p in by_citation["provisions"]] == [p["text"] for p in ground["provisions"]]
    # a rule the table no longer has: its stored quote, never an empty quotation
    (gone,) = _grounds(table, [{"rule": "no_such_rule", "citation": "《某法》第一条", "quote": "原文片段"}])
    assert [p["text"] for p in gone["provisions"]] == ["原文片段"]
    assert _grounds(table, [{"rule": "no_such_rule", "citation": "《某法》第一条", "quote": ""}])[0]["provisions"] == []
