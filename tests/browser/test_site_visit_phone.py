"""Recording the on-site investigation on a phone (Chromium, 360×740): the GPS button fills the position and
its accuracy from the browser's geolocation, and the case page then shows the visit as done, by whom."""

from __future__ import annotations

from playwright.sync_api import Browser
from sqlalchemy import select

from casework.cases.models import Case
from casework.cases.site_visit import SiteVisit
from casework.infra.db import db
from tests.browser.conftest import phone_page
from tests.factories import ctx, load


def test_a_station_records_the_visit_with_the_phones_position(server: str, browser: Browser) -> None:
    case = load(Case, claimant_name="张三")
    assert case is not None
    problems: list[str] = []
    page = phone_page(browser, server, "field1", problems)
    page.goto(f"{server}/cases/{case.number}#site-visit")
    page.fill("#visited_at", "2025-07-22T15:00")
    page.fill("#place", "前营村3组12号 用户家中")
    page.fill("#attendees", "村委会主任赵某在场")
    page.get_by_role("button", name="用手机定位记录现场位置").click()
    page.wait_for_function("document.getElementById('gps_lat').value !== ''")
    assert "34.746600, 113.625300" in page.locator("[data-visit-gps-status]").inner_text()
    page.get_by_role("button", name="记录现场调查").click()
    page.wait_for_load_state()
    panel = page.locator("#site-visit").inner_text()
    assert "已于 2025年7月22日 15:00 完成（记录人 Field1）" in panel
    assert "34.746600, 113.625300" in panel and "村委会主任赵某在场" in panel
    with ctx():
        visit = db.session.scalar(select(SiteVisit))
        assert visit is not None and visit.gps_accuracy_m is not None  # the browser's accuracy came along
    assert problems == []
