"""Forms on a 360×740 phone: filing two appliances without losing the place or what was typed, the decision form
showing only the chosen kind's section with JavaScript switched off, and every tap target at least 44 px tall."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from casework.auth.models import Unit, User
from casework.cases.models import Case
from casework.domain.evidence import checklist
from casework.domain.lifecycle import State
from casework.evidence.service import waive
from casework.infra.db import unit_of_work, utcnow
from casework.rulecheck.service import run_rule_check
from casework.ruletable.store import calendar, current_table
from tests.browser.conftest import PHONE
from tests.browser.conftest import phone_page as _phone_page
from tests.factories import FRIDGE, PASSWORD, UTILITY, ctx, load, make_case, next_code

# What a thumb taps: links, buttons, selects and text boxes, disclosure toggles, checkbox labels.
TARGETS = ("main a, main button, main select, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]),"
           " main summary, main label.form-check-label, main label.btn")
SHORT = """(selector) => [...document.querySelectorAll(selector)]
  .filter((e) => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden'
    && !e.closest('.visually-hidden, [aria-hidden=true]'))
  .map((e) => [e.textContent.trim().slice(0, 20) || e.name || e.id, e.getBoundingClientRect().height])
  .filter(([, h]) => h < 44)"""


def _short_targets(page: Page) -> list[Any]:
    return page.evaluate(SHORT, TARGETS)


def _appliance(page: Page, index: int, name: str, klass: str, price: str, bought: date) -> None:
    prefix = f"#facts-appliances-{index}-"
    page.fill(prefix + "name", name)
    page.select_option(prefix + "class", klass)
    page.fill(prefix + "price", price)
    page.fill(prefix + "purchase_date", bought.isoformat())
    page.select_option(prefix + "invoice", "true")
    page.select_option(prefix + "repairable", "false")


def test_two_appliances_on_a_phone_without_losing_the_place_or_the_data(server: str, browser: Browser,
                                                                        tmp_path: Path) -> None:
    problems: list[str] = []
    today = date.today()
    page = _phone_page(browser, server, "field1", problems)
    page.goto(f"{server}/intake/new/appliance")
    assert _short_targets(page) == []  # "换一个类别", the toggles, every control: 44 px or more
    page.fill("#claimant_name", "王芳")
    page.fill("#claimant_phone", "13812345678")
    page.fill("#address", "前营村3组12号")
    page.fill("#event_date", (today - timedelta(days=5)).isoformat())
    page.fill("#report_date", (today - timedelta(days=3)).isoformat())
    page.select_option("#facility_owner", "utility")
    page.select_option("#utility_maintains", "true")
    page.select_option("#cause", "utility_fault")
    page.select_option("#facts-customer_type", "residential")
    page.select_option("#facts-supply_voltage_v", "220")
    page.select_option("#facts-fault_type", "neutral_broken")
    _appliance(page, 0, "液晶电视机", "electronic", "3,299元", today - timedelta(days=400))

    page.get_by_role("button", name="添加一件电器").click()  # a plain submit: saves the draft, back at the row
    page.wait_for_url("**#appliance-2")
    expect(page.locator("#facts-appliances-1-name")).to_be_focused()
    # The new row on screen (Bootstrap scrolls smoothly: the expectation waits for it), not the page's top.
    expect(page.locator("#appliance-2 .card-header")).to_be_in_viewport()
    expect(page.locator("#facts-appliances-1-name")).to_be_in_viewport()
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("草稿已保存，请填写第 2 件")

    page.reload()  # the round trip was saved: both rows, and what was typed before "add"
    expect(page.locator("#facts-appliances-1-name")).to_be_visible()
    expect(page.locator("#facts-appliances-0-name")).to_have_value("液晶电视机")
    expect(page.locator("#facts-appliances-0-price")).to_have_value("3299")
    expect(page.locator("#report_date")).to_have_value((today - timedelta(days=3)).isoformat())
    expect(page.locator("#facts-fault_type")).to_have_value("neutral_broken")
    assert _short_targets(page) == []

    _appliance(page, 1, "电冰箱", "motor", "¥2,680.00", today - timedelta(days=1500))
    page.fill("#claimed_amount", "4500元")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("h1")).to_contain_text("法律依据审查")
    number = page.locator("a.case-number").first.inner_text().strip()
    case = load(Case, number=number)
    assert case is not None and [a["name"] for a in case.facts["appliances"]] == ["液晶电视机", "电冰箱"]
    page.goto(f"{server}/cases/{number}")
    assert _short_targets(page) == []
    page.goto(f"{server}/cases/")  # "更多筛选" and the 只看已逾期 checkbox with its label
    page.locator("summary").first.click()
    assert _short_targets(page) == []
    assert problems == []


def _ready_to_decide() -> str:
    """A checked appliance case with its file complete, filed by field1 at S1 and checked by legal1."""
    unit, field, legal = load(Unit, code="S1"), load(User, username="field1"), load(User, username="legal1")
    assert unit and field and legal
    case = make_case(unit, field, state=State.EVIDENCE_COMPLETE, facts=FRIDGE, circumstances=UTILITY,
                     address="前营村3组12号")
    with ctx(), unit_of_work() as session:
        row = session.get(Case, case.id)
        officer = session.get(User, legal.id).actor()  # type: ignore[union-attr]
        run_rule_check(session, officer, row, table=current_table(session), calendar=calendar(session), now=utcnow())
        for item in checklist(row.category):
            if item.required:
                waive(session, officer, row, item.kind, "由现场登记材料替代，已附照片说明。", now=utcnow())
    return case.number


def _page_without_javascript(browser: Browser, base: str, username: str) -> Page:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN",
                                  java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if page.url.endswith("/login/code"):
        page.fill("#code", next_code(username))
        page.get_by_role("button", name="验证").click()
        page.wait_for_load_state()
    return page


def test_the_decision_form_shows_only_the_chosen_kind_without_javascript(server: str, browser: Browser) -> None:
    number = _ready_to_decide()
    page = _page_without_javascript(browser, server, "legal1")
    page.goto(f"{server}/cases/{number}/decision")
    settle, reject, escalate = (page.locator(f".kind-{k}") for k in ("settle", "reject", "escalate"))
    expect(settle).to_be_visible()
    expect(reject).to_be_hidden()
    expect(escalate).to_be_hidden()
    expect(page.locator("#d-amount")).to_have_value("1800.00")
    page.locator("label[for=kind-escalate]").click()
    expect(escalate).to_be_visible()
    expect(settle).to_be_hidden()
    expect(reject).to_be_hidden()
    page.locator("label[for=kind-reject]").click()
    expect(reject).to_be_visible()
    expect(escalate).to_be_hidden()
    assert _short_targets(page) == []
    page.get_by_role("button", name="提交审批").click()  # the rejection, sent without any script
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("处理意见已提交审批")
    page.goto(f"{server}/cases/{number}")
    assert _short_targets(page) == []
