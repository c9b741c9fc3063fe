"""A field worker files an appliance claim on a phone-sized Chromium; a legal officer finds it by a two-character name."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import phone_page as _phone_page


def _appliance(page: Page, index: int, name: str, klass: str, price: str, bought: date) -> None:
    prefix = f"#facts-appliances-{index}-"
    page.fill(prefix + "name", name)
    page.select_option(prefix + "class", klass)
    page.fill(prefix + "price", price)
    page.fill(prefix + "purchase_date", bought.isoformat())
    page.select_option(prefix + "invoice", "true")
    page.select_option(prefix + "repairable", "false")


def test_field_worker_files_an_appliance_claim_and_legal_finds_it(server: str, browser: Browser,
                                                                   tmp_path: Path) -> None:
    print(f"\nscreenshots in {tmp_path}")
    shots = iter(range(1, 100))

    def shot(page: Page, name: str) -> None:
        page.screenshot(path=tmp_path / f"{next(shots):02d}-{name}.png", full_page=True)

    problems: list[str] = []
    today = date.today()
    page = _phone_page(browser, server, "field1", problems)
    shot(page, "logged-in")

    page.get_by_role("button", name="菜单").click()  # the navbar is collapsed on a phone
    page.get_by_role("link", name="登记索赔").click()
    expect(page.locator("h1")).to_have_text("登记索赔")
    shot(page, "categories")

    page.get_by_role("link", name="居民家用电器损坏").click()
    expect(page.locator("#facts-appliances-0-name")).to_be_visible()
    shot(page, "empty-form")

    page.fill("#claimant_name", "王芳")
    page.fill("#claimant_id_number", "11010519491231002X")
    page.fill("#claimant_phone", "13812345678")
    page.fill("#address", "前营村3组12号")
    page.get_by_role("button", name="用手机定位记录当前位置").click()
    expect(page.locator("[data-gps-status]")).to_contain_text("34.746600")
    page.fill("#event_date", (today - timedelta(days=5)).isoformat())
    page.fill("#report_date", (today - timedelta(days=3)).isoformat())
    page.select_option("#facility_owner", "utility")
    # The live panel (htmx posting with the CSRF header, under the CSP) follows what is typed.
    expect(page.locator("#missing-facts")).to_contain_text("故障类型")
    page.select_option("#utility_maintains", "true")
    page.select_option("#cause", "utility_fault")
    page.select_option("#facts-customer_type", "residential")
    page.select_option("#facts-supply_voltage_v", "220")
    page.select_option("#facts-fault_type", "neutral_broken")
    _appliance(page, 0, "液晶电视机", "electronic", "4800.00", today - timedelta(days=400))
    expect(page.locator("#missing-facts")).not_to_contain_text("故障类型")

    page.get_by_role("button", name="添加一件电器").click()  # a plain submit: works without JavaScript
    expect(page.locator("#facts-appliances-1-name")).to_be_visible()
    expect(page.locator("#facts-appliances-0-name")).to_have_value("液晶电视机")
    _appliance(page, 1, "电冰箱", "motor", "3600.00", today - timedelta(days=1500))
    page.fill("#claimed_amount", "8000")
    page.fill("#description", "零线断线后电视机、冰箱同时烧坏")
    page.locator("#description").blur()
    expect(page.locator("#missing-facts")).to_contain_text("足以进行法律依据审查")
    shot(page, "two-appliances")

    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("h1")).to_contain_text("法律依据审查")
    expect(page.locator("body")).to_contain_text("应当赔偿")
    number = page.locator("a.case-number").first.inner_text().strip()
    shot(page, "check-result")

    officer = _phone_page(browser, server, "legal1", problems)
    officer.goto(f"{server}/cases/")
    officer.fill("input[name=q]", "王芳")
    officer.get_by_role("button", name="查询").click()
    expect(officer.locator("main")).to_contain_text(number)
    expect(officer.locator("main")).not_to_contain_text("张三")
    shot(officer, "legal-finds-it")
    assert problems == []
