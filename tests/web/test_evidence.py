"""Evidence through the web: upload from the case's page, the checklist and its guard, download with the
original name, withdrawal, waivers, refusals by content, hostile names and access from other units."""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.cases.models import Case
from casework.domain.access import Role
from casework.domain.lifecycle import State
from casework.evidence.models import Evidence
from casework.infra.db import db
from tests import samples
from tests.conftest import csrf_from
from tests.factories import ctx, load, login, make_case, make_units, make_user
from tests.uploads import multipart, object_at, staging, store_root, stored, upload

INVOICE = samples.pdf("Invoice: refrigerator, 3600 yuan")


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    field = make_user("field1", Role.FIELD, units["S1"])
    legal = make_user("legal1", Role.LEGAL, units["P"])
    make_user("field2", Role.FIELD, units["S2"])
    mine = make_case(units["S1"], field, state=State.ASSESSED)
    theirs = make_case(units["S2"], legal)
    return {"units": units, "field": field, "legal": legal, "case": mine.number, "other": theirs.number}


def _client(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def _rows(number: str) -> list[Evidence]:
    with ctx():
        case_id = db.session.scalar(select(Case.id).where(Case.number == number))
        rows = list(db.session.scalars(select(Evidence).where(Evidence.case_id == case_id).order_by(Evidence.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def _get(client: FlaskClient, url: str) -> Any:
    """GET, read, and close the response: a download holds its file open until the response is closed."""
    with client.get(url) as response:
        response.get_data()
        return response


def _audits(action: str) -> int:
    with ctx():
        return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)) or 0


def test_photos_and_an_invoice_from_the_site_turn_the_checklist_green(app: Flask, world: dict[str, Any]) -> None:
    field, number = _client(app, "field1"), world["case"]
    photos = [(f"冰箱{i}.jpg", samples.jpeg(640, 480, taken_at=datetime(2025, 7, 20, 9, i), gps=(30.5 + i / 100, 114.3)))
              for i in range(4)]
    assert upload(field, number, photos, "appliance_photos", note="四台电器").status_code == 303
    assert upload(field, number, [("发票.pdf", INVOICE)], "purchase_proof").status_code == 303
    rows = _rows(number)
    assert [r.original_name for r in rows] == ["冰箱0.jpg", "冰箱1.jpg", "冰箱2.jpg", "冰箱3.jpg", "发票.pdf"]
    assert [r.sha256 for r in rows] == [hashlib.sha256(d).hexdigest() for _, d in photos + [("", INVOICE)]]
    assert rows[0].media_type == "image/jpeg" and rows[0].has_thumbnail and rows[4].media_type == "application/pdf"
    assert rows[1].meta["taken_at"] == "2025-07-20T09:01:00" and rows[1].meta["gps"] == [30.51, 114.3]
    for row in rows:  # the bytes on disk are the bytes received, under their hash, never their name
        path = object_at(app, row.sha256)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row.sha256
    assert staging(app) == [] and _audits("evidence.upload") == 5
    page = field.get(f"/cases/{number}/evidence").text
    assert "已提交 4 份" in page and "2025年7月20日 09:01" in page and "coordinate=wgs84" in page
    assert page.count("缺少") == 2  # registration record and repair assessment are still missing
    thumb = _get(field, f"/cases/{number}/evidence/{rows[0].public_id}/thumbnail")
    assert thumb.status_code == 200 and thumb.data[:3] == b"\xff\xd8\xff"
    assert b"Exif" not in thumb.data[:4096]  # a derived copy carries no GPS (RELIABILITY F12)


def test_evidence_complete_waits_for_the_checklist_or_a_waiver(app: Flask, world: dict[str, Any]) -> None:
    legal, number = _client(app, "legal1"), world["case"]
    page = legal.get(f"/cases/{number}").text
    assert "缺少证据：损坏登记笔录（用户签字）" in page  # the refused action says what is missing
    token = csrf_from(page)
    assert legal.post(f"/cases/{number}/events/complete_evidence", data={"csrf_token": token}).status_code == 303
    assert load(Case, number=number).state == "assessed"  # type: ignore[union-attr]
    for kind, name, data in (("registration_record", "登记笔录.pdf", samples.pdf("Registration record, signed")),
                             ("appliance_photos", "照片.jpg", samples.jpeg()),
                             ("purchase_proof", "发票.pdf", INVOICE)):
        assert upload(legal, number, [(name, data)], kind).status_code == 303
    refused = legal.post(f"/cases/{number}/evidence/waivers", data={"csrf_token": token, "kind": "repair_assessment",
                                                                    "reason": "  "})
    assert refused.status_code == 422 and "免于提交须说明理由" in refused.text
    reason = "冰箱压缩机烧毁，厂家出具不可修复证明已附在发票材料中，无需另行检测。"
    assert legal.post(f"/cases/{number}/evidence/waivers", data={
        "csrf_token": token, "kind": "repair_assessment", "reason": reason}).status_code == 303
    page = legal.get(f"/cases/{number}/evidence").text
    assert "已免除" in page and reason in page and "Legal1" in page
    assert legal.post(f"/cases/{number}/events/complete_evidence", data={"csrf_token": token}).status_code == 303
    assert load(Case, number=number).state == "evidence_complete"  # type: ignore[union-attr]
    assert _audits("evidence.waive") == 1


def test_the_officer_downloads_a_file_with_its_chinese_name(app: Flask, world: dict[str, Any]) -> None:
    number = world["case"]
    upload(_client(app, "field1"), number, [("损坏照片 厨房.jpg", samples.jpeg())], "appliance_photos")
    row = _rows(number)[0]
    got = _get(_client(app, "legal1"), f"/cases/{number}/evidence/{row.public_id}/download")
    assert got.status_code == 200 and hashlib.sha256(got.data).hexdigest() == row.sha256
    disposition = got.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "损坏照片 厨房.jpg"
    assert got.headers["X-Content-Type-Options"] == "nosniff" and "sandbox" in got.headers["Content-Security-Policy"]
    assert _audits("evidence.download") == 1


def test_control_characters_in_notes_and_reasons_are_dropped(app: Flask, world: dict[str, Any]) -> None:
    legal, number = _client(app, "legal1"), world["case"]
    assert upload(legal, number, [("a.jpg", samples.jpeg())], "appliance_photos", note="厨房\x00").status_code == 303
    row = _rows(number)[0]
    assert row.note == "厨房"
    token = csrf_from(legal.get(f"/cases/{number}/evidence").text)
    legal.post(f"/cases/{number}/evidence/{row.public_id}/withdraw", data={"csrf_token": token, "reason": "错\x00"})
    assert _rows(number)[0].withdraw_reason == "错"


def test_a_withdrawn_file_stays_struck_through_with_its_reason(app: Flask, world: dict[str, Any]) -> None:
    number = world["case"]
    legal = _client(app, "legal1")
    upload(legal, number, [("错传.jpg", samples.jpeg())], "appliance_photos")
    row = _rows(number)[0]
    token = csrf_from(legal.get(f"/cases/{number}/evidence").text)
    url = f"/cases/{number}/evidence/{row.public_id}/withdraw"
    assert legal.post(url, data={"csrf_token": token, "reason": ""}).status_code == 303
    assert _rows(number)[0].withdrawn_at is None
    assert legal.post(url, data={"csrf_token": token, "reason": "拍错了案件"}).status_code == 303
    page = legal.get(f"/cases/{number}/evidence").text
    assert "<del>错传.jpg</del>" in page and "拍错了案件" in page
    assert "缺少" in page and "已提交" not in page  # a withdrawn photo no longer counts
    assert _get(legal, f"/cases/{number}/evidence/{row.public_id}/download").status_code == 200  # kept
    assert len(stored(app)) == 1 and _audits("evidence.withdraw") == 1


def test_the_same_upload_twice_is_one_item(app: Flask, world: dict[str, Any]) -> None:
    field, number = _client(app, "field1"), world["case"]
    photo = samples.jpeg()
    token = csrf_from(field.get(f"/cases/{number}/evidence").text)
    assert upload(field, number, [("a.jpg", photo)], "appliance_photos", token=token).status_code == 303
    again = upload(field, number, [("a (1).jpg", photo)], "appliance_photos", token=token)
    assert again.status_code == 303
    assert "内容相同，未重复保存" in field.get(f"/cases/{number}/evidence").text
    assert len(_rows(number)) == 1 and len(stored(app)) == 1 and staging(app) == []


def test_the_same_upload_sent_twice_at_once_is_one_item(app: Flask, world: dict[str, Any]) -> None:
    """A double tap on a bad connection: two identical POSTs racing (RELIABILITY D3)."""
    number = world["case"]
    clients = [_client(app, "field1") for _ in range(2)]
    tokens = [csrf_from(c.get(f"/cases/{number}/evidence").text) for c in clients]
    photo, statuses = samples.jpeg(1600, 1200), []
    start = threading.Barrier(2)

    def send(i: int) -> None:
        start.wait()
        statuses.append(upload(clients[i], number, [("same.jpg", photo)], "appliance_photos",
                               token=tokens[i]).status_code)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303, 303]
    assert len(_rows(number)) == 1 and len(stored(app)) == 1 and staging(app) == []
    assert _audits("evidence.upload") == 1


@pytest.mark.parametrize("name", ["../../x.jpg", "a\x00b.jpg", "损坏照片.jpg", "x" * 200 + "照" * 300 + ".jpg",
                                  "invoice\u202egpj.exe", "a\r\nX-Evil: 1.jpg", 'say "hi".jpg', "CON", ".."])
def test_hostile_names_round_trip_and_stay_out_of_paths(app: Flask, world: dict[str, Any], name: str) -> None:
    field, number = _client(app, "field1"), world["case"]
    assert upload(field, number, [(name, samples.jpeg(64, 48))], "appliance_photos").status_code == 303
    row = _rows(number)[0]
    sent = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")  # as a browser encodes it
    assert row.original_name == sent
    objects = stored(app)
    assert [p.name for p in objects] == [row.sha256]
    if isinstance(objects[0], Path):  # on disk: inside the store's folder, whatever the name said
        assert objects[0].resolve().is_relative_to(store_root(app).resolve())
    got = _get(field, f"/cases/{number}/evidence/{row.public_id}/download")
    disposition = got.headers.get_all("Content-Disposition")
    assert len(disposition) == 1 and "\r" not in disposition[0] and "\n" not in disposition[0]
    assert "X-Evil" not in got.headers
    assert unquote(disposition[0].split("filename*=UTF-8''")[1]) == sent


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("report.jpg", samples.elf_executable(), "可执行程序"),
    ("photo.jpg", samples.html_as_jpg(), "网页、脚本"),
    ("sign.svg", samples.svg_with_script(), "网页、脚本"),
    ("huge.png", samples.huge_png(30000, 30000), "像素过多"),
    ("cut.jpg", samples.truncated_jpeg(), "不完整"),
    ("a.gif", samples.gif(), "不支持的文件类型"),
])
def test_refused_content_keeps_nothing_and_says_why(app: Flask, world: dict[str, Any], name: str, data: bytes,
                                                     reason: str) -> None:
    field, number = _client(app, "field1"), world["case"]
    got = upload(field, number, [(name, data)], "appliance_photos")
    assert got.status_code == 422 and name in got.text and reason in got.text
    assert _rows(number) == [] and stored(app) == [] and staging(app) == [] and _audits("evidence.upload") == 0


