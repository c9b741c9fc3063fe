"""Who may open what: every route × every role (and anonymous), plus object-level scoping of cases."""

from __future__ import annotations

import pytest
from flask import Flask

from casework.assets.models import AssetRegister
from casework.cases.models import Case
from casework.decision.letters import generate
from casework.decision.models import Proposal
from casework.domain.access import Role
from casework.domain.lifecycle import State
from casework.dossier.service import seal
from casework.evidence.models import Evidence
from casework.export.jobs import exports_root
from casework.export.models import ExportJob
from casework.infra.db import unit_of_work, utcnow
from casework.infra.storage import store_of
from tests import samples
from tests.conftest import ACTIVE_APP
from tests.factories import ctx, load, load_rule_table, login, make_case, make_units, make_user, token
from tests.uploads import upload

ALL = {"field", "legal", "legal_head", "auditor", "admin"}
CASE_READERS = {"field", "legal", "legal_head", "auditor"}
CASE_EDITORS = {"field", "legal", "legal_head"}
RULE_READERS = {"legal", "legal_head", "auditor"}
RULE_EDITORS = {"legal", "legal_head"}

# endpoint -> roles that may use it. Kept by hand on purpose: a new route fails the
# completeness test below until someone decides, here, who may call it.
MATRIX: dict[str, set[str] | str] = {
    "static": "public",
    "bootstrap.static": "public",
    "vendor": "public",
    "health.healthz": "public",
    "health.readyz": "public",
    "auth.login": "public",
    "main.set_language": "public",
    "main.index": ALL,
    "auth.logout": ALL,
    "auth.change_password": ALL,
    "admin.users": {"admin"},
    "admin.edit_user": {"admin"},
    "admin.reset_user_password": {"admin"},
    "admin.end_user_sessions": {"admin"},
    "admin.reset_user_factor": {"admin"},
    "admin.units": {"admin"},
    "admin.edit_unit": {"admin"},
    "account.code": "public",  # the half-way state after the password is checked by the view itself
    "account.enrol_at_login": "public",
    "account.second_factor": ALL,
    "account.approvals_page": {"legal_head", "admin"},
    "cases.index": CASE_READERS,
    "cases.show": CASE_READERS,
    "cases.edit": CASE_EDITORS,
    "intake.index": CASE_EDITORS,
    "intake.new": CASE_EDITORS,
    "intake.edit": CASE_EDITORS,
    "intake.missing": CASE_EDITORS,
    "rulecheck.show": CASE_READERS,
    "rulecheck.run": CASE_EDITORS,
    "rules.index": RULE_READERS,
    "rules.show": RULE_READERS,
    "rules.show_impact": RULE_READERS,
    "rules.new_draft": RULE_EDITORS,
    "rules.edit_parameter": RULE_EDITORS,
    "rules.upload": RULE_EDITORS,
    "rules.submit_draft": RULE_EDITORS,
    "rules.decide_draft": RULE_EDITORS,
    "calendar.index": {"admin"},
    "calendar.remove": {"admin"},
    # The asset register: legal staff for their company, administrators for any unit; intake's suggestions.
    "assets.index": {"legal", "legal_head", "admin"},
    "assets.show": {"legal", "legal_head", "admin"},
    "assets.search": CASE_EDITORS,
    "assets.options": CASE_EDITORS,
    "api.assess_cases": "token",
    "work.fire_event": CASE_EDITORS,
    "work.assign_case": {"legal", "legal_head"},
    "work.lists": CASE_READERS,
    "work.team": {"legal_head"},
    "work.site_visit": CASE_READERS,
    "work.record_site_visit": CASE_EDITORS,
    "evidence.page": CASE_READERS,
    "evidence.upload": CASE_EDITORS,
    "evidence.download": CASE_READERS,
    "evidence.view": CASE_READERS,
    "evidence.thumb": CASE_READERS,
    "evidence.withdraw_item": CASE_EDITORS,
    "evidence.waive_item": {"legal", "legal_head"},
    "evidence.revoke": {"legal", "legal_head"},
    "decision.page": {"legal", "legal_head", "auditor"},  # not field staff: other cases' outcomes (review F-5)
    "decision.propose_view": {"legal", "legal_head"},
    "decision.decide_view": {"legal", "legal_head"},
    "decision.payment_view": {"legal", "legal_head"},
    "decision.litigation_view": {"legal", "legal_head"},
    "decision.goodwill_report": {"legal_head", "auditor"},
    # The analytics: legal staff for their company, the head of legal, auditors; never field staff or admins.
    "analytics.overview": {"legal", "legal_head", "auditor"},
    "analytics.section": {"legal", "legal_head", "auditor"},
    "analytics.table_csv": {"legal", "legal_head", "auditor"},
    "analytics.table_xlsx": {"legal", "legal_head", "auditor"},
    "analytics.section_xlsx": {"legal", "legal_head", "auditor"},
    "analytics.report_pdf": {"legal", "legal_head", "auditor"},
    "decision.precedent_risk_report": {"legal_head", "auditor"},
    "decision.letter": {"legal", "legal_head"},
    "decision.download_letter": CASE_READERS,
    "dossier.seal_view": {"legal", "legal_head", "auditor"},
    "dossier.download": CASE_READERS,
    "export.index": {"legal_head", "auditor"},
    "export.show": {"legal_head", "auditor"},
    "export.status": {"legal_head", "auditor"},
    "export.download": {"legal_head", "auditor"},
}


