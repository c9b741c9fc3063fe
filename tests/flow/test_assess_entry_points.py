"""The assessment contract's entry points: `casework assess` and POST /api/v1/assess answer every example."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from casework.cli import main
from casework.domain.access import Role
from tests.domain.casefactory import check_expected, example_files, load
from tests.factories import load_rule_table, make_units, make_user

EXAMPLES = example_files()

#: Dates that cannot all be true (issue 15, D7), each with the error the contract names it by.
OUT_OF_ORDER = [
    ("report_before_event", {"report_date": "2025-07-01"}, None,
     "report_date", "before {p}event_date (2025-07-01 < 2025-07-20)"),
    ("knew_before_event", {"knew_date": "2025-07-19"}, None,
     "knew_date", "before {p}event_date (2025-07-19 < 2025-07-20)"),
    ("bought_after_event", {}, "2025-07-21",
     "facts.appliances[0].purchase_date", "after {p}event_date (2025-07-21 > 2025-07-20)"),
]


def _out_of_order(top: dict[str, str], bought: str | None) -> dict[str, object]:
    case = json.loads(json.dumps(load(EXAMPLES[0])["case"]))  # appliance-depreciated: damage on 2025-07-20
    assert case["event_date"] == "2025-07-20"
    case.update(top)
    if bought:
        case["facts"]["appliances"][0]["purchase_date"] = bought
    return case


@pytest.fixture
def bare_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh install: no instance config, no database — the bundled table answers."""
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path / "none"))
    monkeypatch.delenv("CASEWORK_DATABASE_URL", raising=False)
    return tmp_path


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_cli_answers_each_example(bare_instance: Path, path: Path) -> None:
    example = load(path)
    case_file = bare_instance / "case.json"
    case_file.write_text(json.dumps(example["case"], ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["assess", str(case_file)])
    assert result.exit_code == 0, result.output
    check_expected(json.loads(result.stdout), example["expected"])


def test_cli_reads_an_array_from_stdin_and_keeps_the_order(bare_instance: Path) -> None:
    cases = [load(p)["case"] for p in EXAMPLES]
    result = CliRunner().invoke(main, ["assess", "-", "--pretty"], input=json.dumps(cases, ensure_ascii=False))
    assert result.exit_code == 0
    assert result.stdout.startswith("[\n")
    for output, path in zip(json.loads(result.stdout), EXAMPLES, strict=True):
        check_expected(output, load(path)["expected"])


def test_installed_console_script_works_with_no_server(bare_instance: Path) -> None:
    example = load(EXAMPLES[0])
    script = Path(sys.executable).parent / "casework"
    done = subprocess.run([str(script), "assess", "-"], input=json.dumps(example["case"]).encode(),  # noqa: S603
                          capture_output=True, env={**os.environ}, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode()
    check_expected(json.loads(done.stdout), example["expected"])


def test_cli_names_each_bad_field_with_its_path_and_prints_nothing(bare_instance: Path) -> None:
    good = load(EXAMPLES[0])["case"]
    bad = json.loads(json.dumps(good))
    bad["event_date"] = "2025-02-30"
    bad["category"] = "meteor"
    result = CliRunner().invoke(main, ["assess", "-"], input=json.dumps([good, good, good, bad]))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "cases[3].event_date" in result.stderr and "cases[3].category" in result.stderr
    assert "cases[0]" not in result.stderr
    broken = CliRunner().invoke(main, ["assess", "-"], input="{not json")
    assert broken.exit_code == 2 and broken.stdout == ""


@pytest.mark.parametrize(("name", "top", "bought", "field", "message"), OUT_OF_ORDER, ids=[o[0] for o in OUT_OF_ORDER])
def test_cli_refuses_dates_out_of_order_naming_both(bare_instance: Path, name: str, top: dict[str, str],
                                                    bought: str | None, field: str, message: str) -> None:
    """The CLI, the API and the intake form refuse the same impossible dates (the form: tests/web/test_intake.py)."""
    from casework.domain.contract import date_or_none
    from casework.domain.plausibility import implausible_dates

    case = _out_of_order(top, bought)
    result = CliRunner().invoke(main, ["assess", "-"], input=json.dumps([load(EXAMPLES[0])["case"], case]))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip() == f"cases[1].{field}: {message.format(p='cases[1].')}"
    single = CliRunner().invoke(main, ["assess", "-"], input=json.dumps(case))
    assert single.exit_code == 2 and single.stdout == ""
    assert single.stderr.strip() == f"case.{field}: {message.format(p='case.')}"
    # The form's rule is the same function the contract applies: it finds the same date.
    found = implausible_dates(date_or_none(case["event_date"]), report=date_or_none(case["report_date"]),
                              knew=date_or_none(case.get("knew_date")),
                              purchases=[date_or_none(a["purchase_date"]) for a in case["facts"]["appliances"]])
    assert [f.code for f in found] == [name]


def test_cli_uses_the_initialised_instance_table(app: Flask, monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    """With an instance database the CLI reads the table in force there, not the bundled file."""
    from casework.domain.access import SYSTEM
    from casework.infra.db import db, unit_of_work, utcnow
    from casework.ruletable.store import create_draft, decide, in_force, submit

    load_rule_table()
    head = make_user("head1", Role.LEGAL_HEAD, make_units()["P"])
    with app.app_context():
        with unit_of_work() as session:
            base = in_force(session)
            data = json.loads(json.dumps(base.data))  # type: ignore[union-attr]
            draft = create_draft(session, SYSTEM, base=base, version="2099.1", summary="测试", now=utcnow(),  # type: ignore[arg-type]
                                 data=data)
            submit(session, SYSTEM, draft, now=utcnow())
            decide(session, session.merge(head).actor(), draft, approve=True, comment="", now=utcnow())
        db.engine.dispose()
    instance = Path(os.environ["CASEWORK_INSTANCE_PATH"])
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.py").write_text(f"SECRET_KEY = {'k' * 40!r}\nPII_KEY = {app.config['PII_KEY']!r}\n")
    monkeypatch.setenv("CASEWORK_DATABASE_URL", db_url)
    result = CliRunner().invoke(main, ["assess", "-"], input=json.dumps(load(EXAMPLES[0])["case"]))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rule_table_version"] == "2099.1"


@pytest.fixture
def api(app: Flask) -> tuple[Flask, str]:
    load_rule_table()
    make_user("robot", Role.LEGAL, make_units()["C1"])
    created = app.test_cli_runner().invoke(args=["tokens", "create", "--user", "robot", "--name", "95598"])
    assert created.exit_code == 0, created.output
    return app, created.output.strip()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_api_answers_each_example(api: tuple[Flask, str], path: Path) -> None:
    app, secret = api
    example = load(path)
    response = app.test_client().post("/api/v1/assess", json=example["case"],
                                      headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    check_expected(response.get_json(), example["expected"])


def test_api_refuses_missing_unknown_and_revoked_tokens(api: tuple[Flask, str]) -> None:
    app, secret = api
    client = app.test_client()
    case = load(EXAMPLES[0])["case"]
    assert client.post("/api/v1/assess", json=case).status_code == 401
    assert client.post("/api/v1/assess", json=case, headers={"Authorization": "Bearer cwk_guess"}).status_code == 401
    app.test_cli_runner().invoke(args=["tokens", "revoke", secret[:10]])
    response = client.post("/api/v1/assess", json=case, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401 and "errors" in response.get_json()


def test_api_reports_invalid_input_as_422_with_paths(api: tuple[Flask, str]) -> None:
    app, secret = api
    good = load(EXAMPLES[0])["case"]
    bad = json.loads(json.dumps(good))
    bad["facts"]["appliances"] = [{"name": "冰箱", "class": "motor", "price": 12.5}]
    headers = {"Authorization": f"Bearer {secret}"}
    response = app.test_client().post("/api/v1/assess", json=[good, bad], headers=headers)
    assert response.status_code == 422
    paths = [e["path"] for e in response.get_json()["errors"]]
    assert "cases[1].facts.appliances[0].price" in paths and not any(p.startswith("cases[0]") for p in paths)
    garbage = app.test_client().post("/api/v1/assess", data=b"\xff{", headers=headers)
    assert garbage.status_code == 422


@pytest.mark.parametrize(("name", "top", "bought", "field", "message"), OUT_OF_ORDER, ids=[o[0] for o in OUT_OF_ORDER])
def test_api_refuses_dates_out_of_order_as_422_naming_both(api: tuple[Flask, str], name: str, top: dict[str, str],
                                                           bought: str | None, field: str, message: str) -> None:
    app, secret = api
    response = app.test_client().post("/api/v1/assess", json=_out_of_order(top, bought),
                                      headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422
    assert response.get_json() == {"errors": [{"path": f"case.{field}", "message": message.format(p="case.")}]}


def test_api_errors_are_json(api: tuple[Flask, str]) -> None:
    app, secret = api
    client = app.test_client()
    assert client.get("/api/v1/assess").get_json()["errors"]  # 405 as JSON
    assert client.post("/api/v1/nothing", headers={"Authorization": f"Bearer {secret}"}).get_json()["errors"]


# -- one result everywhere: the CLI, the API and the case's check page (issue 15) ------------------------------

#: The examples, and a claim decided without a fact no value of which changes it (D5): the same on every route.
LATER_ACQUIRER = {"category": "land_tower", "event_date": "2025-01-10", "report_date": "2025-02-01",
                  "facts": {"claim_kind": "unpaid_one_time", "facility_built_date": "2015-05-01",
                            "claimant_acquired_date": "2016-01-01", "one_time_compensation_paid": None,
                            "local_compensation": "3000.00"}}
ONE_RESULT = [(p.stem, load(p)["case"]) for p in EXAMPLES] + [("later-acquirer", LATER_ACQUIRER)]


def _essentials(result: dict[str, object]) -> tuple[object, ...]:
    return result["outcome"], result["amount"], result["citations"], result["flags"], result["missing_facts"]


@pytest.mark.parametrize(("name", "case"), ONE_RESULT, ids=[n for n, _ in ONE_RESULT])
def test_cli_api_and_the_check_page_give_one_result(api: tuple[Flask, str], monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path, name: str, case: dict[str, object]) -> None:
    from datetime import date
    from decimal import Decimal

    from casework.domain.money import format_yuan
    from casework.domain.rules import words
    from casework.ui.labels import OUTCOME
    from tests.factories import login, make_case, token

    app, secret = api
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path / "none"))  # the CLI: a fresh install's table
    monkeypatch.delenv("CASEWORK_DATABASE_URL", raising=False)
    cli = CliRunner().invoke(main, ["assess", "-"], input=json.dumps(case, ensure_ascii=False))
    assert cli.exit_code == 0, cli.output
    by_cli = json.loads(cli.stdout)
    by_api = app.test_client().post("/api/v1/assess", json=case, headers={"Authorization": f"Bearer {secret}"})
    assert by_api.status_code == 200
    assert _essentials(by_api.get_json()) == _essentials(by_cli)
    assert by_api.get_json()["explanation"] == by_cli["explanation"]

    top = {k: v for k, v in case.items() if k not in ("category", "facts", "event_date", "report_date",
                                                        "claimed_amount")}
    from casework.auth.models import Unit
    from tests.factories import load as load_row

    station = load_row(Unit, code="S1")
    assert station is not None
    legal = make_user("legal-one", Role.LEGAL, station)
    claimed = case.get("claimed_amount")
    stored = make_case(station, legal, category=case["category"], facts=case["facts"], circumstances=top,
                       event_on=date.fromisoformat(str(case["event_date"])),
                       reported_on=date.fromisoformat(str(case["report_date"])),
                       claimed_amount=Decimal(str(claimed)) if claimed else None)
    client = app.test_client()
    login(client, "legal-one")
    page = client.post(f"/cases/{stored.number}/check", data={"csrf_token": token(client)}, follow_redirects=True)
    assert page.status_code == 200
    with app.app_context():
        from casework.infra.db import db
        from casework.rulecheck.service import latest_assessment

        snapshot = latest_assessment(db.session(), stored.id)
        assert snapshot is not None
        assert _essentials(snapshot.result) == _essentials(by_cli)
    text = page.text
    assert str(OUTCOME[by_cli["outcome"]]) in text  # the outcome in words
    if by_cli["amount"] is not None and by_cli["outcome"] == "liable":
        assert format_yuan(by_cli["amount"]) in text
    for citation in by_cli["citations"]:
        said = words.citation(citation["instrument"], citation.get("version"), [citation["article"]])
        assert said.zh in text or citation["article"] in text, said.zh
