"""The export pages in words: the range as 年月日, the unit by name, the person who asked by name, never
their login (issue 14)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from casework.auth.models import User
from casework.domain.access import Role
from casework.export.models import ExportJob
from casework.infra.db import unit_of_work, utcnow
from tests.factories import ctx, make_user
from tests.visible import html_text
from tests.web.test_decision import _client, world  # noqa: F401 - the shared fixture


def test_an_export_reads_in_words(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    with ctx(), unit_of_work() as session:
        user = session.scalar(select(User).where(User.username == "audit1"))
        assert user is not None
        user.display_name = "孙立（审计）"
        session.add(ExportJob(public_id="words-job-0000000000000", requested_by_id=user.id,
                              requested_by_name="audit1", requested_at=utcnow(), heartbeat_at=utcnow(),
                              criteria={"from": "2026-12-01", "to": "2026-12-03", "unit": "C1", "category": "",
                                        "outcome": ""}, state="done", total=2, done=2, failed=[]))
    auditor = _client(app, "audit1")
    for page in ("/exports/", "/exports/words-job-0000000000000"):
        text = html_text(auditor.get(page).text)
        assert "孙立（审计）" in text and "audit1" not in text, page
        assert "2026年12月1日 – 2026年12月3日" in text and "2026-12-0" not in text, page
        assert "单位C1" in text, page