@pytest.fixture
def world(app: Flask) -> dict:  # type: ignore[type-arg]
    units = make_units()
    users = {
        "field": make_user("field1", Role.FIELD, units["S1"]),
        "legal": make_user("legal1", Role.LEGAL, units["C1"]),
        "legal_head": make_user("head1", Role.LEGAL_HEAD, units["C1"]),
        "auditor": make_user("audit1", Role.AUDITOR, units["P"]),
        "admin": make_user("admin1", Role.ADMIN, units["P"]),
    }
    other_field = make_user("field2", Role.FIELD, units["S2"])
    version = load_rule_table()
    own = make_case(units["S1"], users["field"])
    foreign = make_case(units["S2"], other_field)
    uploader = app.test_client()
    login(uploader, "field1")
    assert upload(uploader, own.number, [("p.jpg", samples.jpeg(64, 48))], "appliance_photos").status_code == 303
    photo = load(Evidence, original_name="p.jpg")
    with ctx(), unit_of_work() as session:  # a letter to download: a rejection proposed on the case
        proposal = Proposal(case_id=own.id, kind="reject", status="open", proposed_by_id=users["legal"].id,
                            proposed_at=utcnow(), needs_role="legal", grounds=[])
        session.add(proposal)
        session.flush()
        store = store_of(ACTIVE_APP[0])
        letter = generate(session, users["legal"].actor(), session.get(Case, own.id), proposal, store, now=utcnow()).id
        seal(session, users["legal"].actor(), session.get(Case, own.id), store, now=utcnow())  # dossier version 1
        # a finished batch export by the head of legal (auditors see every export; others only their own)
        session.add(ExportJob(public_id="matrix-job", requested_by_id=users["legal_head"].id,
                              requested_by_name="head1", requested_at=utcnow(), heartbeat_at=utcnow(), criteria={},
                              state="done", total=0, done=0, failed=[], result_name="matrix.zip", result_size=22))
        # an asset register of the county the legal staff's city is over (readable by them and the admin)
        register = AssetRegister(unit_id=units["K1"].id, version=1, is_current=True, source_name="matrix.csv",
                                 sha256="0" * 64, row_count=0, imported_by_name="admin1", imported_at=utcnow())
        session.add(register)
        session.flush()
        register_id = register.id
    exports_root(ACTIVE_APP[0]).mkdir(parents=True, exist_ok=True)
    (exports_root(ACTIVE_APP[0]) / "matrix.zip").write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip
    return {"units": units, "users": users, "own": own, "foreign": foreign, "version": version, "photo": photo,
            "letter": letter, "register": register_id}


