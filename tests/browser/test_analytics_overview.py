"""The overview in Chromium under the production CSP: every chart drawn on its canvas, no console error and no
CSP violation, a bar's tooltip drawn as rich text (no inline style), a click on a category's bar opening the
case list of exactly that category and period, and the page on a phone without sideways scrolling."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from casework.auth.models import Unit, User
from casework.cases.models import Case
from casework.decision.models import Proposal
from casework.infra.db import unit_of_work
from tests.browser.conftest import phone_page
from tests.factories import ctx, load, make_case

PERIOD = "from=2025-01&to=2025-12"
DESK = {"width": 1280, "height": 900}
# Recorded before any page script runs: a CSP violation is an event, whether or not it reaches the console.
WATCH_CSP = """window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || ''));
});"""
# The number of painted (non-transparent) pixels of each chart's canvas, and whether it says it is drawn.
PAINTED = """() => Array.from(document.querySelectorAll('[data-chart]')).map(function (el) {
  var canvas = el.querySelector('canvas');
  if (!canvas) { return [el.getAttribute('data-chart'), el.getAttribute('data-drawn'), -1]; }
  var data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data, n = 0;
  for (var i = 3; i < data.length; i += 4) { if (data[i]) { n++; } }
  return [el.getAttribute('data-chart'), el.getAttribute('data-drawn'), n];
})"""


def _world() -> None:
    """Company C1's claims of 2025: three appliance claims and one crop claim, decided every way, with an
    approved goodwill settlement, so that every table of the overview has rows."""
    field, station = load(User, username="field1"), load(Unit, code="S1")
    legal = load(User, username="legal1")
    assert field is not None and station is not None and legal is not None
    rows: list[tuple[str, datetime, dict[str, Any]]] = [
        ("appliance", datetime(2025, 3, 2, 8, tzinfo=UTC), {"assessment_outcome": "liable",
                                                            "assessment_amount": Decimal("900.00")}),
        ("appliance", datetime(2025, 3, 20, 8, tzinfo=UTC), {"assessment_outcome": "not_liable",
                                                             "decision_kind": "rejected"}),
        ("appliance", datetime(2025, 5, 9, 8, tzinfo=UTC), {"decision_kind": "court"}),
        ("crop", datetime(2025, 7, 5, 8, tzinfo=UTC), {"assessment_outcome": "not_liable", "decision_kind": "settled",
                                                       "settled_amount": Decimal("800.00"),
                                                       "paid_amount": Decimal("800.00"), "goodwill_payment": True}),
    ]
    for category, at, columns in rows:
        case = make_case(station, field, category=category, claimed_amount=Decimal("1500.00"))
        with ctx(), unit_of_work() as session:
            row = session.get(Case, case.id)
            assert row is not None
            row.registered_at = at
            for name, value in columns.items():
                setattr(row, name, value)
            if columns.get("goodwill_payment"):
                session.add(Proposal(case_id=case.id, kind="settle", status="approved", proposed_by_id=legal.id,
                                     proposed_at=at, needs_role="legal_head", amount=Decimal("800.00"),
                                     goodwill=True, precedent_risk=True, decided_by_id=legal.id, decided_at=at))


def _csp(page: Page) -> list[str]:
    return list(page.evaluate("window.__csp || []"))


def _open(browser: Browser, server: str, problems: list[str], **context: Any) -> Page:
    page = phone_page(browser, server, "legal1", problems) if context.get("phone") else None
    if page is None:
        ctx_ = browser.new_context(viewport=DESK, locale="zh-CN")
        page = ctx_.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(f"{server}/login")
        page.fill("#username", "legal1")
        page.fill("#password", "correct horse battery")
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
    page.context.add_init_script(WATCH_CSP)
    page.goto(f"{server}/analytics/?{PERIOD}")
    expect(page.locator("[data-chart]").first).to_have_attribute("data-drawn", "1")
    return page


def _category_row(page: Page, name: str) -> tuple[int, str]:
    """The count in the category table's row for `name`, and that row's case-list link."""
    row = page.locator('table[data-table="by_category"] tbody tr', has_text=name)
    count = int(row.locator("td").nth(1).inner_text())
    href = row.locator("a[data-cases-link]").get_attribute("href")
    assert href is not None
    return count, href


def test_every_chart_is_drawn_under_the_csp_and_a_bar_opens_its_cases(server: str, browser: Browser,
                                                                     tmp_path: Path) -> None:
    _world()
    problems: list[str] = []
    page = _open(browser, server, problems)
    painted = page.evaluate(PAINTED)
    assert len(painted) == 7, painted  # category, unit, month, check, decision, money, goodwill
    for chart, drawn, pixels in painted:
        assert drawn == "1" and pixels > 2000, (chart, pixels)  # axes, bars, slices: not a blank canvas
    page.screenshot(path=tmp_path / "overview.png", full_page=True)
    print(f"\nscreenshot in {tmp_path}")

    # Hovering a bar draws the tooltip on the canvas (rich text): pixels change, and no HTML tooltip is added.
    chart = page.locator('[data-chart="by_category-0"]')
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None
    bar = page.evaluate("""() => {
      var el = document.querySelector('[data-chart="by_category-0"]');
      var c = echarts.getInstanceByDom(el), r = el.getBoundingClientRect();
      var top = c.convertToPixel({seriesIndex: 0}, [0, 3]), base = c.convertToPixel({seriesIndex: 0}, [0, 0]);
      return [r.left + top[0], r.top + (top[1] + base[1]) / 2];
    }""")
    elements = "document.querySelectorAll('[data-chart] *').length"
    before, nodes = page.evaluate(PAINTED), page.evaluate(elements)
    page.mouse.move(bar[0], bar[1])
    page.wait_for_timeout(300)  # ECharts draws the tooltip on a later animation frame
    assert page.evaluate(PAINTED)[0][2] > before[0][2], "no tooltip was drawn"
    assert page.evaluate(elements) == nodes  # drawn on the canvas: no HTML tooltip (it would need inline style)
    page.screenshot(path=tmp_path / "tooltip.png")

    # The first bar is 家电损坏: a click opens the case list of that category and period, the table's count.
    count, href = _category_row(page, "家电损坏")
    assert count == 3
    page.mouse.click(bar[0], bar[1])
    page.wait_for_url(re.compile(r"/cases/\?"))
    assert "category=appliance" in page.url and "reg_from=2025-01-01" in page.url and "reg_to=2025-12-31" in page.url
    assert page.url.endswith(href.split("/cases/", 1)[1])
    expect(page.locator("main")).to_contain_text(f"共 {count} 件")
    expect(page.locator("[data-linked-filters]")).to_contain_text("登记")
    assert not problems, problems
    assert not _csp(page)
    # The watch works: markup with a style attribute is refused and reported.
    page.evaluate("""document.body.insertAdjacentHTML('beforeend', '<b style="color: red">x</b>')""")
    page.wait_for_function("window.__csp.length > 0")
    assert "style-src" in _csp(page)[0]


def test_the_overview_fits_a_phone(server: str, browser: Browser, tmp_path: Path) -> None:
    _world()
    problems: list[str] = []
    page = _open(browser, server, problems, phone=True)
    page.screenshot(path=tmp_path / "overview-phone.png", full_page=True)
    print(f"\nscreenshot in {tmp_path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the body never scrolls sideways
    # a wide table scrolls inside its own box
    box = page.locator('table[data-table="by_unit"]').locator("xpath=..")
    assert "table-responsive" in (box.get_attribute("class") or "")
    assert all(pixels > 2000 for _chart, _drawn, pixels in page.evaluate(PAINTED))
    assert not problems, problems
    assert not _csp(page)
