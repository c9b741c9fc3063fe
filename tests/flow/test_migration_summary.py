"""The migration that adds the decision columns and the summary fills them from what is already stored:
upgrading a database with decided, paid and withdrawn claims gives what the services keep from then on."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from casework.cases.models import Case
from casework.cases.summary import stored_summary
from casework.infra.db import db
from tests.factories import ctx
from tests.flow.test_case_summary import _step, office  # noqa: F401  (the fixture)

COLUMNS = ("number", "cause", "decision_kind", "decided_on", "settled_amount", "paid_amount", "paid_on")


def _stored() -> tuple[list[tuple[Any, ...]], Any]:
    with ctx():
        rows = [tuple(getattr(c, n) for n in COLUMNS) for c in db.session.scalars(select(Case).order_by(Case.id))]
        summary = stored_summary(db.session)
        db.session.close()
        return rows, summary


def test_upgrading_back_fills_the_columns_and_the_summary(app: Flask, office: dict[str, Any]) -> None:  # noqa: F811
    with ctx():
        for op in ("ready", "ready", "ready", "settle", "reject", "pay", "intake_submit", "withdraw", "intake"):
            _step(office, op, 0, 260_050)
    kept_by_services = _stored()
    assert {row[2] for row in kept_by_services[0]} == {"settled", "rejected", None}
    with app.app_context():
        directory = app.extensions["migrate"].directory
        downgrade(directory=directory, revision="b2a1e9c4d7f0")  # both issue-16 revisions, with data
        upgrade(directory=directory)
        db.engine.dispose()
    assert _stored() == kept_by_services
