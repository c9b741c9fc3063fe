"""Every object-level refusal is on the record (review F-15, RELIABILITY C14/L2): another unit's case, its check,
decision, evidence page, letters and dossier all answer 404 exactly like a missing one, and each attempt leaves
an audit entry naming who tried what. Evidence files were already audited (`evidence.denied`)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.audit.service import verify
from casework.cases.models import Case
from casework.decision.letters import generate
from casework.decision.models import Proposal
from casework.domain.access import Role
from casework.dossier.service import seal
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.storage import store_of
from casework.ui.labels import ACTION
from tests.conftest import ACTIVE_APP
from tests.factories import ctx, load_rule_table, login, make_case, make_units, make_user, token


def _letter_and_dossier(case: Case, by: Any) -> int:
    """A rejection letter and dossier version 1 on `case`; returns the letter's id."""
    with ctx(), unit_of_work() as session:
        proposal = Proposal(case_id=case.id, kind="reject", status="open", proposed_by_id=by.id,
                            proposed_at=utcnow(), needs_role="legal", grounds=[])
        session.add(proposal)
        session.flush()
        store = store_of(ACTIVE_APP[0])
        row = session.get(Case, case.id)
        letter = generate(session, by.actor(), row, proposal, store, now=utcnow()).id
        seal(session, by.actor(), row, store, now=utcnow())
        return letter


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    load_rule_table()
    field1, field2 = make_user("field1", Role.FIELD, units["S1"]), make_user("field2", Role.FIELD, units["S2"])
    legal1, legal3 = make_user("legal1", Role.LEGAL, units["C1"]), make_user("legal3", Role.LEGAL, units["C2"])
    own, foreign = make_case(units["S1"], field1), make_case(units["S2"], field2)
    return {"own": own.number, "foreign": foreign.number, "own_letter": _letter_and_dossier(own, legal1),
            "foreign_letter": _letter_and_dossier(foreign, legal3)}


def _client(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def _denials() -> list[tuple[str, str, str | None, dict[str, Any] | None]]:
    with ctx():
        rows = db.session.execute(select(AuditEvent.action, AuditEvent.actor_name, AuditEvent.object_id,
                                         AuditEvent.after, AuditEvent.case_id)
                                  .where(AuditEvent.action.like("%.denied")).order_by(AuditEvent.seq)).all()
    assert all(r.case_id is None for r in rows)  # not part of that case's own history (nor of its dossier)
    return [(r.action, r.actor_name, r.object_id, r.after) for r in rows]


def test_a_field_worker_trying_another_stations_case_is_audited_each_time(app: Flask, world: dict[str, Any]) -> None:
    """The review's run: 6 GETs and 1 POST on a foreign case, each 404, and now each on the record."""
    client = _client(app, "field1")
    foreign = world["foreign"]
    gets = [f"/cases/{foreign}", f"/cases/{foreign}/edit", f"/cases/{foreign}/check", f"/cases/{foreign}/evidence",
            f"/cases/{foreign}/dossier/1", f"/cases/{foreign}/documents/{world['foreign_letter']}"]
    for url in gets:
        with client.get(url) as response:
            assert response.status_code == 404, url
    csrf = token(client)
    assert client.post(f"/cases/{foreign}/check", data={"csrf_token": csrf}).status_code == 404
    denied = _denials()
    assert [(a, who, obj) for a, who, obj, _ in denied] == [("case.denied", "field1", foreign)] * 7
    assert [after["page"] for *_, after in denied] == [  # type: ignore[index]
        "cases.show", "cases.edit", "rulecheck.show", "evidence.page", "dossier.download",
        "decision.download_letter", "rulecheck.run"]
    assert denied[-1][3]["method"] == "POST"  # type: ignore[index]
    with ctx():
        assert verify(db.session()).ok  # written into the chain like any other entry


def test_legal_staff_trying_another_companys_decision_page_is_audited(app: Flask, world: dict[str, Any]) -> None:
    client = _client(app, "legal1")
    assert client.get(f"/cases/{world['foreign']}/decision").status_code == 404
    assert _denials() == [("case.denied", "legal1", world["foreign"],
                           {"page": "decision.page", "method": "GET"})]


def test_a_foreign_letter_tried_through_ones_own_case_is_audited(app: Flask, world: dict[str, Any]) -> None:
    client = _client(app, "field1")
    with client.get(f"/cases/{world['own']}/documents/{world['foreign_letter']}") as response:
        assert response.status_code == 404
    assert _denials() == [("document.denied", "field1", str(world["foreign_letter"]), {"case": world["own"]})]
    with client.get(f"/cases/{world['own']}/documents/{world['own_letter']}") as response:
        assert response.status_code == 200  # one's own letter still downloads
    assert len(_denials()) == 1


def test_a_number_that_does_not_exist_is_a_plain_404(app: Flask, world: dict[str, Any]) -> None:
    """Nothing was refused: there is no such case (a typo), so nothing to put on record."""
    client = _client(app, "field1")
    assert client.get("/cases/PC-2099-999999").status_code == 404
    assert client.get(f"/cases/{world['own']}/documents/999999").status_code == 404
    assert _denials() == []


def test_the_denial_entries_have_chinese_and_english_names(app: Flask) -> None:
    from flask_babel import force_locale

    with app.test_request_context():
        for action in ("case.denied", "document.denied"):
            assert action in ACTION
            with force_locale("en"):
                english = str(ACTION[action])
            assert english != str(ACTION[action]) and english.isascii(), action
