"""Throttle the guesser, not the owner (review F-7, RELIABILITY A4), and always hash (review F-10, A8).

Addresses are loopback addresses other than 127.0.0.1, set on the test client as the peer address.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework import create_app
from casework.auth import passwords
from casework.auth.models import LoginFailure
from casework.auth.throttle import Rules, count_failure, throttled_until
from casework.domain.access import Role
from casework.infra.db import db, unit_of_work
from tests.conftest import base_config
from tests.factories import PASSWORD, ctx, login, make_units, make_user, token

DEVICE = "__Host-casework-device"  # the default, secure-cookie configuration


def _from(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _logged_in_before(app: Flask, username: str, address: str = "127.0.0.1") -> FlaskClient:
    """The owner's own browser: it logged in once (and so holds the device cookie), then logged out."""
    browser = _from(app, address)
    assert login(browser, username).status_code == 302
    assert browser.get_cookie(DEVICE) is not None
    browser.post("/logout", data={"csrf_token": token(browser)})
    return browser


def test_five_wrong_passwords_from_one_address_do_not_keep_the_owner_out(app: Flask) -> None:
    """The review's repro: 5 wrong, the 6th is refused, then the owner with the right password."""
    make_user("li", Role.FIELD, make_units()["S1"])
    owners_browser = _logged_in_before(app, "li")
    attacker = _from(app, "127.0.0.66")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]):
        assert login(attacker, "li", "guess").status_code == 200
    assert login(attacker, "li", PASSWORD).status_code == 429  # the guesser waits, even with the right password
    assert login(attacker, " LI ", "guess").status_code == 429
    assert login(_from(app, "127.0.0.5"), "li").status_code == 302  # the owner, from elsewhere
    assert login(owners_browser, "li").status_code == 302  # the owner's own browser


def test_the_device_cookie_lets_the_owner_in_from_the_attackers_own_address(app: Flask) -> None:
    make_user("li", Role.FIELD, make_units()["S1"])
    owners_browser = _logged_in_before(app, "li", "127.0.0.9")
    attacker = _from(app, "127.0.0.9")  # the same office NAT
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"] + 2):
        login(attacker, "li", "guess")
    assert login(attacker, "li", PASSWORD).status_code == 429
    assert login(_from(app, "127.0.0.9"), "li").status_code == 429  # a new browser there cannot be told apart
    assert login(owners_browser, "li").status_code == 302


def test_a_distributed_attack_slows_new_browsers_but_not_the_owners(app: Flask) -> None:
    make_user("li", Role.FIELD, make_units()["S1"])
    owners_browser = _logged_in_before(app, "li")
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):  # one guess from each of many addresses
        assert login(_from(app, f"127.0.1.{n + 1}"), "li", "guess").status_code == 200
    assert login(_from(app, "127.0.2.1"), "li").status_code == 429  # the account is slowed for the unknown
    assert login(owners_browser, "li").status_code == 302


def test_twenty_failures_from_one_address_do_not_lock_out_another_account_with_a_device_cookie(app: Flask) -> None:
    """RELIABILITY A4: another account from the same NAT address still works."""
    make_user("wang", Role.LEGAL, make_units()["C1"])
    colleague = _logged_in_before(app, "wang", "127.0.0.20")
    office = _from(app, "127.0.0.20")
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        assert login(office, f"user{n}", "guess").status_code == 200
    assert login(office, "nobody", "guess").status_code == 429
    assert login(colleague, "wang").status_code == 302


def test_a_forged_or_someone_elses_device_cookie_counts_for_nothing(app: Flask) -> None:
    units = make_units()
    make_user("li", Role.FIELD, units["S1"])
    make_user("wang", Role.FIELD, units["S1"])
    wangs_browser = _logged_in_before(app, "wang")
    genuine = wangs_browser.get_cookie(DEVICE)
    assert genuine is not None
    attacker = _from(app, "127.0.0.66")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]):
        login(attacker, "li", "guess")
    attacker.set_cookie(DEVICE, genuine.value)  # wang's cookie is no cookie for li
    assert login(attacker, "li", PASSWORD).status_code == 429
    attacker.set_cookie(DEVICE, genuine.value[:-2] + "xx")  # nor is a tampered one
    assert login(attacker, "li", PASSWORD).status_code == 429


def test_a_browser_with_a_device_cookie_is_slowed_by_its_own_failures(app: Flask) -> None:
    make_user("li", Role.FIELD, make_units()["S1"])
    browser = _logged_in_before(app, "li")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]):
        assert login(browser, "li", "guess").status_code == 200
    refused = login(browser, "li", PASSWORD)
    assert refused.status_code == 429 and "登录失败次数过多" in refused.text
    assert int(refused.headers["Retry-After"]) <= app.config["LOGIN_DELAY_SECONDS"]


def test_the_limit_is_a_delay_that_doubles_and_ends_not_a_lock(app: Flask) -> None:
    rules = Rules(per_pair=5, per_account=20, per_address=20, window=timedelta(minutes=15),
                  delay=timedelta(minutes=1))
    t0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    where = {"username": "li", "ip": "127.0.0.66", "device": None}
    with ctx(), unit_of_work() as session:
        for i in range(5):
            count_failure(session, **where, now=t0 + timedelta(seconds=i))
        last = t0 + timedelta(seconds=4)
        assert throttled_until(session, rules, **where, now=last) == last + timedelta(minutes=1)
        assert throttled_until(session, rules, **where, now=last + timedelta(seconds=61)) is None  # it ends
        sixth = last + timedelta(seconds=61)
        count_failure(session, **where, now=sixth)
        assert throttled_until(session, rules, **where, now=sixth) == sixth + timedelta(minutes=2)  # and doubles
        for i in range(10):
            count_failure(session, **where, now=sixth + timedelta(seconds=i))
        assert throttled_until(session, rules, **where, now=sixth + timedelta(seconds=10)) == (
            sixth + timedelta(seconds=9) + rules.window)  # never longer than the window
        assert throttled_until(session, rules, **where, now=sixth + timedelta(minutes=40)) is None  # forgotten


def test_the_throttle_is_shared_by_every_worker(app: Flask, db_url: str) -> None:
    """Two app instances (two workers, or two machines) on one database count the same failures."""
    make_user("li", Role.FIELD, make_units()["S1"])
    other = create_app(base_config(db_url))
    try:
        attacker_a, attacker_b = _from(app, "127.0.0.66"), _from(other, "127.0.0.66")
        for n in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]):
            assert login(attacker_a if n % 2 else attacker_b, "li", "guess").status_code == 200
        assert login(attacker_a, "li").status_code == 429
        assert login(attacker_b, "li").status_code == 429
    finally:
        with other.app_context():
            db.engine.dispose()


def test_an_unknown_user_costs_the_same_argon2_verify_as_a_known_one(app: Flask, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Review F-10: `user is None or ...` skipped the dummy hash, so unknown names answered 4x faster."""
    make_user("li", Role.FIELD, make_units()["S1"])
    verified: list[str] = []
    real = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str, password: str) -> bool:  # noqa: A002 - argon2's own name
        verified.append(hash)
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    client = app.test_client()
    assert login(client, "li", "not the password").status_code == 200
    assert login(client, "nobody", "not the password").status_code == 200
    assert len(verified) == 2
    assert verified[1] == passwords._DUMMY  # the unknown user paid for a full argon2id verify too
    with ctx():
        assert db.session.scalars(select(LoginFailure.username).order_by(LoginFailure.id)).all() == ["li", "nobody"]
