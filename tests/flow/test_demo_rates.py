"""The fictional demo rate table gives amounts only on a demo instance, through every entry point (issue 15, D8).

土地管理法 第四十八条第四款: 青苗 standards "由省、自治区、直辖市制定" — an invented figure is nobody's standard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from casework.cli import main
from casework.domain.access import Role
from tests.factories import load_rule_table, make_units, make_user

#: The review's probe: 410102, 小麦, 抽穗期, no rate stated (1040.00 from the fictional table before the fix).
CROP = {"category": "crop", "event_date": "2025-05-18", "report_date": "2025-05-20",
        "facts": {"work_kind": "construction", "area_mu": "0.8", "crop": "小麦", "region": "410102",
                  "growth_stage": "抽穗期"}}


@pytest.fixture
def case_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path / "none"))
    monkeypatch.delenv("CASEWORK_DATABASE_URL", raising=False)
    monkeypatch.delenv("CASEWORK_DEMO", raising=False)
    target = tmp_path / "crop.json"
    target.write_text(json.dumps(CROP, ensure_ascii=False), encoding="utf-8")
    return target


def test_cli_on_a_production_instance_never_prints_the_fictional_amount(case_file: Path) -> None:
    result = CliRunner().invoke(main, ["assess", str(case_file)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["outcome"], out["amount"], out["missing_facts"]) == ("insufficient_facts", None,
                                                                      ["facts.local_rate_per_mu"])
    assert "1040.00" not in result.stdout
    assert any("没有已公布的当地补偿标准" in line for line in out["explanation"])


def test_cli_on_a_demo_instance_gives_the_fictional_amount_said_to_be_invented(case_file: Path,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEWORK_DEMO", "1")
    out = json.loads(CliRunner().invoke(main, ["assess", str(case_file)]).stdout)
    assert (out["outcome"], out["amount"]) == ("liable", "1040.00")
    assert "unverified_parameter" in out["flags"]
    assert any("虚构" in line for line in out["explanation"])


def _api_assess(app: Flask) -> dict[str, object]:
    load_rule_table()
    make_user("robot", Role.LEGAL, make_units()["C1"])
    secret = app.test_cli_runner().invoke(args=["tokens", "create", "--user", "robot", "--name", "95598"]).output.strip()
    response = app.test_client().post("/api/v1/assess", json=CROP, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    body: dict[str, object] = response.get_json()
    return body


def test_api_on_a_production_instance_refuses_the_fictional_rate(app: Flask) -> None:
    assert not app.config["DEMO"]
    assert _api_assess(app)["outcome"] == "insufficient_facts"


def test_casework_demo_makes_the_instance_a_demo_one(app: Flask) -> None:
    done = app.test_cli_runner().invoke(args=["demo"])
    assert done.exit_code == 0, done.output
    assert app.config["DEMO"] is True
    config = Path(app.instance_path) / "config.py"
    assert "DEMO = True" in config.read_text(encoding="utf-8")
    body = _api_assess(app)
    assert (body["outcome"], body["amount"]) == ("liable", "1040.00")  # the API now answers as a demo


def test_cli_reads_the_demo_mark_that_casework_demo_writes(case_file: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    instance = tmp_path / "demo-instance"
    instance.mkdir()
    (instance / "config.py").write_text("DEMO = True\n", encoding="utf-8")
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(instance))
    out = json.loads(CliRunner().invoke(main, ["assess", str(case_file)]).stdout)
    assert (out["outcome"], out["amount"]) == ("liable", "1040.00")
    (instance / "config.py").write_text("DEMO = False\n", encoding="utf-8")
    out = json.loads(CliRunner().invoke(main, ["assess", str(case_file)]).stdout)
    assert out["outcome"] == "insufficient_facts"
