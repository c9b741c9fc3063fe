"""A case's state is a State in Python and its lowercase code in the database, whichever way it is read."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select, text

from casework.cases.models import Case
from casework.domain.access import Role
from casework.domain.lifecycle import OPEN_STATES, State
from casework.infra.db import db
from tests.factories import ctx, make_case, make_units, make_user


@pytest.fixture
def case(app: Flask) -> Case:
    units = make_units()
    return make_case(units["S1"], make_user("field1", Role.FIELD, units["S1"]), state=State.REGISTERED)


def test_the_database_keeps_the_code_and_python_gets_the_enum(case: Case) -> None:
    with ctx():
        assert db.session.scalar(text("SELECT state FROM case_record")) == "registered"
        assert db.session.scalar(select(Case.state)) is State.REGISTERED  # a list's column rows too
        loaded = db.session.scalar(select(Case))
        assert loaded is not None and loaded.state is State.REGISTERED


def test_queries_take_states_as_enums(case: Case) -> None:
    with ctx():
        assert db.session.scalar(select(Case.number).where(Case.state.in_(sorted(OPEN_STATES)))) == case.number
        assert db.session.scalar(select(Case.number).where(Case.state == State.CLOSED)) is None


def test_a_state_set_by_its_code_is_the_enum_at_once_and_a_stray_code_is_refused(case: Case) -> None:
    case.state = "withdrawn"  # type: ignore[assignment]
    assert case.state is State.WITHDRAWN
    with pytest.raises(ValueError, match="archived"):
        case.state = "archived"  # type: ignore[assignment]
