"""The case page on a 360 px phone: the claim's facts and the history read without sideways scrolling, the
appliance list stacked one block per appliance, the reads folded into a closed 访问记录 list that opens."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from casework.audit.service import record
from casework.auth.models import Unit, User
from casework.cases.models import Case
from casework.domain.lifecycle import State
from casework.infra.db import unit_of_work, utcnow
from tests.browser.conftest import phone_page
from tests.factories import FRIDGE, UTILITY, ctx, load, make_case

TWO = [FRIDGE["appliances"][0], {"name": "液晶电视机（客厅，55英寸，购于县城家电商场）", "class": "electronic",
                                 "price": "4800.00", "purchase_date": "2024-02-15", "invoice": False,
                                 "repairable": True, "repair_cost": "650.00"}]


def _case_with_history() -> str:
    field = load(User, username="field1")
    unit = load(Unit, code="S1")
    assert field is not None and unit is not None
    case = make_case(unit, field, state=State.REGISTERED, facts={**FRIDGE, "appliances": TWO},
                     circumstances=UTILITY)
    with ctx(), unit_of_work() as session:
        actor = session.scalar(select(User).where(User.username == "field1")).actor()  # type: ignore[union-attr]
        # what the intake form records when a draft's appliances and cause are first entered, then corrected
        record(session, actor, "case.edit", now=utcnow(), object_type="case", object_id=case.number,
               case_id=case.id, before={"facts.appliances": None, "circumstances.cause": None},
               after={"facts.appliances": TWO, "circumstances.cause": "utility_fault", "version": 2})
        record(session, actor, "case.edit", now=utcnow(), object_type="case", object_id=case.number,
               case_id=case.id, before={"claimed_amount": "5000.00"}, after={"claimed_amount": "4500.00",
                                                                          "version": 3})
        assert session.get(Case, case.id) is not None
    return case.number


def test_case_history_and_facts_fit_a_phone(server: str, browser: Browser, tmp_path: Path) -> None:
    number = _case_with_history()
    problems: list[str] = []
    page = phone_page(browser, server, "legal1", problems)
    for _ in range(3):  # legal staff see full identifiers: each view is a read on record
        page.goto(f"{server}/cases/{number}")
    page.screenshot(path=tmp_path / "case-phone.png", full_page=True)
    print(f"\nscreenshot in {tmp_path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing scrolls sideways
    history = page.locator("ol.history")
    expect(history).to_contain_text("损坏电器清单")
    expect(history).to_contain_text("供电企业责任")
    expect(history.locator("del").first).to_contain_text("¥5,000.00")
    # each appliance a stacked block, its name and price legible (wider than a character or two)
    block = page.locator("section.claim-facts dl.item").nth(1)
    expect(block).to_be_visible()
    expect(block).to_contain_text("¥4,800.00")
    assert block.bounding_box()["width"] > 250  # type: ignore[index]
    assert not page.locator("section.claim-facts table.items").first.is_visible()  # the wide table is for desks
    log = page.locator("details.access-log")
    expect(log.locator("summary")).to_contain_text("访问记录（")
    expect(log.locator("li").first).not_to_be_visible()  # folded away
    log.locator("summary").click()
    expect(log.locator("li").first).to_contain_text("查看完整身份信息")
    assert log.locator("li").count() >= 3
    assert not problems, problems
