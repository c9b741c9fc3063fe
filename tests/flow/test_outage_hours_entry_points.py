"""A zero or negative outage is invalid input at every entry point (issue 15, defect 6): the CLI exits 2 and the
API answers 422, each naming `facts.outage_hours` — 供电营业规则 2024 第九十七条（三） "停电时间不足一小时按照一小时
计算" rounds up an outage that happened; it does not create one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from casework.cli import main
from casework.domain.access import Role
from tests.domain.casefactory import make
from tests.factories import load_rule_table, make_units, make_user


@pytest.mark.parametrize("hours", ["0", "-1.5"])
def test_cli_refuses_a_zero_or_negative_outage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hours: str) -> None:
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path / "none"))
    monkeypatch.delenv("CASEWORK_DATABASE_URL", raising=False)
    case = make("outage", facts={"outage_hours": hours})
    result = CliRunner().invoke(main, ["assess", "-"], input=json.dumps(case, ensure_ascii=False))
    assert result.exit_code == 2 and result.stdout == ""
    assert "facts.outage_hours" in result.stderr


def test_api_refuses_a_zero_hour_outage_with_422(app: Flask) -> None:
    load_rule_table()
    make_user("robot", Role.LEGAL, make_units()["C1"])
    created = app.test_cli_runner().invoke(args=["tokens", "create", "--user", "robot", "--name", "95598"])
    response = app.test_client().post("/api/v1/assess", json=make("outage", facts={"outage_hours": 0}),
                                      headers={"Authorization": f"Bearer {created.output.strip()}"})
    assert response.status_code == 422
    assert [e["path"] for e in response.get_json()["errors"]] == ["case.facts.outage_hours"]
