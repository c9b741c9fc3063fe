"""The retention schedule on real data (RELIABILITY P4): a case that ended longer ago than a class's period has
that class anonymised or deleted — audited, once, with legal holds respected — while the case stays countable and
its sealed record provable (an export taken before still verifies against the database, the chain verifies)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Text, func, select, type_coerce

from casework.audit.models import AuditEvent
from casework.audit.service import verify
from casework.cases.models import Case, CaseSearch
from casework.cases.retention import PERIOD_KEYS, LegalHold, Policy, RetentionAction, RetiredFile, due, hold
from casework.cases.search import matching_ids
from casework.cli import main
from casework.decision.models import CaseDocument, Proposal
from casework.domain.access import SYSTEM, Role
from casework.domain.lifecycle import Event, State
from casework.dossier.models import DossierVersion
from casework.evidence.fixity import verify as fixity
from casework.evidence.models import Evidence
from casework.export.retention import run
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.storage import store_of
from tests import samples
from tests.conftest import csrf_from
from tests.factories import ctx, make_case, make_user
from tests.uploads import upload
from tests.web.test_decision import SETTLE, _client, _post, ready, world  # noqa: F401 - the shared fixture

YEARS_30 = 10958
ID_NUMBER, PHONE, ACCOUNT = "11010519491231002X", "13812345678", "6222020200112233445"


def _policy(**days: int) -> Policy:
    return Policy.from_config({PERIOD_KEYS[name]: value for name, value in days.items()})


def _closed_settlement(app: Flask, people: dict[str, Any]) -> str:
    """A claim settled, paid and closed through the pages: evidence, a letter, a sealed dossier."""
    number = ready(people, claimant_name="王芳", claimant_phone=PHONE, claimant_id_number=ID_NUMBER,
                   claimant_bank_account=ACCOUNT, description="王芳家的冰箱在雷雨后烧坏")
    legal = _client(app, "legal1")
    assert upload(legal, number, [("王芳家冰箱.jpg", samples.jpeg())], "appliance_photos").status_code == 303
    assert _post(legal, number, "propose", amount="1800", **SETTLE).status_code == 303
    assert _post(legal, number, "letter").status_code == 303
    assert _post(_client(app, "legal2"), number, "decide", approve="1", comment="同意").status_code == 303
    assert _post(legal, number, "payment", pay_amount="1800", paid_on="2026-11-20", voucher="PZ-001").status_code == 303
    token = csrf_from(legal.get(f"/cases/{number}").text)
    assert legal.post(f"/cases/{number}/events/close", data={"csrf_token": token, "confirm": "1"}).status_code == 303
    return number


def _withdraw(number: str, *, ago_days: int = 0) -> None:
    with ctx(), unit_of_work() as session:
        from casework.auth.models import User
        from casework.cases.workflow import fire

        case = session.scalar(select(Case).where(Case.number == number))
        field = session.scalar(select(User).where(User.username == "field1"))
        assert case is not None and field is not None
        fire(session, field.actor(), case, Event.WITHDRAW, now=utcnow() - timedelta(days=ago_days),
             targets={}, reason="索赔人撤回")


def _case(number: str) -> Case:
    with ctx():
        case = db.session.scalar(select(Case).where(Case.number == number))
        assert case is not None
        db.session.expunge(case)
        return case


def test_past_every_period_the_case_is_anonymised_and_its_files_go_but_it_stays_countable_and_provable(
        app: Flask, world: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811
    number = _closed_settlement(app, world)
    make_user("audit1", Role.AUDITOR, world["units"]["P"])
    assert _case(number).state == State.CLOSED
    bundles = tmp_path / "archive"
    exported = app.test_cli_runner().invoke(args=["export", "--out", str(bundles), "--user", "audit1"])
    assert exported.exit_code == 0, exported.output
    with ctx():
        shas = {model.__name__: [row.sha256 for row in db.session.scalars(select(model))]
                for model in (Evidence, CaseDocument, DossierVersion)}
        store = store_of(app)
        assert all(store.exists(s) for rows in shas.values() for s in rows) and len(shas["DossierVersion"]) == 1
        before = db.session.execute(select(Case.category, Case.unit_id, Case.state, Case.claimed_amount,
                                           Case.assessment_outcome, Case.assessment_amount, Case.event_on,
                                           Case.reported_on).where(Case.number == number)).one()
        assert db.session.scalars(select(Case.number).where(matching_ids(db.session(), PHONE))).all() == [number]

        policy = _policy(identifiers=YEARS_30, bank_accounts=YEARS_30, evidence=YEARS_30)
        assert due(db.session(), policy, now=utcnow() + timedelta(days=YEARS_30 - 1)) == []  # not yet
        later = utcnow() + timedelta(days=YEARS_30 + 1)
        report = run(unit_of_work, db.session(), policy, store, now=later)
        assert sorted(item.data_class for item, _ in report.done) == ["bank_accounts", "evidence", "identifiers"]
        assert report.files_deleted == sum(len(rows) for rows in shas.values())

        case = db.session.scalar(select(Case).where(Case.number == number))
        assert case is not None
        assert case.claimant_name == "***" and case.claimant_id_number is None and case.claimant_phone is None
        assert case.claimant_bank_account is None and case.claimant_address is None and case.description is None
        assert (case.claimant_id_digest, case.claimant_phone_digest, case.address, case.gps_lat) == (None,) * 4
        assert db.session.execute(select(Case.category, Case.unit_id, Case.state, Case.claimed_amount,
                                         Case.assessment_outcome, Case.assessment_amount, Case.event_on,
                                         Case.reported_on).where(Case.number == number)).one() == before  # countable
        proposal = db.session.scalar(select(Proposal))
        assert proposal is not None and proposal.bank_account is None and proposal.payee == "***"
        assert proposal.amount == Decimal("1800.00")
        grams = db.session.scalar(select(CaseSearch.grams).where(CaseSearch.case_id == case.id)) or ""
        assert "王芳" not in grams.replace(" ", "") and "tel" not in grams and "id" not in grams
        assert db.session.scalars(select(Case.number).where(matching_ids(db.session(), PHONE))).all() == []
        assert db.session.scalars(select(Case.number).where(matching_ids(db.session(), "王芳"))).all() == []
        # Nothing of the claimant is left in the database in clear, nor in any ciphertext.
        raw = " ".join(str(v) for v in db.session.execute(select(
            type_coerce(Case.claimant_id_number, Text), type_coerce(Case.claimant_phone, Text),
            type_coerce(Case.claimant_bank_account, Text))).one() if v is not None)
        assert raw == ""

        # The files are gone, their rows and hashes stay; fixity does not call them missing.
        assert not any(store.exists(s) for rows in shas.values() for s in rows)
        assert [row.sha256 for row in db.session.scalars(select(Evidence))] == shas["Evidence"]
        assert set(db.session.scalars(select(RetiredFile.sha256))) == {s for rows in shas.values() for s in rows}
        assert fixity(db.session(), store).ok
        # Audited, once per class; the trail is whole and never held the full identifiers.
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("retention.%"))).all()
        assert sorted(actions) == ["retention.bank_accounts", "retention.evidence", "retention.identifiers"]
        assert verify(db.session()).ok
        trail = " ".join(str((e.before, e.after)) for e in db.session.scalars(select(AuditEvent)))
        assert ID_NUMBER not in trail and PHONE not in trail and ACCOUNT not in trail
        again = run(unit_of_work, db.session(), policy, store, now=later + timedelta(days=1))
        assert again.done == [] and again.files_deleted == 0  # done once
        db.session.remove()

    # The record stays provable: the bundle exported before still matches what the system holds.
    against = app.test_cli_runner().invoke(main, ["verify", "--against-db", str(bundles)])
    assert against.exit_code == 0, against.output
    legal = _client(app, "legal1")
    page = legal.get(f"/cases/{number}/decision").text
    document = re.search(rf'/cases/{number}/documents/(\d+)', page)
    assert document
    gone = legal.get(document.group(0))
    assert gone.status_code == 410 and "保存期限" in gone.text  # said, not a bare 404
    assert legal.get(f"/cases/{number}/dossier/1").status_code == 410
    nightly = app.test_cli_runner().invoke(args=["export", "--out", str(tmp_path / "again"), "--user", "audit1"])
    assert nightly.exit_code == 1 and "1 cases left out" in nightly.output  # nothing left to bundle, said plainly


def test_each_class_keeps_its_own_period_and_a_held_case_is_left_alone(app: Flask,
                                                                       world: dict[str, Any]) -> None:  # noqa: F811
    numbers = [make_case(world["units"]["S1"], world["field"]).number for _ in range(3)]
    for number in numbers[:2]:
        _withdraw(number)
    with ctx():
        with unit_of_work() as session:
            held = session.scalar(select(Case).where(Case.number == numbers[1]))
            assert held is not None
            hold(session, SYSTEM, held, "诉讼中，法院要求保全全部材料", now=utcnow())
        policy = _policy(identifiers=3650, bank_accounts=365)  # evidence and audit: forever
        in_two_years = utcnow() + timedelta(days=730)
        report = run(unit_of_work, db.session(), policy, store_of(app), now=in_two_years)
        assert [(item.number, item.data_class) for item, _ in report.done] == [(numbers[0], "bank_accounts")]
        first = db.session.scalar(select(Case).where(Case.number == numbers[0]))
        assert first is not None and first.claimant_bank_account is None and first.claimant_phone == PHONE
        assert db.session.scalar(select(func.count()).select_from(LegalHold)) == 1
        held = db.session.scalar(select(Case).where(Case.number == numbers[1]))
        open_one = db.session.scalar(select(Case).where(Case.number == numbers[2]))
        assert held is not None and held.claimant_bank_account == ACCOUNT  # held
        assert open_one is not None and open_one.claimant_bank_account == ACCOUNT  # never ended
        in_eleven = utcnow() + timedelta(days=4015)
        assert [(i.number, i.data_class) for i in due(db.session(), policy, now=in_eleven)] == [
            (numbers[0], "identifiers")]
        assert db.session.scalar(select(func.count()).select_from(RetentionAction)) == 1
        db.session.remove()


def test_a_reopened_case_has_not_ended(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    number = make_case(world["units"]["S1"], world["field"]).number
    _withdraw(number, ago_days=4000)
    with ctx():
        policy = _policy(identifiers=3650)
        assert [i.number for i in due(db.session(), policy, now=utcnow())] == [number]
        with unit_of_work() as session:
            from casework.auth.models import User
            from casework.cases.workflow import fire

            case = session.scalar(select(Case).where(Case.number == number))
            legal = session.scalar(select(User).where(User.username == "legal1"))
            assert case is not None and legal is not None
            fire(session, legal.actor(), case, Event.REOPEN, now=utcnow(), targets={}, reason="索赔人提供新证据")
        assert due(db.session(), policy, now=utcnow() + timedelta(days=3000)) == []
        db.session.remove()


def test_the_command_runs_the_schedule_and_manages_holds(app: Flask, world: dict[str, Any],  # noqa: F811
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    old, held = (make_case(world["units"]["S1"], world["field"]).number for _ in range(2))
    for number in (old, held):
        _withdraw(number, ago_days=YEARS_30 + 10)  # withdrawn 30 years ago (the services take `now`)
    cli = app.test_cli_runner()
    assert cli.invoke(args=["retention", "hold", held, "--reason", "纪检调查"]).output.strip() == f"{held}: held"
    dry = cli.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"due: {old} identifiers" in dry.output and held not in dry.output
    assert _case(old).claimant_phone == PHONE  # a dry run changes nothing
    done = cli.invoke(args=["retention", "run"])
    assert done.exit_code == 0 and f"done: {old} identifiers" in done.output and "3 case data classes were" in done.output
    assert _case(old).claimant_name == "***" and _case(held).claimant_name == "张三"
    assert cli.invoke(args=["retention", "release", held, "--reason", "调查结束"]).exit_code == 0
    assert f"done: {held} identifiers" in cli.invoke(args=["retention", "run"]).output
    assert cli.invoke(args=["retention", "release", held, "--reason", "x"]).exit_code == 1
    monkeypatch.setitem(app.config, "RETENTION_AUDIT_DAYS", 30)  # below the legal minimum of six months
    refused = cli.invoke(args=["retention", "run"])
    assert refused.exit_code == 1 and "at least 183" in refused.output
    with ctx():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("retention.%"))
                                     .order_by(AuditEvent.seq)).all()
    assert actions[:1] == ["retention.hold"] and "retention.release" in actions
    assert actions.count("retention.identifiers") == 2
