"""The case record as services see it: numbering, facts validated against the contract, scoping."""

from __future__ import annotations

import pytest
from flask import Flask

from casework.auth.models import Unit
from casework.cases.listing import list_cases
from casework.cases.service import CaseError, open_case
from casework.domain.access import Role
from casework.infra.db import db, unit_of_work, utcnow
from tests.factories import make_case, make_units, make_user


def test_numbers_follow_the_year_and_count_up(app: Flask) -> None:
    units = make_units()
    user = make_user("field1", Role.FIELD, units["S1"])
    first, second = make_case(units["S1"], user), make_case(units["S1"], user)
    year = utcnow().year
    assert first.number == f"PC-{year}-000001" and second.number == f"PC-{year}-000002"


def test_facts_that_break_the_contract_are_refused_with_their_path(app: Flask) -> None:
    units = make_units()
    user = make_user("field1", Role.FIELD, units["S1"])
    bad = {"fault_type": "lightning", "appliances": [{"name": "电视机", "price": "12.345"}]}
    with app.app_context(), pytest.raises(CaseError) as caught, unit_of_work() as session:
        open_case(session, user.actor(), category="appliance", unit=session.get(Unit, units["S1"].id),
                  claimant_name="张三", now=utcnow(), facts=bad)
    paths = {error.path for error in caught.value.detail}
    assert {"facts.fault_type", "facts.appliances[0].price"} <= paths
    with app.app_context():
        assert list_cases(db.session(), user.actor()).total == 0  # nothing half-stored


def test_search_treats_wildcards_as_text(app: Flask) -> None:
    units = make_units()
    user = make_user("legal1", Role.LEGAL, units["P"])
    make_case(units["S1"], user, claimant_name="王%强")
    make_case(units["S2"], user, claimant_name="李四")
    with app.app_context():
        assert [c.claimant_name for c in list_cases(db.session(), user.actor(), q="%").items] == ["王%强"]
        assert list_cases(db.session(), user.actor(), q="_").total == 0
