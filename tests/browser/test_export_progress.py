"""In Chromium an auditor asks for a batch export, watches the progress indicator run without reloading the
page, and downloads a ZIP whose bundles all verify offline; the page raises no CSP or script error."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from playwright.sync_api import Browser, expect

from casework.auth.models import Unit, User
from casework.domain.access import Role
from casework.export.verify import verify_paths
from tests.browser.conftest import phone_page
from tests.factories import load, make_case, make_user


def test_an_auditor_watches_an_export_finish_and_downloads_it(app: Flask, server: str, browser: Browser,
                                                             tmp_path: Path) -> None:
    province, station = load(Unit, code="P"), load(Unit, code="S1")
    field = load(User, username="field1")
    assert province and station and field
    make_user("audit1", Role.AUDITOR, province)
    for i in range(5):
        make_case(station, field, claimant_name=f"李{i}")
    problems: list[str] = []
    page = phone_page(browser, server, "audit1", problems)
    page.locator(".navbar-toggler").click()  # the menu, folded on a phone
    page.get_by_role("link", name="导出").click()
    page.get_by_role("button", name="开始导出").click()
    expect(page.locator("#export-progress")).to_be_visible()
    expect(page.locator("#export-count")).to_contain_text("/ 6")
    download_link = page.get_by_role("link", name="下载")
    expect(download_link).to_be_visible(timeout=120_000)  # export.js reloads the page when the job is done
    expect(page.locator("#export-state")).to_have_text("已完成")
    with page.expect_download() as caught:
        download_link.click()
    target = tmp_path / caught.value.suggested_filename
    caught.value.save_as(target)
    reports = verify_paths([target])
    assert len(reports) == 6 and all(r.ok for r in reports)
    assert problems == []