def _url(endpoint: str, world: dict) -> str:  # type: ignore[type-arg]
    return {
        "main.index": "/", "auth.logout": "/logout", "auth.change_password": "/password",
        "admin.users": "/admin/users", "admin.units": "/admin/units",
        "admin.edit_unit": f"/admin/units/{world['units']['S1'].id}",
        "admin.edit_user": f"/admin/users/{world['users']['field'].id}",
        "admin.reset_user_password": f"/admin/users/{world['users']['field'].id}/reset-password",
        "admin.end_user_sessions": f"/admin/users/{world['users']['field'].id}/end-sessions",
        "admin.reset_user_factor": f"/admin/users/{world['users']['field'].id}/reset-second-factor",
        "account.second_factor": "/account/second-factor", "account.approvals_page": "/account/approvals",
        "cases.index": "/cases/", "cases.show": f"/cases/{world['own'].number}",
        "cases.edit": f"/cases/{world['own'].number}/edit",
        "intake.index": "/intake/", "intake.new": "/intake/new/appliance",
        "intake.edit": f"/intake/{world['own'].number}", "intake.missing": "/intake/missing/appliance",
        "rulecheck.show": f"/cases/{world['own'].number}/check",
        "rulecheck.run": f"/cases/{world['own'].number}/check",
        "rules.index": "/rules/", "rules.new_draft": "/rules/drafts",
        "rules.show": f"/rules/{world['version']}",
        "rules.show_impact": f"/rules/{world['version']}/impact",
        "rules.edit_parameter": f"/rules/{world['version']}/parameter",
        "rules.upload": f"/rules/{world['version']}/upload",
        "rules.submit_draft": f"/rules/{world['version']}/submit",
        "rules.decide_draft": f"/rules/{world['version']}/decide",
        "work.fire_event": f"/cases/{world['own'].number}/events/submit",
        "work.assign_case": f"/cases/{world['own'].number}/assign",
        "work.lists": "/work/overdue",
        "work.team": "/work/workload",
        "work.site_visit": f"/cases/{world['own'].number}/site-visit",
        "work.record_site_visit": f"/cases/{world['own'].number}/site-visit",
        "calendar.index": "/admin/calendar/", "calendar.remove": "/admin/calendar/2025-01-01/remove",
        "assets.index": "/assets/", "assets.show": f"/assets/{world['register']}",
        "assets.search": "/assets/search?q=x", "assets.options": "/assets/options/grid_line",
        "evidence.page": f"/cases/{world['own'].number}/evidence",
        "evidence.upload": f"/cases/{world['own'].number}/evidence",
        "evidence.download": f"/cases/{world['own'].number}/evidence/{world['photo'].public_id}/download",
        "evidence.view": f"/cases/{world['own'].number}/evidence/{world['photo'].public_id}/view",
        "evidence.thumb": f"/cases/{world['own'].number}/evidence/{world['photo'].public_id}/thumbnail",
        "evidence.withdraw_item": f"/cases/{world['own'].number}/evidence/{world['photo'].public_id}/withdraw",
        "evidence.waive_item": f"/cases/{world['own'].number}/evidence/waivers",
        "evidence.revoke": f"/cases/{world['own'].number}/evidence/waivers/repair_assessment/revoke",
        "decision.page": f"/cases/{world['own'].number}/decision",
        "decision.propose_view": f"/cases/{world['own'].number}/decision/propose",
        "decision.decide_view": f"/cases/{world['own'].number}/decision/decide",
        "decision.payment_view": f"/cases/{world['own'].number}/decision/payment",
        "decision.litigation_view": f"/cases/{world['own'].number}/decision/litigation",
        "decision.goodwill_report": "/reports/goodwill",
        "analytics.overview": "/analytics/", "analytics.section": "/analytics/overview",
        "analytics.table_csv": "/analytics/overview/by_category.csv",
        "analytics.table_xlsx": "/analytics/overview/by_category.xlsx", "analytics.section_xlsx": "/analytics/overview.xlsx",
        "analytics.report_pdf": "/analytics/report.pdf?period=2025-07",
        "decision.precedent_risk_report": "/reports/precedent-risk",
        "decision.letter": f"/cases/{world['own'].number}/decision/letter",
        "decision.download_letter": f"/cases/{world['own'].number}/documents/{world['letter']}",
        "dossier.seal_view": f"/cases/{world['own'].number}/dossier",
        "dossier.download": f"/cases/{world['own'].number}/dossier/1",
        "export.index": "/exports/", "export.show": "/exports/matrix-job",
        "export.status": "/exports/matrix-job/status", "export.download": "/exports/matrix-job/download",
    }[endpoint]


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(MATRIX), "decide who may call each new route, in MATRIX"


