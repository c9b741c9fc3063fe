"""The audit trail is append-only and hash-chained: `casework audit verify` finds any edit, deletion or swap."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from casework.domain.access import Role
from casework.infra.db import db
from tests.factories import make_case, make_units, make_user


@pytest.fixture
def trail(app: Flask) -> Flask:
    units = make_units()  # 7 entries
    user = make_user("field1", Role.FIELD, units["S1"])  # 1 entry
    make_case(units["S1"], user)  # 1 entry
    return app


@contextmanager
def triggers_off(app: Flask) -> Iterator[None]:
    """Tampering needs the append-only guard out of the way, as an attacker with DB access would."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            with db.engine.begin() as conn:
                conn.execute(text("DROP TRIGGER audit_event_no_update"))
                conn.execute(text("DROP TRIGGER audit_event_no_delete"))
            yield
        else:
            with db.engine.begin() as conn:
                conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
            try:
                yield
            finally:
                with db.engine.begin() as conn:
                    conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change"))


def _sql(app: Flask, statement: str) -> None:
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text(statement))


def test_untouched_chain_verifies_and_prints_its_head(trail: Flask) -> None:
    result = trail.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert result.output.startswith("OK 9 entries, head ")
    assert len(result.output.splitlines()[0].split("head ")[1]) == 64


def test_update_and_delete_are_refused_by_the_database(trail: Flask) -> None:
    with pytest.raises(DatabaseError):
        _sql(trail, "UPDATE audit_event SET actor_name = 'x' WHERE seq = 2")
    with pytest.raises(DatabaseError):
        _sql(trail, "DELETE FROM audit_event WHERE seq = 2")


def test_edited_entry_is_found(trail: Flask) -> None:
    with triggers_off(trail):
        _sql(trail, "UPDATE audit_event SET actor_name = 'mallory' WHERE seq = 5")
        result = trail.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "FAILED at seq 5" in result.output
    assert "content does not match" in result.output


def test_deleted_entry_is_found(trail: Flask) -> None:
    with triggers_off(trail):
        _sql(trail, "DELETE FROM audit_event WHERE seq = 4")
        result = trail.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "FAILED at seq 5" in result.output


def test_deleted_last_entry_changes_the_head(trail: Flask) -> None:
    runner = trail.test_cli_runner()
    head_before = runner.invoke(args=["audit", "verify"]).output.splitlines()[0].split("head ")[1]
    with triggers_off(trail):
        _sql(trail, "DELETE FROM audit_event WHERE seq = 9")
        result = runner.invoke(args=["audit", "verify"])
    # A truncated tail still links up; only an anchored head reveals it (tests/flow/test_audit_anchors.py).
    assert result.exit_code == 0 and result.output.splitlines()[0].split("head ")[1] != head_before
    assert "OK 8 entries" in result.output


def test_swapped_entries_are_found(trail: Flask) -> None:
    with triggers_off(trail):
        _sql(trail, "UPDATE audit_event SET seq = -1 WHERE seq = 3")
        _sql(trail, "UPDATE audit_event SET seq = 3 WHERE seq = 4")
        _sql(trail, "UPDATE audit_event SET seq = 4 WHERE seq = -1")
        result = trail.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "FAILED at seq 3" in result.output
