"""The case list: one keyset page of the cases a person may see, filtered, sorted and searched, and its filter menus.

Pages continue after an opaque token (the last row's sort key and id), never an OFFSET, so page 400 of a
province costs what page 1 does.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, Select, func, literal, select, tuple_
from sqlalchemy.orm import Session

from casework.auth.models import Unit, User
from casework.cases.models import Case
from casework.cases.search import search
from casework.cases.service import scoped
from casework.domain.access import Actor, Role, case_scope
from casework.domain.lifecycle import State

# Sort name -> (column, descending). Every order ends on the id, so each row has one place in it.
SORTS: dict[str, tuple[Any, bool]] = {
    "new": (Case.created_at, True), "old": (Case.created_at, False),
    "due": (Case.duty_due_on, False), "amount": (Case.claimed_amount, True),
}
# What a list row shows, and the sort keys, as plain row tuples: loading 26 ORM entities with their units
# cost the list ten times its SQL. Never the facts, nor the full ID or bank account (ciphertext to decrypt).
LIST_COLUMNS = (
    Case.id, Case.number, Case.state, Case.category, Case.claimant_name, Case.claimant_phone, Case.claimant_address,
    Case.address, Case.description, Case.claimed_amount, Case.created_at, Case.duty_due_on, Case.goodwill_payment,
    Unit.name.label("unit_name"),
)


def _instant(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("a cursor's instant carries its zone")
    return parsed


def _amount(value: str) -> Decimal:
    parsed = Decimal(value)
    if not parsed.is_finite():
        raise ValueError("a cursor's amount is a number")
    return parsed


_PARSE: dict[str, Callable[[str], Any]] = {"new": _instant, "old": _instant, "due": date.fromisoformat, "amount": _amount}
# Below this many cases a subtree is fetched through the unit_path index rather than walked (see _small_subtree).
SMALL_SUBTREE = 2000
# Counting stops here: a count over 100,000 rows on every page would cost more than the page itself.
COUNT_CAP = 1000


@dataclass(frozen=True)
class Page:
    items: list[Row[Any]]  # LIST_COLUMNS of each case, by name
    total: int | None  # at most COUNT_CAP + 1 (see `capped`); None when not counted (a common search term)
    capped: bool  # there are more than COUNT_CAP matches
    after: str | None  # the token of the next page, None on the last one
    first: bool  # this is the first page


@dataclass(frozen=True)
class Cursor:
    """The last row shown: its sort key and id. Opaque to the browser (base64 JSON), checked on the way back."""

    sort: str
    value: Any
    id: int

    def encode(self) -> str:
        value = self.value.isoformat() if isinstance(self.value, date | datetime) else self.value
        raw = json.dumps([self.sort, None if value is None else str(value), self.id])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str, sort: str) -> Cursor | None:
        """The cursor, or None for anything tampered with or made for another sort (the first page then)."""
        try:
            name, value, row_id = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            if name != sort or not isinstance(row_id, int) or not 0 < row_id < 2**31:
                return None
            if value is not None:
                value = _PARSE[sort](value)
            return cls(sort, value, row_id)
        except (ValueError, TypeError, ArithmeticError, KeyError):
            return None


def _sort_key(case: Row[Any], sort: str) -> Cursor:
    return Cursor(sort, getattr(case, SORTS[sort][0].key), case.id)


def _keyset(session: Session, query: Select[Any], sort: str, cursor: Cursor | None, limit: int) -> list[Row[Any]]:
    """`limit` rows after the cursor, each query an index range, never an OFFSET.

    Rows without a sort value (no duty due, no amount claimed) come last, ordered by id: the two runs are
    two index ranges, where one `NULLS LAST` order would sort every matching row on each page.
    """
    column, descending = SORTS[sort]
    nullable = column.nullable

    def beyond(key: Any, row_id: int) -> Any:
        mine = tuple_(column, Case.id)
        theirs = tuple_(literal(key, column.type), literal(row_id))
        return mine < theirs if descending else mine > theirs

    order = (column.desc(), Case.id.desc()) if descending else (column.asc(), Case.id.asc())
    query = query.with_only_columns(*LIST_COLUMNS).join(Unit, Unit.id == Case.unit_id)
    rows: list[Row[Any]] = []
    if cursor is None or cursor.value is not None:
        keyed = query.where(column.is_not(None)) if nullable else query
        if cursor is not None:
            keyed = keyed.where(beyond(cursor.value, cursor.id))
        rows = list(session.execute(keyed.order_by(*order).limit(limit)))
    if nullable and len(rows) < limit:
        rest = query.where(column.is_(None))
        if cursor is not None and cursor.value is None:
            rest = rest.where(Case.id < cursor.id if descending else Case.id > cursor.id)
        rows += session.execute(rest.order_by(order[1]).limit(limit - len(rows)))
    return rows


def _small_subtree(session: Session, query: Select[Any], prefix: str) -> Select[Any]:
    """Add the subtree's exact unit paths when it holds few cases, so they are fetched through the index.

    `LIKE 'prefix%'` uses no index on either database (SQLite's LIKE ignores case and its index does not;
    PostgreSQL's only in the C collation), while an IN over exact paths does. A large subtree keeps the plain
    prefix test: walking the list's sort index then fills a page sooner than fetching every case of it.
    """
    exact = Case.unit_path.in_(select(Unit.path).where(Unit.path.startswith(prefix, autoescape=True)))
    return query.where(exact) if _count(session, select(Case.id).where(exact), SMALL_SUBTREE) < SMALL_SUBTREE else query


def _count(session: Session, query: Select[Any], upto: int) -> int:
    """How many rows, counting no further than `upto`: cheap whatever the table's size."""
    return session.scalar(select(func.count()).select_from(query.limit(upto).subquery())) or 0


def list_cases(
    session: Session, actor: Actor, *, q: str = "", state: str = "", category: str = "", unit_id: int | None = None,
    assignee: int | str | None = None, outcome: str = "", overdue: bool = False, today: date | None = None,
    created_from: datetime | None = None, created_before: datetime | None = None,
    event_from: date | None = None, event_to: date | None = None,
    registered_from: datetime | None = None, registered_before: datetime | None = None,
    decision: str = "", goodwill: bool = False, cause: str = "", place: tuple[str, str] | None = None,
    places: tuple[tuple[str, str], ...] = (),
    without_withdrawn: bool = False, sort: str = "new", after: str = "", per_page: int = 25,
) -> Page:
    """One page of the cases the actor may see, filtered and sorted, continuing after the `after` token.

    `assignee` is a user id, "me" or "none"; `overdue` needs `today` (services never read the clock);
    created_before and registered_before are exclusive, event_to inclusive. The analytics link here with the
    filters of a figure: registration period, decision (settled | rejected | court), goodwill, fault cause and
    grid places (`place` = ("line" | "district" | "tower", name); `places`: several, all of them), and leaving out
    withdrawn claims.
    """
    query = scoped(actor, select(Case))
    if (scope := case_scope(actor)) and scope != "/":
        query = _small_subtree(session, query, scope)
    countable = True
    if q:
        found = search(session, q)
        query, countable = query.where(found.where), found.countable
    if state:
        query = query.where(Case.state == state)
    if category:
        query = query.where(Case.category == category)
    if unit_id is not None:  # the unit and everything below it; the actor's own scope still applies on top
        path = session.scalar(select(Unit.path).where(Unit.id == unit_id))
        if not path:
            return Page([], 0, False, None, True)
        query = _small_subtree(session, query.where(Case.unit_path.startswith(path, autoescape=True)), path)
    if assignee == "me":
        query = query.where(Case.assignee_id == actor.user_id)
    elif assignee == "none":
        query = query.where(Case.assignee_id.is_(None))
    elif isinstance(assignee, int):
        query = query.where(Case.assignee_id == assignee)
    if outcome:
        query = query.where(Case.assessment_outcome == outcome)
    if overdue:
        if today is None:
            raise TypeError("the overdue filter needs today's date")
        query = query.where(Case.duty_due_on < today)
    if created_from is not None:
        query = query.where(Case.created_at >= created_from)
    if created_before is not None:
        query = query.where(Case.created_at < created_before)
    if event_from is not None:
        query = query.where(Case.event_on >= event_from)
    if event_to is not None:
        query = query.where(Case.event_on <= event_to)
    if registered_from is not None:
        query = query.where(Case.registered_at >= registered_from)
    if registered_before is not None:
        query = query.where(Case.registered_at < registered_before)
    if decision:
        query = query.where(Case.decision_kind == decision)
    if goodwill:
        query = query.where(Case.goodwill_payment.is_(True))
    if cause:
        query = query.where(Case.cause == cause)
    for kind, name in (*places, *([place] if place is not None else [])):
        column = {"line": Case.grid_line, "district": Case.grid_district, "tower": Case.grid_tower}[kind]
        query = query.where(column == name)
    if without_withdrawn:
        query = query.where(Case.state != State.WITHDRAWN)
    sort = sort if sort in SORTS else "new"
    cursor = Cursor.decode(after, sort) if after else None
    rows = _keyset(session, query, sort, cursor, per_page + 1)
    items = rows[:per_page]
    after_token = _sort_key(items[-1], sort).encode() if len(rows) > per_page else None
    total: int | None = None
    if cursor is None and after_token is None:
        total = len(items)  # the whole result is on this page
    elif countable and cursor is None:  # counted once, on the first page: later pages only continue
        total = _count(session, query.with_only_columns(Case.id), COUNT_CAP + 1)
    return Page(items, total, (total or 0) > COUNT_CAP, after_token, cursor is None)


def menu_units(session: Session, actor: Actor, value: Any = Unit.id) -> list[Any]:
    """The units inside the actor's scope for a filter menu, as (value, name) rows in tree order.

    Stations are many (hundreds in a province) and a station is one click away in its county: offering
    provinces, cities and counties keeps the menu short; "including sub-units" does the rest."""
    scope = case_scope(actor)
    if scope is None:
        return []
    return list(session.execute(select(value, Unit.name).where(Unit.path.startswith(scope, autoescape=True),
                                                                (Unit.kind != "station") | (Unit.path == scope))
                                .order_by(Unit.path)))


def filter_choices(session: Session, actor: Actor) -> tuple[list[Any], list[Any]]:
    """The units and legal officers inside the actor's scope, for the list's filter menus.

    Plain rows (id and name), not entities: the menus are read on every list page."""
    scope = case_scope(actor)
    if scope is None:
        return [], []
    units = menu_units(session, actor)
    officers = list(session.execute(
        select(User.id, User.display_name).join(Unit, User.unit_id == Unit.id)
        .where(Unit.path.startswith(scope, autoescape=True), User.role.in_([Role.LEGAL, Role.LEGAL_HEAD]))
        .order_by(User.display_name)))
    return units, officers