def test_good_files_of_a_batch_are_kept_when_one_is_refused(app: Flask, world: dict[str, Any]) -> None:
    field, number = _client(app, "field1"), world["case"]
    got = upload(field, number, [("ok.jpg", samples.jpeg()), ("bad.jpg", samples.html_as_jpg())], "appliance_photos")
    assert got.status_code == 422 and "bad.jpg" in got.text and "已保存 1 个文件" in got.text
    assert [r.original_name for r in _rows(number)] == ["ok.jpg"]


def test_a_file_over_the_limit_is_refused_with_413(app: Flask, world: dict[str, Any]) -> None:
    app.config["EVIDENCE_MAX_FILE_BYTES"] = 10_000
    field, number = _client(app, "field1"), world["case"]
    got = upload(field, number, [("big.jpg", samples.jpeg(800, 600) + b"\0" * 20_000)], "appliance_photos")
    assert got.status_code == 413 and "超过大小上限" in got.text
    assert _rows(number) == [] and stored(app) == [] and staging(app) == []
    app.config["EVIDENCE_MAX_REQUEST_BYTES"] = 5_000
    assert upload(field, number, [("big.jpg", samples.jpeg(800, 600))], "appliance_photos").status_code == 413
    assert staging(app) == []


def test_a_missing_kind_or_file_re_renders_with_what_was_typed(app: Flask, world: dict[str, Any]) -> None:
    field, number = _client(app, "field1"), world["case"]
    got = upload(field, number, [("a.jpg", samples.jpeg())], "", note="厨房的冰箱")
    assert got.status_code == 422 and "请选择证据类别" in got.text and 'value="厨房的冰箱"' in got.text
    got = upload(field, number, [], "appliance_photos")
    assert got.status_code == 422 and "请选择要上传的文件" in got.text
    assert got.text.count('value="appliance_photos" selected') == 1
    assert stored(app) == [] and staging(app) == []


