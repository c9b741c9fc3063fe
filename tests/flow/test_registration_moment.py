"""A claim is registered when it leaves draft: a draft has no registration, the submission stamps its moment, a
case opened past draft (as the demo and imports do) is registered at its opening; the summary counts the case
in that month in China."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from casework.cases.models import Case
from casework.cases.service import open_case
from casework.cases.summary import stored_summary
from casework.domain.access import Role
from casework.domain.deadlines import DEFAULT_TARGETS
from casework.domain.lifecycle import State
from casework.infra.db import db, unit_of_work
from casework.intake.service import Intake, save_intake
from tests.factories import FRIDGE, UTILITY, ctx, load_rule_table, make_units, make_user

SAVED = datetime(2025, 3, 28, 9, tzinfo=UTC)
SUBMITTED = datetime(2025, 3, 31, 16, 30, tzinfo=UTC)  # 1 April 00:30 in China


@pytest.fixture
def office(app: Flask) -> dict[str, Any]:
    units = make_units()
    load_rule_table()
    return {"units": units, "field": make_user("field1", Role.FIELD, units["S1"])}


def _intake(office: dict[str, Any]) -> Intake:
    return Intake(category="appliance", unit_id=office["units"]["S1"].id, circumstances=dict(UTILITY),
                  facts=dict(FRIDGE), fields={"claimant_name": "张三", "event_on": date(2025, 3, 20),
                                              "reported_on": date(2025, 3, 21), "claimed_amount": Decimal("100.00")})


def _months(category: str = "appliance") -> dict[date, int]:
    return {month: int(row.get("cases", 0)) for (_path, month, cat), row in stored_summary(db.session).items()
            if cat == category}


def test_a_draft_has_no_registration_and_the_submission_stamps_its_moment(office: dict[str, Any]) -> None:
    actor = office["field"].actor()
    with ctx():
        with unit_of_work() as session:
            draft = save_intake(session, actor, _intake(office), case=None, loaded_version=0, submit=False,
                                now=SAVED, targets=DEFAULT_TARGETS)
            case_id = draft.id
        row = db.session.get(Case, case_id)
        assert row is not None and row.state is State.DRAFT and row.registered_at is None
        assert _months() == {}  # a draft is not a claim yet
        with unit_of_work() as session:
            case = session.get(Case, case_id)
            save_intake(session, actor, _intake(office), case=case, loaded_version=case.version, submit=True,
                        now=SUBMITTED, targets=DEFAULT_TARGETS)
        db.session.expire_all()
        row = db.session.get(Case, case_id)
        assert row is not None and row.state is not State.DRAFT
        assert row.registered_at == SUBMITTED == row.submitted_at and row.created_at == SAVED
        assert _months() == {date(2025, 4, 1): 1}


def test_a_case_opened_past_draft_is_registered_at_its_opening(office: dict[str, Any]) -> None:
    opened = datetime(2025, 6, 30, 15, 59, tzinfo=UTC)  # 23:59 on 30 June in China
    with ctx():
        with unit_of_work() as session:
            case = open_case(session, office["field"].actor(), category="crop",
                             unit=session.get(type(office["units"]["S1"]), office["units"]["S1"].id), now=opened,
                             state=State.REGISTERED, claimant_name="李四", claimed_amount=Decimal("5.00"))
            case_id = case.id
        row = db.session.get(Case, case_id)
        assert row is not None and row.registered_at == opened and row.submitted_at is None
        assert _months("crop") == {date(2025, 6, 1): 1}
