"""The intake service on a real database: drafts, optimistic locking, the audit trail, submission and search."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.auth.models import Unit, User
from casework.cases.listing import list_cases
from casework.cases.models import Case
from casework.cases.service import CaseError, StaleEdit
from casework.cases.workflow import TransitionRefused
from casework.domain.access import Role
from casework.domain.deadlines import DEFAULT_TARGETS
from casework.infra.db import db, unit_of_work, utcnow
from casework.intake.service import Intake, save_intake, units_in_scope
from tests.factories import load_rule_table, make_units, make_user


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    units = make_units()
    field = make_user("field1", Role.FIELD, units["S1"])
    legal = make_user("legal1", Role.LEGAL, units["C1"])
    load_rule_table()
    return {"units": units, "field": field, "legal": legal}


def intake(unit: Unit, **over: Any) -> Intake:
    fields: dict[str, Any] = {"claimant_name": "王芳", "claimant_id_number": "11010519491231002X",
                              "claimant_phone": "13812345678", "claimant_address": None,
                              "claimant_bank_account": None, "address": "前营村", "description": None,
                              "event_on": date(2025, 8, 1), "reported_on": date(2025, 8, 3),
                              "claimed_amount": Decimal("4800.00"), "gps_lat": None, "gps_lng": None}
    fields.update(over.pop("fields", {}))
    facts = {"customer_type": "residential", "supply_voltage_v": 220, "fault_type": "neutral_broken",
             "appliances": [{"name": "液晶电视机", "class": "electronic", "price": "4800.00",
                             "purchase_date": "2025-02-15", "invoice": True, "repairable": False}]}
    circumstances = {"facility_owner": "utility", "utility_maintains": True, "cause": "utility_fault"}
    return Intake("appliance", unit.id, fields, over.pop("circumstances", circumstances), over.pop("facts", facts))


def _save(user: User, data: Intake, *, case_id: int | None = None, version: int = -1, submit: bool = False) -> int:
    with unit_of_work() as session:
        actor = session.get(User, user.id).actor()  # type: ignore[union-attr]
        case = session.get(Case, case_id) if case_id else None
        saved = save_intake(session, actor, data, case=case, loaded_version=version, submit=submit, now=utcnow(),
                            targets=DEFAULT_TARGETS)
        return saved.id


def test_a_draft_is_corrected_and_the_trail_shows_what_changed_masked(app: Flask, world: dict[str, Any]) -> None:
    s1 = world["units"]["S1"]
    with app.app_context():
        case_id = _save(world["field"], intake(s1, facts={"fault_type": "neutral_broken"}))
        version = db.session.get(Case, case_id).version  # type: ignore[union-attr]
        _save(world["field"], intake(s1, fields={"claimant_id_number": "110105194912310011",
                                                 "claimant_phone": None}), case_id=case_id, version=version)
        case = db.session.get(Case, case_id)
        assert case is not None and case.state == "draft" and case.version == version + 1
        assert case.facts["appliances"][0]["name"] == "液晶电视机"
        assert case.claimant_phone == "13812345678"  # left empty in the form: kept, never wiped
        edit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.edit"))
        assert edit is not None
        assert "110105194912310011" not in str(edit.after) and "11010519491231002X" not in str(edit.before)
        assert edit.before["facts.customer_type"] is None and edit.after["facts.customer_type"] == "residential"
        assert edit.after["version"] == case.version


def test_a_stale_save_is_refused_and_changes_nothing(app: Flask, world: dict[str, Any]) -> None:
    s1 = world["units"]["S1"]
    with app.app_context():
        case_id = _save(world["field"], intake(s1))
        _save(world["legal"], intake(s1, fields={"address": "后营村"}), case_id=case_id, version=1)
        with pytest.raises(StaleEdit) as caught:
            _save(world["field"], intake(s1, fields={"address": "东营村"}), case_id=case_id, version=1)
        assert caught.value.conflict.fields["address"] == ("东营村", "后营村")
        assert db.session.get(Case, case_id).address == "后营村"  # type: ignore[union-attr]


def test_facts_that_break_the_contract_are_refused(app: Flask, world: dict[str, Any]) -> None:
    s1 = world["units"]["S1"]
    with app.app_context():
        case_id = _save(world["field"], intake(s1))
        with pytest.raises(CaseError) as caught:
            _save(world["field"], intake(s1, facts={"fault_type": "lightning"}), case_id=case_id, version=1)
        assert caught.value.key == "facts_invalid"


def test_only_drafts_are_corrected_through_intake(app: Flask, world: dict[str, Any]) -> None:
    s1 = world["units"]["S1"]
    with app.app_context():
        case_id = _save(world["field"], intake(s1), submit=True)
        version = db.session.get(Case, case_id).version  # type: ignore[union-attr]
        with pytest.raises(CaseError) as caught:
            _save(world["field"], intake(s1), case_id=case_id, version=version)
        assert caught.value.key == "not_editable"


def test_a_field_worker_files_only_under_their_own_station(app: Flask, world: dict[str, Any]) -> None:
    with app.app_context():
        actor = db.session.get(User, world["field"].id).actor()  # type: ignore[union-attr]
        assert [u.code for u in units_in_scope(db.session(), actor)] == ["S1"]
        with pytest.raises(CaseError) as caught:
            _save(world["field"], intake(world["units"]["S2"]))
        assert caught.value.key == "unit_out_of_scope"


def test_submitting_runs_the_check_and_a_refusal_saves_nothing(app: Flask, world: dict[str, Any]) -> None:
    s1 = world["units"]["S1"]
    with app.app_context():
        with pytest.raises(TransitionRefused) as caught:
            _save(world["field"], intake(s1, fields={"event_on": None}), submit=True)
        assert caught.value.reasons == ("missing:event_on",)
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0
        case = db.session.get(Case, _save(world["field"], intake(s1), submit=True))
        assert case is not None and case.state == "registered"
        assert case.assessment_outcome == "liable" and case.assessment_amount == Decimal("4800.00")


def test_a_corrected_name_is_found_by_search(app: Flask, world: dict[str, Any]) -> None:
    s1 = world["units"]["S1"]
    with app.app_context():
        case_id = _save(world["field"], intake(s1))
        _save(world["field"], intake(s1, fields={"claimant_name": "李秀英"}), case_id=case_id, version=1)
        actor = db.session.get(User, world["legal"].id).actor()  # type: ignore[union-attr]
        assert [c.id for c in list_cases(db.session(), actor, q="秀英").items] == [case_id]
        assert list_cases(db.session(), actor, q="王芳").items == []


def test_what_the_form_cannot_show_survives_a_correction(app: Flask, world: dict[str, Any]) -> None:
    s1 = world["units"]["S1"]
    kept = {"facility_owner": "utility", "limitation_interruptions": ["2025-09-01"]}
    with app.app_context():
        case_id = _save(world["field"], intake(s1, circumstances=kept))
        _save(world["field"], intake(s1, circumstances={"facility_owner": "customer"}), case_id=case_id, version=1)
        case = db.session.get(Case, case_id)
        assert case is not None
        assert case.circumstances == {"facility_owner": "customer", "limitation_interruptions": ["2025-09-01"]}