def _methods(app: Flask, endpoint: str) -> set[str]:
    return {m for rule in app.url_map.iter_rules() if rule.endpoint == endpoint for m in rule.methods or ()} - {
        "HEAD", "OPTIONS"}


@pytest.mark.parametrize("role", sorted(ALL))
def test_role_reaches_exactly_its_routes(app: Flask, world: dict, role: str) -> None:  # type: ignore[type-arg]
    client = app.test_client()
    login(client, world["users"][role].username)
    csrf = token(client)
    for endpoint, allowed in MATRIX.items():
        if allowed in ("public", "token") or endpoint in ("auth.logout",):
            continue
        url = _url(endpoint, world)
        for method in _methods(app, endpoint):
            data = {"csrf_token": csrf} if method == "POST" else None
            with client.open(url, method=method, data=data) as response:  # closed: a download holds a file
                status = response.status_code
            if role in allowed:
                assert status != 403 and status != 404, f"{role} refused {method} {url}"
            else:
                assert status == 403, f"{role} got {status} on {method} {url}"


def test_anonymous_is_sent_to_login_everywhere_but_public_pages(app: Flask, world: dict) -> None:  # type: ignore[type-arg]
    client = app.test_client()
    for endpoint, allowed in MATRIX.items():
        if allowed in ("public", "token"):
            continue
        url = _url(endpoint, world)
        for method in _methods(app, endpoint):
            response = client.open(url, method=method)
            if method == "POST":
                assert response.status_code in (302, 400), f"{method} {url}"  # no session: no CSRF token either
            else:
                assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_field_user_gets_404_for_another_stations_case(app: Flask, world: dict) -> None:  # type: ignore[type-arg]
    client = app.test_client()
    login(client, "field1")
    foreign = world["foreign"].number
    assert client.get(f"/cases/{foreign}").status_code == 404
    assert client.get(f"/cases/{foreign}/edit").status_code == 404
    assert foreign not in client.get("/cases/").text
    assert world["own"].number in client.get("/cases/").text


def test_legal_sees_their_company_only_and_auditor_sees_all(app: Flask, world: dict) -> None:  # type: ignore[type-arg]
    legal, auditor = app.test_client(), app.test_client()
    login(legal, "legal1")
    login(auditor, "audit1")
    assert legal.get(f"/cases/{world['own'].number}").status_code == 200
    assert legal.get(f"/cases/{world['foreign'].number}").status_code == 404
    listing = auditor.get("/cases/").text
    assert world["own"].number in listing and world["foreign"].number in listing


def test_auditor_can_read_but_not_change_a_case(app: Flask, world: dict) -> None:  # type: ignore[type-arg]
    client = app.test_client()
    login(client, "audit1")
    number = world["own"].number
    assert client.get(f"/cases/{number}").status_code == 200
    response = client.post(f"/cases/{number}/edit", data={"csrf_token": token(client), "claimant_name": "改名",
                                                          "version": "1"})
    assert response.status_code == 403
    assert "改名" not in client.get(f"/cases/{number}").text


def test_field_cannot_edit_once_legal_review_started(app: Flask, world: dict) -> None:  # type: ignore[type-arg]
    assessed = make_case(world["units"]["S1"], world["users"]["field"], state=State.ASSESSED)
    client = app.test_client()
    login(client, "field1")
    assert client.get(f"/cases/{assessed.number}/edit").status_code == 403
    page = client.get(f"/cases/{assessed.number}").text
    assert f"/cases/{assessed.number}/edit" not in page  # the page offers only what the viewer may do
