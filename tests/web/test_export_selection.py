"""`casework export` says who it exports as and never reports success for an export of nothing (the review's
"silent empty exports": without --user it ran as an actor that sees no case, printed "exporting 0 cases" and
exited 0, so a nightly archive job would have archived nothing and reported success)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.domain.access import Role
from casework.export.verify import verify_paths
from casework.infra.db import db
from tests.factories import ctx, make_case, make_user
from tests.web.test_decision import world  # noqa: F401 - the shared fixture


def _export(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["export", *args, "--workers", "1"])


def _trail(action: str) -> list[AuditEvent]:
    with ctx():
        rows = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_without_a_user_the_system_exporter_exports_every_case_and_says_so(app: Flask, world: dict[str, Any],  # noqa: F811
                                                                           tmp_path: Path) -> None:
    numbers = {make_case(world["units"][unit], world["field"]).number for unit in ("S1", "S2")}  # two companies
    out = tmp_path / "nightly"
    result = _export(app, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "exporting 2 cases" in result.output and "system-exporter" in result.output
    reports = verify_paths([out])
    assert {Path(r.bundle).stem for r in reports} == numbers and all(r.ok for r in reports)
    assert {e.object_id for e in _trail("export.case")} == numbers
    assert {e.actor_name for e in _trail("export.case")} == {"system-exporter"}  # audited as such
    (run,) = _trail("export.batch.run")
    assert run.actor_name == "system-exporter" and run.after["cases"] == 2


def test_a_selection_of_nothing_is_said_plainly_and_fails_unless_allowed(app: Flask, world: dict[str, Any],  # noqa: F811
                                                                         tmp_path: Path) -> None:
    make_case(world["units"]["S1"], world["field"], category="crop")
    out = tmp_path / "nightly"
    result = _export(app, "--out", str(out), "--category", "injury")
    assert result.exit_code == 1
    assert "nothing to export" in result.output and "category injury" in result.output
    assert not out.exists() or not list(out.glob("*.zip"))
    allowed = _export(app, "--out", str(out), "--category", "injury", "--allow-empty")
    assert allowed.exit_code == 0 and "nothing to export" in allowed.output
    assert [e.after["cases"] for e in _trail("export.batch.run")] == [0, 0]  # both runs are on the record


def test_a_named_user_exports_their_scope_and_one_who_may_not_export_is_refused(app: Flask,
                                                                                 world: dict[str, Any],  # noqa: F811
                                                                                 tmp_path: Path) -> None:
    make_case(world["units"]["S2"], world["field"])  # another company's: outside head1's scope (C1)
    make_user("admin1", Role.ADMIN, world["units"]["P"])
    head = _export(app, "--out", str(tmp_path / "head"), "--user", "head1")
    assert head.exit_code == 1 and "nothing to export" in head.output and "head1" in head.output
    for name in ("admin1", "legal1"):  # no case scope / no export permission
        refused = _export(app, "--out", str(tmp_path / name), "--user", name)
        assert refused.exit_code == 2 and "may not export cases" in refused.output
    assert _trail("export.case") == []
