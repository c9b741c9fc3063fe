"""Filing claims through the intake forms: every category, drafts, Chinese errors, rows without JavaScript."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.cases.models import Case
from casework.domain.access import Role
from casework.domain.contract import CATEGORIES
from casework.domain.rules import assess, load_bundled_table
from casework.infra.db import db
from casework.ui.labels import OUTCOME
from tests.domain.casefactory import make
from tests.factories import ctx, load, load_rule_table, login, make_case, make_units, make_user, token

CLAIMANT = {"claimant_name": "王芳", "claimant_id_number": "11010519491231002X", "claimant_phone": "13812345678",
            "claimant_address": "前营村3组", "claimant_bank_account": "6222020200112233445",
            "address": "前营村3组12号", "claimed_amount": "5000.00", "description": "雷雨后家中电器烧坏"}


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    users = {"field": make_user("field1", Role.FIELD, units["S1"]), "legal": make_user("legal1", Role.LEGAL, units["C1"]),
             "other": make_user("field2", Role.FIELD, units["S2"]),
             "auditor": make_user("audit1", Role.AUDITOR, units["P"]), "admin": make_user("admin1", Role.ADMIN, units["P"])}
    load_rule_table()
    return {"units": units, "users": users}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def typed(case: dict[str, Any]) -> dict[str, str]:
    """What a person types into the form for a contract case object (the inverse of what is stored)."""
    data = {k: _text(v) for k, v in case.items() if k not in ("category", "facts")}
    for key, value in case["facts"].items():
        if isinstance(value, list):
            for i, row in enumerate(value):
                data.update({f"facts-{key}-{i}-{k}": _text(v) for k, v in row.items()})
        elif key == "description":  # one box: the case's description is the dispute's description
            data["description"] = value
        elif key == "notice_given_hours" and value is None:
            data["facts-notice_given_hours_none"] = "1"
        else:
            data[f"facts-{key}"] = _text(value)
    return data


def stored_facts(case: dict[str, Any]) -> dict[str, Any]:
    """The facts as intake stores them: blanks are left out (still missing), the meaningful null is kept."""
    return {k: v for k, v in case["facts"].items() if v is not None or k == "notice_given_hours"}


def post(client: FlaskClient, url: str, data: dict[str, str], action: str = "draft", **extra: str) -> Any:
    page = client.get(url)
    form = {"csrf_token": token(client, url), "unit_id": _selected_unit(page.text), "action": action}
    version = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', page.text)
    if version:
        form["version"] = version.group(1) or version.group(2)
    form.update(data)
    form.update(extra)
    return client.post(url, data=form)


def _selected_unit(html: str) -> str:
    match = re.search(r'<option selected value="(\d+)"|<option value="(\d+)" selected', html)
    assert match, "no unit preselected"
    return match.group(1) or match.group(2)


def cases() -> list[Case]:
    with ctx():
        rows = list(db.session.scalars(select(Case).order_by(Case.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


@pytest.mark.parametrize("category", CATEGORIES)
def test_field_worker_files_each_category_and_the_check_runs(app: Flask, world: dict[str, Any], category: str) -> None:
    client = app.test_client()
    login(client, "field1")
    case = make(category)
    response = post(client, f"/intake/new/{category}", {**CLAIMANT, **typed(case)}, action="submit")
    assert response.status_code == 302, response.text
    (stored,) = cases()
    assert response.headers["Location"].endswith(f"/cases/{stored.number}/check")
    assert stored.state == "registered" and stored.category == category
    assert stored.facts == stored_facts(case)
    contract = stored.contract_case()
    for key in ("event_date", "report_date", "facility_owner", "utility_maintains", "cause"):
        assert contract.get(key) == case.get(key)
    assert stored.claimant_name == "王芳" and stored.claimant_phone == "13812345678"
    assert stored.unit_id == world["units"]["S1"].id
    expected = assess({**case, "claimed_amount": "5000.00"}, load_bundled_table())["outcome"]
    assert stored.assessment_outcome == expected
    page = client.get(response.headers["Location"]).text
    with app.test_request_context():
        assert str(OUTCOME[expected]) in page



def _input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    if not match:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def test_category_page_offers_the_eight_categories(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "field1")
    page = client.get("/intake/").text
    assert all(f'href="/intake/new/{category}"' in page for category in CATEGORIES)
    assert "零线断线" in page  # each button explains itself in a line
    assert 'href="/intake/"' in client.get("/cases/").text  # the menu offers filing to those who may file


def test_half_filled_draft_is_saved_and_completed_later(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "field1")
    case = make("appliance")
    half = {"claimant_name": "王芳", "claimant_phone": "13812345678", "event_date": case["event_date"],
            "facts-fault_type": "neutral_broken", "facts-appliances-0-name": "液晶电视机"}
    response = post(client, "/intake/new/appliance", half)
    assert response.status_code == 302
    (draft,) = cases()
    assert response.headers["Location"].endswith(f"/intake/{draft.number}")
    assert draft.state == "draft"
    assert draft.facts == {"fault_type": "neutral_broken", "appliances": [{"name": "液晶电视机"}]}
    assert draft.assessment_outcome is None

    page = client.get(f"/intake/{draft.number}").text
    assert _input_value(page, "facts-appliances-0-name") == "液晶电视机"
    assert _input_value(page, "claimant_phone") == ""  # identifiers are never echoed into a form …
    assert "138****5678" in page  # … only shown masked as "on file"
    assert "报案日期" in page.split('id="missing-facts"')[1]  # the panel is rendered on every save

    response = post(client, f"/intake/{draft.number}", {**CLAIMANT, **typed(case)}, action="submit")
    assert response.status_code == 302, response.text
    (done,) = cases()
    assert done.number == draft.number and done.state == "registered"
    assert done.facts == stored_facts(case)
    assert done.assessment_outcome == "liable"
    with ctx():
        edits = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.edit")).all()
        assert len(edits) == 1
        after = edits[0].after
        assert after["claimant_id_number"] != CLAIMANT["claimant_id_number"]  # masked in the trail
        assert after["facts.customer_type"] == "residential"


def test_a_submitted_claim_is_no_longer_edited_through_intake(app: Flask, world: dict[str, Any]) -> None:
    registered = make_case(world["units"]["S1"], world["users"]["field"])
    client = app.test_client()
    login(client, "field1")
    response = client.get(f"/intake/{registered.number}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{registered.number}")


def test_another_stations_draft_is_not_found(app: Flask, world: dict[str, Any]) -> None:
    from casework.domain.lifecycle import State

    foreign = make_case(world["units"]["S2"], world["users"]["other"], state=State.DRAFT)
    client = app.test_client()
    login(client, "field1")
    assert client.get(f"/intake/{foreign.number}").status_code == 404
    assert client.post(f"/intake/{foreign.number}", data={"csrf_token": token(client)}).status_code == 404


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_auditors_and_admins_cannot_file(app: Flask, world: dict[str, Any], role: str) -> None:
    client = app.test_client()
    login(client, world["users"][role].username)
    assert client.get("/intake/").status_code == 403
    assert client.get("/intake/new/appliance").status_code == 403
    assert client.post("/intake/new/appliance", data={"csrf_token": token(client)}).status_code == 403


def test_form_errors_re_render_in_chinese_keeping_what_was_typed(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "field1")
    data = {**CLAIMANT, "claimant_id_number": "110105194912310021", "claimant_phone": "12345",
            "claimed_amount": "五千", "facts-appliances-0-name": "冰箱", "facts-appliances-0-price": "abc",
            "event_date": "2025-13-40", "facts-fault_type": "bogus"}
    response = post(client, "/intake/new/appliance", data, action="submit")
    assert response.status_code == 422
    page = response.text
    for message in ("身份证号无效", "电话号码无效", "请输入数字", "请输入有效日期", "请从列表中选择"):
        assert message in page, message
    assert _input_value(page, "claimant_name") == "王芳"
    assert _input_value(page, "claimed_amount") == "五千"
    assert _input_value(page, "facts-appliances-0-name") == "冰箱"
    assert _input_value(page, "facts-appliances-0-price") == "abc"
    assert _input_value(page, "address") == "前营村3组12号"
    assert cases() == []


IMPOSSIBLE = [
    ("report_before_event", {"event_date": "2025-08-03", "report_date": "2025-08-01"}, "draft", "报案日期不能早于事发日期"),
    ("negative_amount", {"claimed_amount": "-100"}, "draft", "不能为负数"),
    ("negative_price", {"facts-appliances-0-name": "冰箱", "facts-appliances-0-price": "-1"}, "draft", "不能为负数"),
    ("non_numeric_amount", {"claimed_amount": "1,2,x"}, "draft", "请输入数字"),
    ("three_decimals", {"claimed_amount": "10.123"}, "draft", "金额最多保留两位小数"),
    ("future_date", {"event_date": "2999-01-01"}, "draft", "日期不能晚于今天"),
    ("knew_before_event", {"knew_date": "2025-07-30"}, "draft", "知道损害之日不能早于事发日期"),
    ("bought_after_event", {"facts-appliances-0-name": "冰箱", "facts-appliances-0-purchase_date": "2025-08-02"},
     "draft", "购置日期晚于事发日期"),
    ("bought_after_event_on_submit", {"facts-appliances-0-name": "冰箱", "facts-appliances-0-class": "motor",
                                      "facts-appliances-0-price": "3600", "facts-appliances-0-purchase_date":
                                      "2025-08-02"}, "submit", "购置日期晚于事发日期"),
    ("appliance_without_class", {"facts-appliances-0-name": "冰箱", "facts-appliances-0-price": "100"}, "submit",
     "请选择电器类别"),
    ("repairable_without_cost", {"facts-appliances-0-name": "冰箱", "facts-appliances-0-class": "motor",
                                 "facts-appliances-0-repairable": "true"}, "submit", "可以修复的电器须填写修复费用"),
]


@pytest.mark.parametrize(("name", "data", "action", "message"), IMPOSSIBLE, ids=[i[0] for i in IMPOSSIBLE])
def test_impossible_input_is_refused_next_to_its_field(app: Flask, world: dict[str, Any], name: str,
                                                       data: dict[str, str], action: str, message: str) -> None:
    client = app.test_client()
    login(client, "field1")
    base = {"claimant_name": "王芳", "event_date": "2025-08-01", "report_date": "2025-08-03"}
    response = post(client, "/intake/new/appliance", {**base, **data}, action=action)
    assert response.status_code == 422
    assert message in response.text
    assert 'is-invalid' in response.text and "已填写的内容都保留着" in response.text
    banner = response.text.split('id="form-problems"')[1].split("</div>")[0]
    assert message in banner and 'href="#' in banner  # the banner names the field and links to it
    for key, value in data.items():
        assert _input_value(response.text, key) in (value, None)  # selects are checked by the next test
    assert cases() == []


def test_amounts_are_read_as_people_type_them(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "field1")
    typed_in = {"claimant_name": "王芳", "claimed_amount": "4500元", "facts-appliances-0-price": "¥1,800.00",
                "facts-appliances-0-repair_cost": "１８００", "facts-appliances-1-price": "1,800"}
    assert post(client, "/intake/new/appliance", typed_in).status_code == 302
    (draft,) = cases()
    assert draft.claimed_amount == Decimal("4500")
    assert draft.facts["appliances"] == [{"price": "1800.00", "repair_cost": "1800"}, {"price": "1800"}]


def test_the_banner_lists_every_field_to_fix_bad_values_as_missing_ones(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "field1")
    typed_in = {"claimant_phone": "138abc5678", "claimed_amount": "三百元", "event_date": "2025-08-01",
                "report_date": "2025-07-01", "facts-appliances-0-name": "冰箱",
                "facts-appliances-0-purchase_date": "2025-09-01"}
    page = post(client, "/intake/new/appliance", typed_in, action="submit")
    assert page.status_code == 422 and cases() == []
    banner = page.text.split('id="form-problems"')[1].split("</div>")[0]
    for link, name in (("claimant_phone", "联系电话"), ("report_date", "报案日期"),
                       ("facts-appliances-0-purchase_date", "第 1 件 购置日期"), ("claimed_amount", "请求金额")):
        assert f'href="#{link}">{name}</a>' in banner, name
    assert "购置日期晚于事发日期" in banner and "报案日期不能早于事发日期" in banner
    assert _input_value(page.text, "facts-appliances-0-purchase_date") == "2025-09-01"  # nothing typed is lost


def test_required_fields_are_marked_and_the_dates_have_one_name(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "field1")
    page = client.get("/intake/new/appliance").text
    assert "标 * 的为必填项" in page
    for name in ("claimant_name", "event_date", "report_date"):
        control = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert control and "required" in control.group(0) and 'aria-required="true"' in control.group(0), name
        assert re.search(rf'<label class="form-label" for="{name}">[^<]+<span class="required-mark"', page), name
    address = re.search(r'<input[^>]*name="address"[^>]*>', page)
    assert address and "required" not in address.group(0)
    assert ">事发日期<" in page and ">报案日期<" in page
    labels_shown = re.findall(r'<label[^>]*>([^<]+)<', page)
    assert "损害发生日" not in labels_shown and "首次索赔日" not in labels_shown


def test_a_half_typed_appliance_may_wait_in_a_draft(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "field1")
    response = post(client, "/intake/new/appliance", {"facts-appliances-0-name": "冰箱",
                                                      "facts-appliances-0-repairable": "true"})
    assert response.status_code == 302
    assert cases()[0].facts == {"appliances": [{"name": "冰箱", "repairable": True}]}


def test_lifecycle_refusal_re_renders_in_chinese_and_saves_nothing(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "field1")
    response = post(client, "/intake/new/crop", {"claimant_address": "前营村", "facts-crop": "小麦"}, action="submit")
    assert response.status_code == 422
    page = response.text
    assert "未能提交" in page and "缺少：索赔人姓名" in page and "缺少：事发日期" in page and "缺少：报案日期" in page
    assert _input_value(page, "facts-crop") == "小麦"
    assert cases() == []


def test_adding_an_appliance_saves_the_draft_and_returns_to_the_new_row(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "field1")
    first = {"claimant_name": "王芳", "report_date": "2025-07-22", "facts-appliances-0-name": "冰箱",
             "facts-appliances-0-class": "motor"}
    added = post(client, "/intake/new/appliance", first, action="add")
    (draft,) = cases()  # the round trip saved what was typed: a lost phone signal loses nothing
    assert added.status_code == 302
    assert added.headers["Location"].endswith(f"/intake/{draft.number}?rows=2#appliance-2")
    assert draft.state == "draft" and draft.facts["appliances"] == [{"name": "冰箱", "class": "motor"}]
    for _reload in range(2):  # the page it lands on, and a reload of it: both rows, the new one focused
        page = client.get(f"/intake/{draft.number}?rows=2").text
        assert _input_value(page, "facts-appliances-0-name") == "冰箱"
        assert _input_value(page, "report_date") == "2025-07-22"
        assert '<option selected value="motor">' in page
        row = re.search(r'<input[^>]*name="facts-appliances-1-name"[^>]*>', page)
        assert row and "autofocus" in row.group(0) and 'id="appliance-2"' in page

    url = f"/intake/{draft.number}"
    two = {**first, "facts-appliances-1-name": "电视机", "facts-appliances-1-class": "electronic"}
    removed = post(client, url, two, action="", remove="0")  # removing re-renders; saving is the user's click
    assert removed.status_code == 200
    assert "冰箱" not in removed.text and _input_value(removed.text, "facts-appliances-1-name") == "电视机"
    assert _input_value(removed.text, "facts-appliances-0-name") is None

    saved = post(client, url, {**two, "facts-appliances-2-name": "电饭煲"})
    assert saved.status_code == 302
    assert [row["name"] for row in cases()[0].facts["appliances"]] == ["冰箱", "电视机", "电饭煲"]


def test_adding_a_row_to_a_form_with_a_bad_value_keeps_everything_and_says_why(app: Flask,
                                                                                world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "field1")
    typed_in = {"claimant_name": "王芳", "facts-appliances-0-name": "冰箱", "facts-appliances-0-price": "三百元"}
    page = post(client, "/intake/new/appliance", typed_in, action="add")
    assert page.status_code == 422 and cases() == []  # nothing half-read is saved
    assert _input_value(page.text, "facts-appliances-0-price") == "三百元"
    assert _input_value(page.text, "facts-appliances-1-name") == ""  # the row asked for is there
    assert 'href="#facts-appliances-0-price">第 1 件 购置价格</a>：请输入数字' in page.text


def test_missing_facts_panel_names_what_a_half_filled_appliance_claim_lacks(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "field1")
    data = {"csrf_token": token(client), "event_date": "2025-08-01", "report_date": "2025-08-03",
            "facility_owner": "utility", "utility_maintains": "true", "cause": "utility_fault",
            "facts-customer_type": "residential", "facts-supply_voltage_v": "220", "facts-fault_type": "neutral_broken",
            "facts-appliances-0-name": "液晶电视机", "facts-appliances-0-price": "4800.00"}
    def panel(**over: str) -> list[str]:
        response = client.post("/intake/missing/appliance", data={**data, **over})
        assert response.status_code == 200
        return re.findall(r"<li>([^<]+)</li>", response.text)

    assert panel() == ["损坏电器清单 第1项 可以修复"]
    assert panel(**{"facts-appliances-0-repairable": "false"}) == ["损坏电器清单 第1项 购置日期"]
    just_begun = client.post("/intake/missing/appliance", data={"csrf_token": token(client), "event_date": "2025-08-01"})
    assert re.findall(r"<li>([^<]+)</li>", just_begun.text) == [
        "故障设施产权人", "用户类别", "供电电压（伏）", "故障类型", "报案日期"]
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0  # nothing saved

    complete = typed(make("appliance"))
    response = client.post("/intake/missing/appliance", data={"csrf_token": token(client), **complete})
    assert "足以进行法律依据审查" in response.text


def test_missing_facts_panel_needs_the_csrf_token(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "field1")
    assert client.post("/intake/missing/appliance", data={"event_date": "2025-08-01"}).status_code == 400
    header = {"X-CSRFToken": token(client)}
    assert client.post("/intake/missing/appliance", data={"event_date": "2025-08-01"}, headers=header).status_code == 200


def test_intake_page_is_built_for_phones_and_the_csp(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "field1")
    page = client.get("/intake/new/outage").text
    assert "X-CSRFToken" in page.split('hx-headers=')[1][:200]  # htmx sends the token as a header
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None  # no inline script
    assert " style=" not in page
    assert 'type="date"' in page and 'inputmode="decimal"' in page
    assert 'name="facts-notice_given_hours_none"' in page  # "no notice at all" can be said, not just left blank


def test_no_notice_is_stored_as_the_contracts_null(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "field1")
    response = post(client, "/intake/new/outage", {"facts-notice_given_hours_none": "1"})
    assert response.status_code == 302
    assert cases()[0].facts == {"notice_given_hours": None}
    both = post(client, "/intake/new/outage", {"facts-notice_given_hours_none": "1", "facts-notice_given_hours": "5"})
    assert both.status_code == 422 and "请清空此项" in both.text


def test_second_of_two_saves_of_the_same_draft_is_refused(app: Flask, world: dict[str, Any]) -> None:
    first, second = app.test_client(), app.test_client()
    login(first, "field1")
    login(second, "legal1")
    post(first, "/intake/new/crop", {"claimant_name": "王芳"})
    number = cases()[0].number
    page_a, page_b = first.get(f"/intake/{number}").text, second.get(f"/intake/{number}").text
    version = _input_value(page_a, "version")
    assert version == _input_value(page_b, "version")
    common = {"csrf_token": "", "unit_id": _selected_unit(page_a), "version": version or "", "action": "draft"}
    ok = first.post(f"/intake/{number}", data={**common, "csrf_token": token(first), "claimant_name": "王芳芳"})
    assert ok.status_code == 302
    stale = second.post(f"/intake/{number}", data={**common, "csrf_token": token(second), "claimant_name": "李四",
                                                   "facts-crop": "玉米"})
    assert stale.status_code == 409
    assert "已被他人修改" in stale.text and "field1" in stale.text
    assert _input_value(stale.text, "facts-crop") == "玉米"
    assert load(Case, number=number).claimant_name == "王芳芳"  # type: ignore[union-attr]


def test_the_form_speaks_english_on_request(app: Flask, world: dict[str, Any]) -> None:
    client = app.test_client()
    login(client, "field1")
    client.post("/language", data={"lang": "en", "csrf_token": token(client)})
    page = client.get("/intake/new/appliance").text
    assert "Fault type" in page and "Appliances" in page and "Report date" in page  # the contract's English labels


OUT_OF_RANGE = [  # the same bounds the contract refuses on the CLI and the API (issue 15, D6 and part D)
    ("zero_hours", {"facts-outage_hours": "0"}, "须大于零"),
    ("negative_hours", {"facts-outage_hours": "-2"}, "不能为负数"),
    ("fault_share_above_one", {"facts-customer_fault_share": "1.5"}, "不能大于1"),
]


@pytest.mark.parametrize(("name", "data", "message"), OUT_OF_RANGE, ids=[i[0] for i in OUT_OF_RANGE])
def test_a_quantity_out_of_its_range_is_refused_next_to_its_field(app: Flask, world: dict[str, Any], name: str,
                                                                  data: dict[str, str], message: str) -> None:
    """A zero-hour outage or a fault share above the whole is not a claim the check can weigh: the form says so
    beside the field and keeps what was typed (it used to pass the form and end in 403)."""
    client = app.test_client()
    login(client, "field1")
    base = {"claimant_name": "王芳", "event_date": "2025-08-01", "report_date": "2025-08-03"}
    response = post(client, "/intake/new/outage", {**base, **data})
    assert response.status_code == 422
    banner = response.text.split('id="form-problems"')[1].split("</div>")[0]
    assert message in banner and "已填写的内容都保留着" in response.text
    for key, value in data.items():
        assert _input_value(response.text, key) == value
    assert cases() == []
