"""PII key rotation: old keys decrypt, the newest encrypts, `casework pii rotate` re-encrypts everything (resumably,
audited), and phone and ID look-ups keep working throughout because their digests have a key of their own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken
from flask import Flask
from sqlalchemy import Text, select, type_coerce, update

from casework import create_app
from casework.audit.service import verify
from casework.cases.models import Case
from casework.cases.search import matching_ids
from casework.cli import _pin_search_key, _write_instance_config
from casework.config import instance_config
from casework.decision.models import Proposal
from casework.domain.access import Role
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.pii import cipher, key_id, legacy_search_key, new_key
from tests.conftest import PII_KEY, base_config
from tests.factories import make_case, make_units, make_user

OLD, NEW = PII_KEY, new_key()
PHONE, ID_NUMBER, ACCOUNT = "13812345678", "11010519491231002X", "6222020200112233445"
ENCRYPTED = (Case.claimant_id_number, Case.claimant_phone, Case.claimant_bank_account)


@pytest.fixture
def cases(app: Flask) -> list[str]:
    """Cases written by an instance that has only ever had one key and no SEARCH_KEY (as every instance had)."""
    units = make_units()
    field = make_user("field1", Role.FIELD, units["S1"])
    numbers = [make_case(units["S1"], field, claimant_phone=PHONE if i == 0 else f"1390000{i:04d}",
                         claimant_id_number=ID_NUMBER if i == 0 else None).number for i in range(5)]
    with app.app_context(), unit_of_work() as session:
        first = session.scalar(select(Case).where(Case.number == numbers[0]))
        assert first is not None
        session.add(Proposal(case_id=first.id, kind="settle", status="open", proposed_by_id=field.id,
                             proposed_at=utcnow(), bank_account=ACCOUNT, needs_role="legal"))
        # A value from before key ids: a bare Fernet token, as the column held it until now.
        session.execute(update(Case).where(Case.number == numbers[1]).values(
            {Case.claimant_phone: type_coerce(Fernet(OLD.encode()).encrypt(b"13900000001").decode(), Text)}))
    return numbers


@contextmanager
def instance(db_url: str, **config: Any) -> Iterator[Flask]:
    app = create_app({**base_config(db_url), **config})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _raw() -> list[str]:
    """Every stored ciphertext, as the database holds it."""
    values = []
    for column in (*ENCRYPTED, Proposal.bank_account):
        values += [v for v in db.session.scalars(select(type_coerce(column, Text))) if v is not None]
    return values


def _found(q: str) -> list[str]:
    return list(db.session.scalars(select(Case.number).where(matching_ids(db.session(), q)).order_by(Case.number)))


def test_rotation_keeps_every_value_and_every_look_up(app: Flask, db_url: str, cases: list[str]) -> None:
    pinned = legacy_search_key(OLD)  # what `casework init` writes for this instance (test below)
    with instance(db_url, PII_KEYS=[NEW, OLD], SEARCH_KEY=pinned) as rotating:
        # Before rotation: old-key ciphertexts (with and without a key id) still decrypt …
        case = db.session.scalar(select(Case).where(Case.number == cases[0]))
        assert case is not None
        assert (case.claimant_phone, case.claimant_id_number, case.claimant_bank_account) == (PHONE, ID_NUMBER, ACCOUNT)
        legacy = db.session.scalar(select(Case.claimant_phone).where(Case.number == cases[1]))
        assert legacy == "13900000001"
        # … and the look-ups made under the old key find them.
        assert _found(PHONE) == [cases[0]] and _found("002X") == [cases[0]] and _found(ID_NUMBER) == [cases[0]]
        versions = dict(db.session.execute(select(Case.number, Case.version)).all())
        db.session.rollback()

        result = rotating.test_cli_runner().invoke(args=["pii", "rotate", "--batch", "2"])
        assert result.exit_code == 0, result.output
        assert f"re-encrypted with key {key_id(NEW)}" in result.output

        raw = _raw()
        assert len(raw) == 5 + 1 + 5 + 1  # phones, the ID number, bank accounts, the proposal's account
        assert all(v.startswith(key_id(NEW) + ":") for v in raw)  # nothing left under the old key
        for value in raw:
            with pytest.raises(InvalidToken):
                Fernet(OLD.encode()).decrypt(value.partition(":")[2].encode())
        assert dict(db.session.execute(select(Case.number, Case.version)).all()) == versions  # not an edit
        assert rotating.test_cli_runner().invoke(args=["pii", "status"]).exit_code == 0
        again = rotating.test_cli_runner().invoke(args=["pii", "rotate"])
        assert again.exit_code == 0 and "nothing to do" in again.output
        report = verify(db.session())
        assert report.ok
        db.session.rollback()

    with instance(db_url, PII_KEYS=[NEW], SEARCH_KEY=pinned):  # the old key retired
        case = db.session.scalar(select(Case).where(Case.number == cases[0]))
        assert case is not None and case.claimant_bank_account == ACCOUNT
        assert _found(PHONE) == [cases[0]] and _found("002X") == [cases[0]] and _found("5678") == [cases[0]]
        assert _found("13900000001") == [cases[1]]
        new_case = make_case_here(cases)  # written now: the newest key, the same digests
        assert _found("13700000000") == [new_case]

    # The database now records the newest key: an instance still on the old one, or with another search key,
    # refuses to start instead of writing what the others cannot read (issue 17).
    with pytest.raises(RuntimeError, match=f"written with PII key {key_id(NEW)}, which this instance does not have"):
        create_app({**base_config(db_url), "PII_KEYS": [OLD], "SEARCH_KEY": pinned})
    with pytest.raises(RuntimeError, match="search key"):
        create_app({**base_config(db_url), "PII_KEYS": [NEW], "SEARCH_KEY": "ab" * 32})


def make_case_here(cases: list[str]) -> str:
    from casework.auth.models import Unit, User
    from casework.cases.service import open_case

    with unit_of_work() as session:
        unit = session.scalar(select(Unit).where(Unit.code == "S1"))
        user = session.scalar(select(User).where(User.username == "field1"))
        assert unit is not None and user is not None
        return open_case(session, user.actor(), category="crop", unit=unit, claimant_name="李四", now=utcnow(),
                         claimant_phone="13700000000").number


def test_a_stopped_rotation_keeps_what_it_did_and_the_next_run_finishes(app: Flask, db_url: str,
                                                                         cases: list[str]) -> None:
    stranger = new_key()  # one value under a key this instance was not given
    with app.app_context(), unit_of_work() as session:
        session.execute(update(Case).where(Case.number == cases[3]).values(
            {Case.claimant_phone: type_coerce(f"{key_id(stranger)}:" + Fernet(stranger.encode()).encrypt(b"1").decode(),
                                              Text)}))
    with instance(db_url, PII_KEYS=[NEW, OLD], SEARCH_KEY=legacy_search_key(OLD)) as rotating:
        stopped = rotating.test_cli_runner().invoke(args=["pii", "rotate", "--batch", "1"])
        assert stopped.exit_code == 1
        assert f"PII key {key_id(stranger)}" in stopped.output and "case_record.claimant_phone" in stopped.output
        done_before = [v for v in _raw() if v.startswith(key_id(NEW))]
        assert done_before  # the batches before the bad value were committed
        status = rotating.test_cli_runner().invoke(args=["pii", "status"])
        assert status.exit_code == 1 and key_id(OLD) in status.output
        db.session.rollback()
    with instance(db_url, PII_KEYS=[NEW, OLD, stranger], SEARCH_KEY=legacy_search_key(OLD)) as rotating:
        finished = rotating.test_cli_runner().invoke(args=["pii", "rotate"])
        assert finished.exit_code == 0, finished.output
        assert all(v.startswith(key_id(NEW) + ":") for v in _raw())
        assert set(done_before) <= set(_raw())  # what the first run did was not done again
        rows = db.session.scalars(select(type_coerce(Case.claimant_phone, Text))).all()
        assert len(rows) == 5
        db.session.rollback()


def test_rotation_needs_the_search_key_pinned_first(app: Flask, db_url: str, cases: list[str]) -> None:
    with instance(db_url, PII_KEYS=[NEW, OLD]) as rotating:  # testing: the start-up check lets it through
        refused = rotating.test_cli_runner().invoke(args=["pii", "rotate"])
        assert refused.exit_code == 1 and "SEARCH_KEY is not set" in refused.output
        assert not any(v.startswith(key_id(NEW)) for v in _raw())
        db.session.rollback()


def test_production_refuses_a_key_set_without_a_search_key(db_url: str, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # An empty instance folder: a developer's own instance/config.py (after `make run`) holds a SEARCH_KEY.
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path / "instance"))
    with pytest.raises(RuntimeError, match="SEARCH_KEY"):
        create_app({"DATABASE_URL": db_url, "SECRET_KEY": "s" * 40, "PII_KEYS": f"{NEW},{OLD}"})


def test_init_writes_a_search_key_and_pins_an_old_instances_one(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    assert _write_instance_config(fresh)
    config = instance_config(str(fresh))
    assert len(config["SEARCH_KEY"]) == 64 and config["PII_KEY"]
    assert not _pin_search_key(fresh)  # it has one

    old = tmp_path / "old"
    old.mkdir()
    (old / "config.py").write_text(f"SECRET_KEY = {'k' * 40!r}\nPII_KEY = {OLD!r}")  # no newline at the end
    assert _pin_search_key(old)
    assert instance_config(str(old))["SEARCH_KEY"] == legacy_search_key(OLD)  # the digests it already has
    assert not _pin_search_key(old)
    assert instance_config(str(old))["PII_KEY"] == OLD


def test_the_digest_key_is_the_one_digests_were_made_with(app: Flask) -> None:
    with app.app_context():  # an instance with PII_KEY only: the same digest as before SEARCH_KEY existed
        import hashlib
        import hmac

        before = hmac.new(hashlib.sha256(b"casework-digest:" + OLD.encode()).digest(), PHONE.encode(),
                          hashlib.sha256).hexdigest()
        assert cipher().digest(PHONE) == before
