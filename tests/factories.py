"""Small builders for test data, going through the real services so the audit trail is real too.

Each opens its own app context and returns detached objects whose columns stay readable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from flask.testing import FlaskClient
from sqlalchemy import select

from casework.auth.factor import enrol, required_roles
from casework.auth.factor_models import SecondFactor
from casework.auth.models import Unit, User
from casework.auth.service import create_unit, create_user
from casework.auth.totp import step_of
from casework.cases.models import Case
from casework.cases.service import open_case
from casework.domain.access import SYSTEM, Role
from casework.domain.lifecycle import State
from casework.infra.db import db, unit_of_work, utcnow
from tests.conftest import ACTIVE_APP, csrf_from

PASSWORD = "correct horse battery"
# The authenticator of every user whose role must have one (SECOND_FACTOR_ROLES), and their recovery codes.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
SECRETS: dict[str, str] = {}  # users who enrolled through the page (the demo's, at first login)
RECOVERY: dict[str, list[str]] = {}
# The facts of a typical claim: a six-year-old fridge burnt by a supply fault on the utility's line.
UTILITY = {"facility_owner": "utility", "utility_maintains": True, "cause": "utility_fault"}
FRIDGE = {"customer_type": "residential", "supply_voltage_v": 220, "fault_type": "phase_neutral_contact",
          "appliances": [{"name": "电冰箱", "class": "motor", "price": "3600.00", "purchase_date": "2019-07-20",
                          "invoice": True, "repairable": False}]}
# 1 province, 2 cities, a county under each, a station under each county.
TREE = (
    ("P", "province", None), ("C1", "city", "P"), ("C2", "city", "P"),
    ("K1", "county", "C1"), ("K2", "county", "C2"), ("S1", "station", "K1"), ("S2", "station", "K2"),
)
T = TypeVar("T")


@contextmanager
def ctx() -> Iterator[None]:
    with ACTIVE_APP[0].app_context():
        yield


def _detached(model: type[T], key: Any) -> T:
    obj = db.session.get(model, key)
    assert obj is not None
    db.session.expunge(obj)
    return obj


def make_units() -> dict[str, Unit]:
    with ctx():
        with unit_of_work() as session:
            ids: dict[str, int] = {}
            for code, kind, parent in TREE:
                unit = create_unit(session, SYSTEM, code=code, name=f"单位{code}", kind=kind,
                                   parent=session.get(Unit, ids[parent]) if parent else None, now=utcnow())
                ids[code] = unit.id
        return {code: _detached(Unit, uid) for code, uid in ids.items()}


def make_user(username: str, role: Role, unit: Unit, password: str = PASSWORD, *, enrolled: bool = True) -> User:
    """An active user; one whose role must have a second factor has TOTP_SECRET, unless `enrolled=False`."""
    with ctx():
        with unit_of_work() as session:
            user, _ = create_user(session, SYSTEM, username=username, display_name=username.title(), role=role,
                                  unit=session.get(Unit, unit.id), now=utcnow(), password=password,
                                  must_change=False)
            user_id = user.id
            if enrolled and role.value in required_roles(ACTIVE_APP[0].config["SECOND_FACTOR_ROLES"]):
                enrol_authenticator(session, user)
        _ = db.session.get(User, user_id).unit  # type: ignore[union-attr]  # load it: actor() needs the unit
        return _detached(User, user_id)


def make_case(unit: Unit, by: User, *, state: State = State.REGISTERED, **fields: Any) -> Case:
    values: dict[str, Any] = {
        "claimant_name": "张三", "claimant_id_number": "11010519491231002X", "claimant_phone": "13812345678",
        "claimant_bank_account": "6222020200112233445", "event_on": date(2025, 7, 20),
        "reported_on": date(2025, 7, 22), "claimed_amount": Decimal("4800.00"),
    }
    values.update(fields)
    category = values.pop("category", "appliance")
    with ctx():
        with unit_of_work() as session:
            actor = session.get(User, by.id).actor()  # type: ignore[union-attr]
            case = open_case(session, actor, category=category, unit=session.get(Unit, unit.id), now=utcnow(),
                             state=state, **values)
            case_id = case.id
        return _detached(Case, case_id)


def load(model: type[T], **where: Any) -> T | None:
    with ctx():
        obj = db.session.scalar(select(model).filter_by(**where))
        if obj is not None:
            db.session.expunge(obj)
        return obj


def enrol_authenticator(session: Any, user: User) -> None:
    """Set up TOTP_SECRET as the user's authenticator, through the real service (a minute ago, so the
    codes of the current time step are still unspent)."""
    import pyotp

    then = utcnow() - timedelta(seconds=60)
    codes = enrol(session, SYSTEM, user, secret=TOTP_SECRET, code=pyotp.TOTP(TOTP_SECRET).at(then), now=then)
    assert codes is not None
    RECOVERY[user.username] = codes


def next_code(username: str) -> str:
    """A code the server will accept now: this time step's, the next one's if this one is spent, else a recovery code."""
    import pyotp

    with ctx():
        user_id = db.session.scalar(select(User.id).where(User.username == username))
        factor = db.session.get(SecondFactor, user_id)
        assert factor is not None, f"{username} has no second factor"
        step = max(factor.last_step + 1, step_of(utcnow()))
    if step <= step_of(utcnow()) + 1:
        return pyotp.TOTP(SECRETS.get(username, TOTP_SECRET)).generate_otp(step)
    return RECOVERY[username].pop()


def enrol_through_the_page(client: FlaskClient, username: str) -> None:
    """What a user whose role needs a second factor does at first login: scan, type the code, keep the codes."""
    import pyotp

    page = client.get("/login/enrol").text
    found = re.search(r'<code class="user-select-all">([A-Z2-7 ]+)</code>', page)
    assert found, "no enrolment page"
    SECRETS[username] = found.group(1).replace(" ", "")
    done = client.post("/login/enrol", data={"code": pyotp.TOTP(SECRETS[username]).now(), "csrf_token": csrf_from(page)})
    RECOVERY[username] = re.findall(r"<li>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</li>", done.text)
    assert len(RECOVERY[username]) == 10, done.text
    client.post("/logout", data={"csrf_token": csrf_from(done.text)})


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Log in through the form; for a user with a second factor, also through the code step (a required
    role without one enrols first, as at a first login, and then logs in with a code)."""
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    if response.status_code == 302 and response.headers["Location"].endswith("/login/enrol"):
        enrol_through_the_page(client, username)
        token = csrf_from(client.get("/login").text)
        response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    if response.status_code == 302 and response.headers["Location"].endswith("/login/code"):
        token = csrf_from(client.get("/login/code").text)
        response = client.post("/login/code", data={"code": next_code(username), "csrf_token": token})
    return response


def token(client: FlaskClient, page: str = "/password") -> str:
    return csrf_from(client.get(page).text)


def load_rule_table() -> str:
    """Publish the bundled table and seed the calendar, as `casework init` does; returns the version."""
    from casework.ruletable.store import load_bundled, load_bundled_calendar

    with ctx(), unit_of_work() as session:
        row = load_bundled(session, SYSTEM, utcnow())
        load_bundled_calendar(session)
        assert row is not None
        return row.version


def set_registered(case: Case, at: datetime, **columns: Any) -> None:
    """Set a case's registration moment (and other columns, e.g. its decision) as if it had been filed then:
    the analytics count a case in the month of its registration."""
    with ctx(), unit_of_work() as session:
        row = session.get(Case, case.id)
        assert row is not None
        row.registered_at = at
        for name, value in columns.items():
            setattr(row, name, value)
