"""In Chromium on a phone a legal officer opens the rule table, reads a rule's fragment, unfolds the whole
article beside it, and the page raises no CSP or script error."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from playwright.sync_api import Browser, expect

from tests.browser.conftest import phone_page


def test_the_whole_article_unfolds_beside_the_rule(app: Flask, server: str, browser: Browser,
                                                   tmp_path: Path) -> None:
    problems: list[str] = []
    page = phone_page(browser, server, "legal1", problems)
    page.goto(f"{server}/rules/2026.1?instrument=中华人民共和国电力法")
    row = page.locator(".rule-row", has_text="供电营业区").first
    expect(row).to_contain_text("「供电企业在批准的供电营业区内向用户供电」")
    rest = row.get_by_text("一个供电营业区内只设立一个供电营业机构", exact=False)
    expect(rest).to_be_hidden()  # folded until asked for
    row.locator("summary").click()
    expect(rest).to_be_visible()
    expect(row).to_contain_text("《中华人民共和国电力法》第二十五条")
    page.screenshot(path=str(Path(os.environ.get("CASEWORK_SCREENSHOTS", tmp_path)) / "ruletable-phone.png"),
                    full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1  # nothing runs off the phone
    assert problems == []
