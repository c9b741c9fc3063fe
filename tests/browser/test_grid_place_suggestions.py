"""Typing part of a 台区's name at intake offers the register's entries under the real CSP (htmx fills a datalist),
and a place the register does not list is saved as typed."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from casework.cases.models import Case
from casework.infra.db import db
from tests.browser.conftest import phone_page


def test_typing_hexi_offers_the_register_and_free_text_is_kept(server: str, browser: Browser, app: Flask,
                                                               tmp_path: Path) -> None:
    register = tmp_path / "台账.csv"
    register.write_bytes("单位编码,类型,名称,村\nS1,台区,河西村台区,河西村\nS1,台区,前营村台区,前营村\n".encode("gb18030"))
    result = app.test_cli_runner().invoke(args=["assets", "import", str(register), "--unit", "K1"])
    assert result.exit_code == 0, result.output

    problems: list[str] = []
    page = phone_page(browser, server, "field1", problems)
    page.goto(f"{server}/intake/new/appliance")
    page.fill("#claimant_name", "王芳")
    page.locator("#grid_district").press_sequentially("河西")
    options = page.locator("#grid_district-options option")
    expect(options).to_have_count(1)
    assert options.first.get_attribute("value") == "河西村台区"
    page.fill("#grid_district", "河西村台区")
    page.fill("#grid_tower", "河西线#99")  # not in the register: kept as typed
    page.get_by_role("button", name="保存草稿").last.click()
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_contain_text("草稿已保存")
    assert problems == []
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.claimant_name == "王芳"))
        assert case is not None and (case.grid_district, case.grid_tower) == ("河西村台区", "河西线#99")
