"""Anchors of the audit chain (F-12): the head recorded with an RFC 3161 token from a TSA (here a local one,
`openssl ts -reply` behind an HTTP server on loopback), so that `casework audit verify` catches what the chain
alone cannot: the newest entries cut off, and the whole chain recomputed after an edit."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from casework.audit import tsa
from casework.audit.models import AuditAnchor, AuditEvent
from casework.domain.access import Role
from casework.domain.audit_chain import GENESIS, entry_hash
from casework.infra.db import db
from tests.factories import make_case, make_units, make_user
from tests.flow.test_audit_chain import triggers_off
from tests.tsa import LocalTsa, local_tsa


@pytest.fixture
def stamping(app: Flask, tmp_path: Path) -> Iterator[LocalTsa]:
    """The app configured with a local TSA and its CA, and a trail of 9 entries."""
    with local_tsa(tmp_path / "tsa") as authority:
        app.config.update(TSA_URL=authority.url, TSA_CA_FILE=str(authority.ca_file))
        units = make_units()  # 7 entries
        user = make_user("field1", Role.FIELD, units["S1"])  # 1 entry
        make_case(units["S1"], user)  # 1 entry
        yield authority


def _cli(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=list(args))


def _anchors(app: Flask) -> list[AuditAnchor]:
    with app.app_context():
        rows = list(db.session.scalars(select(AuditAnchor).order_by(AuditAnchor.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def _sql(app: Flask, statement: str, **params: Any) -> None:
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text(statement), params)


@contextmanager
def anchors_unguarded(app: Flask) -> Iterator[None]:
    """An attacker with database access also rewrites the anchors: their append-only guard goes first."""
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
        with db.engine.begin() as conn:
            if sqlite:
                conn.execute(text("DROP TRIGGER audit_anchor_no_update"))
            else:
                conn.execute(text("ALTER TABLE audit_anchor DISABLE TRIGGER audit_anchor_no_change"))
    try:
        yield
    finally:
        if not sqlite:
            with app.app_context(), db.engine.begin() as conn:
                conn.execute(text("ALTER TABLE audit_anchor ENABLE TRIGGER audit_anchor_no_change"))


def _rehash_from(app: Flask, first: int) -> dict[int, str]:
    """Recompute every hash from `first` on, as someone who edited an entry would: the chain links up again."""
    new: dict[int, str] = {}
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        prev = GENESIS
        rows = []
        for event in events:
            if event.seq >= first:
                digest = entry_hash(prev, event.content())
                rows.append((event.seq, prev, digest))
                new[event.seq] = digest
                prev = digest
            else:
                prev = event.hash
        db.session.rollback()
        with db.engine.begin() as conn:
            for seq, prev_hash, digest in rows:
                conn.execute(text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE seq = :s"),
                             {"p": prev_hash, "h": digest, "s": seq})
    return new


def test_an_anchor_keeps_a_token_the_tsa_signed_over_the_head(app: Flask, stamping: LocalTsa,
                                                                tmp_path: Path) -> None:
    result = _cli(app, "audit", "anchor")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("anchored seq 9 (") and "TSA time" in result.output
    [anchor] = _anchors(app)
    assert anchor.seq == 9 and anchor.reason == "periodic" and anchor.token and anchor.tsa_time
    assert len(stamping.requests) == 1
    # The token holds by itself, outside casework: openssl checks the signature and the stamped digest.
    (tmp_path / "anchor.tsr").write_bytes(anchor.token)
    digest = hashlib.sha256(tsa.message(anchor.seq, anchor.hash)).hexdigest()
    checked = subprocess.run(["openssl", "ts", "-verify", "-digest", digest, "-in", str(tmp_path / "anchor.tsr"),
                              "-CAfile", str(stamping.ca_file), "-untrusted", str(tmp_path / "tsa" / "tsa.crt")],
                             capture_output=True, text=True)
    assert checked.returncode == 0 and "Verification: OK" in checked.stdout, checked.stderr
    verified = _cli(app, "audit", "verify")
    assert verified.exit_code == 0, verified.output
    lines = verified.output.splitlines()
    assert lines[0].startswith("OK 10 entries, head ")  # the anchor is itself audited (seq 10)
    assert "1 anchors, 1 with a valid TSA token (signatures checked against TSA_CA_FILE)" in lines[1]
    assert "last anchored entry: seq 9 (periodic" in lines[1] and "TSA time" in lines[1]


def test_cutting_off_the_newest_entries_is_caught(app: Flask, stamping: LocalTsa) -> None:
    assert _cli(app, "audit", "anchor").exit_code == 0  # anchors seq 9; its audit entry is seq 10
    assert _cli(app, "audit", "verify").exit_code == 0
    with triggers_off(app):
        _sql(app, "DELETE FROM audit_event WHERE seq >= 8")
        result = _cli(app, "audit", "verify")
    assert result.exit_code == 1, result.output
    assert result.output.startswith("OK 7 entries")  # the chain alone still links up
    assert "FAILED: anchored entry seq 9" in result.output and "newest entries were removed" in result.output


def test_a_chain_recomputed_after_an_edit_is_caught(app: Flask, stamping: LocalTsa) -> None:
    assert _cli(app, "audit", "anchor").exit_code == 0
    with triggers_off(app):
        _sql(app, "UPDATE audit_event SET actor_name = 'mallory' WHERE seq = 5")
        _rehash_from(app, 5)
        result = _cli(app, "audit", "verify")
    assert result.exit_code == 1, result.output
    assert result.output.startswith("OK 10 entries")  # every link and hash holds again
    assert "FAILED: entry seq 9 does not match its anchor" in result.output and "rewritten" in result.output


def test_rewriting_the_anchors_too_is_caught_by_the_tsa_token(app: Flask, stamping: LocalTsa) -> None:
    assert _cli(app, "audit", "anchor").exit_code == 0
    with triggers_off(app), anchors_unguarded(app):
        _sql(app, "UPDATE audit_event SET actor_name = 'mallory' WHERE seq = 5")
        new = _rehash_from(app, 5)
        _sql(app, "UPDATE audit_anchor SET hash = :h WHERE seq = 9", h=new[9])
        result = _cli(app, "audit", "verify")
    assert result.exit_code == 1, result.output
    assert "FAILED: the TSA token of the anchor of seq 9" in result.output
    assert "stamps another head" in result.output


def test_a_token_from_another_tsa_does_not_verify(app: Flask, stamping: LocalTsa, tmp_path: Path) -> None:
    assert _cli(app, "audit", "anchor").exit_code == 0
    with local_tsa(tmp_path / "other") as other:  # a CA that never certified our TSA
        app.config["TSA_CA_FILE"] = str(other.ca_file)
        result = _cli(app, "audit", "verify")
    assert result.exit_code == 1 and "signature does not verify" in result.output


def test_without_a_tsa_anchors_are_hash_and_time_and_still_catch_truncation(app: Flask) -> None:
    units = make_units()
    make_case(units["S1"], make_user("field1", Role.FIELD, units["S1"]))
    result = _cli(app, "audit", "anchor")
    assert result.exit_code == 0 and "hash and local time only" in result.output
    [anchor] = _anchors(app)
    assert anchor.token is None and anchor.tsa_url is None and anchor.tsa_error is None
    assert "last anchored entry: seq 9 (periodic" in _cli(app, "audit", "verify").output
    assert "no TSA token" in _cli(app, "audit", "verify").output
    with triggers_off(app):
        _sql(app, "DELETE FROM audit_event WHERE seq >= 9")
        result = _cli(app, "audit", "verify")
    assert result.exit_code == 1 and "anchored entry seq 9" in result.output


def test_an_unreachable_tsa_still_anchors_the_hash_and_says_so(app: Flask) -> None:
    units = make_units()
    make_user("field1", Role.FIELD, units["S1"])
    app.config["TSA_URL"] = "http://127.0.0.1:9/tsr"  # discard port: nothing listens
    result = _cli(app, "audit", "anchor")
    assert result.exit_code == 1 and "WITHOUT a token" in result.output
    [anchor] = _anchors(app)
    assert anchor.token is None and anchor.tsa_error and "not reachable" in anchor.tsa_error


def test_anchors_cannot_be_edited_or_deleted(app: Flask) -> None:
    make_units()
    assert _cli(app, "audit", "anchor").exit_code == 0
    from sqlalchemy.exc import DatabaseError

    with pytest.raises(DatabaseError):
        _sql(app, "UPDATE audit_anchor SET hash = 'x'")
    with pytest.raises(DatabaseError):
        _sql(app, "DELETE FROM audit_anchor")
