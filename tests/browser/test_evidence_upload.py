"""On a phone-sized Chromium a field worker photographs four appliances and uploads an invoice, the checklist
turns green; the legal officer downloads a photo with its Chinese name intact; the fixity check passes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask
from playwright.sync_api import Browser, Page, expect

from casework.cases.models import Case
from tests import samples
from tests.browser.conftest import phone_page
from tests.factories import load


def test_photos_from_the_site_and_a_download_with_the_chinese_name(app: Flask, server: str, browser: Browser,
                                                                   tmp_path: Path) -> None:
    print(f"\nscreenshots in {tmp_path}")
    shots = iter(range(1, 100))

    def shot(page: Page, name: str) -> None:
        page.screenshot(path=tmp_path / f"{next(shots):02d}-{name}.png", full_page=True)

    files = tmp_path / "phone"
    files.mkdir()
    names = ["电冰箱.jpg", "电视机.jpg", "洗衣机.jpg", "空调.jpg"]
    for i, name in enumerate(names):
        (files / name).write_bytes(samples.jpeg(1200, 900, gps=(34.7466 + i / 1000, 113.6253)))
    for name, text in (("购货发票.pdf", "invoice"), ("登记笔录.pdf", "registration"), ("检测意见.pdf", "repair")):
        (files / name).write_bytes(samples.pdf(text))
    case = load(Case, claimant_name="张三")
    assert case is not None
    problems: list[str] = []
    page = phone_page(browser, server, "field1", problems)
    page.goto(f"{server}/cases/{case.number}")
    expect(page.locator("main")).to_contain_text("缺少")
    page.get_by_role("link", name="上传、查看证据").click()
    shot(page, "evidence-page")

    page.select_option("#e-kind", "appliance_photos")
    page.set_input_files("#e-camera", files / names[0])  # the camera input: one photo at a time
    page.set_input_files("#e-files", [files / n for n in names[1:]])
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator("main")).to_contain_text("已保存 4 个文件")
    shot(page, "four-photos")
    for kind, name in (("purchase_proof", "购货发票.pdf"), ("registration_record", "登记笔录.pdf"),
                       ("repair_assessment", "检测意见.pdf")):
        page.select_option("#e-kind", kind)
        page.set_input_files("#e-files", files / name)
        page.get_by_role("button", name="上传", exact=True).click()
        expect(page.locator("main")).to_contain_text("已保存 1 个文件")
    checklist = page.locator("ul.evidence-checklist")
    expect(checklist.locator(".text-bg-danger")).to_have_count(0)  # every required item is present
    expect(checklist.locator(".text-bg-success")).to_have_count(4)
    shot(page, "checklist-green")

    officer = phone_page(browser, server, "legal1", problems)
    officer.goto(f"{server}/cases/{case.number}/evidence")
    card = officer.locator(".card", has_text="电冰箱.jpg")
    with officer.expect_download() as waiting:
        card.get_by_role("link", name="下载").click()
    download = waiting.value
    assert download.suggested_filename == "电冰箱.jpg"
    saved = tmp_path / "downloaded"
    download.save_as(saved)
    assert hashlib.sha256(saved.read_bytes()).digest() == hashlib.sha256((files / "电冰箱.jpg").read_bytes()).digest()
    shot(officer, "officer-view")
    assert problems == []

    result = app.test_cli_runner().invoke(args=["evidence", "verify"])
    assert result.exit_code == 0 and "7 checked: 0 changed, 0 missing, 0 orphans" in result.output