def test_an_upload_without_its_csrf_token_keeps_nothing(app: Flask, world: dict[str, Any]) -> None:
    field, number = _client(app, "field1"), world["case"]
    body, content_type = multipart([("kind", "appliance_photos")], [("a.jpg", samples.jpeg())])
    got = field.post(f"/cases/{number}/evidence", data=body, content_type=content_type)
    assert got.status_code == 400 and stored(app) == [] and staging(app) == []
    assert upload(field, number, [("a.jpg", samples.jpeg())], "appliance_photos", token="forged").status_code == 400
    assert staging(app) == []


def test_evidence_of_another_units_case_is_not_found_and_the_try_is_audited(
        app: Flask, world: dict[str, Any]) -> None:
    legal = _client(app, "legal1")
    upload(legal, world["other"], [("secret.jpg", samples.jpeg())], "appliance_photos")
    theirs = _rows(world["other"])[0]
    field = _client(app, "field1")
    for path in (f"/cases/{world['case']}/evidence/{theirs.public_id}/download",
                 f"/cases/{world['other']}/evidence/{theirs.public_id}/download",
                 f"/cases/{world['case']}/evidence/{theirs.public_id}/thumbnail"):
        assert _get(field, path).status_code == 404
    assert _audits("evidence.denied") == 3
    assert field.get(f"/cases/{world['other']}/evidence").status_code == 404
    assert _get(field, f"/cases/{world['case']}/evidence/{'x' * 22}/download").status_code == 404


def test_an_auditor_reads_but_cannot_upload(app: Flask, world: dict[str, Any]) -> None:
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    auditor = _client(app, "audit1")
    page = auditor.get(f"/cases/{world['case']}/evidence")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' not in page.text
    assert upload(auditor, world["case"], [("a.jpg", samples.jpeg())], "appliance_photos",
                  token=csrf_from(page.text)).status_code == 403
    assert staging(app) == [] and stored(app) == []


def test_the_case_page_shows_the_checklist(app: Flask, world: dict[str, Any]) -> None:
    field = _client(app, "field1")
    upload(field, world["case"], [("p.jpg", samples.jpeg())], "appliance_photos")
    page = field.get(f"/cases/{world['case']}").text
    assert re.search(r"已提交 1 份</span>\s*损坏电器照片", page)
    assert re.search(r"缺少</span>\s*损坏登记笔录（用户签字）", page) and "共 1 份" in page
