"""Upkeep of the claims summary (case_summary) in the transaction of every change, and its rebuild.

The summary always equals the sum of the contributions (domain.summary) of the case rows as stored. So the
upkeep reads, for every case a flush is about to change, its row as stored before the flush, lays over it the
values the flush writes (reading the row again only where the database might store them otherwise), and
applies the difference: whichever service moved the figure (intake, correction, check, decision,
payment, withdrawal, closing), through the ORM or a bulk statement (`tracking`), nothing can be forgotten
and nothing is counted twice. The same statements run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, event, inspect, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

from casework.audit.service import lock_chain
from casework.cases.models import Case, CaseSummary
from casework.domain.lifecycle import State
from casework.domain.summary import (
    FIGURES,
    MONEY,
    CaseFigures,
    Contribution,
    Key,
    Totals,
    contribution,
    difference,
    summed,
)

#: The columns a contribution reads: a change to any other column moves no figure.
READ = (Case.id, Case.unit_path, Case.category, Case.state, Case.registered_at, Case.created_at, Case.submitted_at,
        Case.claimed_amount,
        Case.assessment_outcome, Case.assessment_amount, Case.decision_kind, Case.settled_amount, Case.paid_amount,
        Case.goodwill_payment)
_ATTRS = tuple(column.key for column in READ if column.key != "id")
_PENDING = "case_summary.before"  # session.info: case id → its contribution as stored before this flush
_ROWS = "case_summary.rows"  # session.info: case id → (its row as stored before this flush, the case object)
_MISSING = object()
FEN = Decimal("0.01")
_TABLE = cast(Table, CaseSummary.__table__)


def figures_of(row: Any) -> CaseFigures:
    state = row.state.value if hasattr(row.state, "value") else str(row.state)
    return CaseFigures(unit_path=row.unit_path, category=row.category, state=state,
                       registered_at=row.registered_at or row.submitted_at or row.created_at, claimed_amount=row.claimed_amount,
                       assessment_outcome=row.assessment_outcome, assessment_amount=row.assessment_amount,
                       decision_kind=row.decision_kind, settled_amount=row.settled_amount, paid_amount=row.paid_amount,
                       goodwill_payment=bool(row.goodwill_payment))


def stored_rows(session: Session, ids: Iterable[int]) -> dict[int, Any]:
    """The columns a contribution reads, of these cases as their rows are stored now (None: no such row)."""
    wanted = sorted(set(ids))
    found: dict[int, Any] = dict.fromkeys(wanted)
    connection = session.connection()  # never autoflushes: this also runs inside a flush
    for start in range(0, len(wanted), 500):
        for row in connection.execute(select(*READ).where(Case.id.in_(wanted[start:start + 500]))):
            found[row.id] = row
    return found


def stored_contributions(session: Session, ids: Iterable[int]) -> dict[int, Contribution | None]:
    """The contributions of these cases as their rows are stored now (a missing row contributes nothing)."""
    return {i: contribution(figures_of(row)) if row is not None else None for i, row in stored_rows(session, ids).items()}


def apply_difference(session: Session, totals: Totals) -> None:
    """Add a difference to the summary: one upsert per row (insert the deltas, or add them to the row there;
    on both databases, so two writers creating the same row do not collide). Rows are touched in key order,
    after the audit chain's lock, so concurrent writers queue, never deadlock."""
    if not totals:
        return
    lock_chain(session)  # the audit chain's lock before the summary's rows: one lock order for every writer
    connection = session.connection()
    # One statement for the whole difference, compiled once per shape and run over every row (executemany): a
    # pair of statements per row, each built with its own values, cost more than the write they kept up.
    names = _moved_names(totals)
    connection.execute(_upsert(connection.dialect.name, names),
                       [{"k_unit_path": unit_path, "k_month_on": month_on, "k_category": category,
                         **{f"d_{name}": row.get(name, 0) for name in names}}
                        for (unit_path, month_on, category), row in sorted(totals.items())])


def _moved_names(totals: Totals) -> tuple[str, ...]:
    """The figures any row of the difference moves, in FIGURES order (one statement shape for all its rows)."""
    names = {name for row in totals.values() for name in row}
    return tuple(name for name in FIGURES if name in names)


@functools.cache
def _upsert(dialect: str, names: tuple[str, ...]) -> Any:
    insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(_TABLE).values(
        unit_path=bindparam("k_unit_path"), month_on=bindparam("k_month_on"), category=bindparam("k_category"),
        **{name: bindparam(f"d_{name}", type_=_TABLE.c[name].type) for name in names})
    return insert.on_conflict_do_update(index_elements=[_TABLE.c.unit_path, _TABLE.c.month_on, _TABLE.c.category],
                                        set_={name: _TABLE.c[name] + insert.excluded[name] for name in names})


@contextmanager
def tracking(session: Session, ids: Iterable[int]) -> Iterator[None]:
    """Around a bulk statement that changes these cases' rows (the re-check): apply what it moved."""
    wanted = list(ids)
    before = stored_contributions(session, wanted)
    yield
    after = stored_contributions(session, wanted)
    apply_difference(session, difference(before.values(), after.values()))


def count_in(session: Session, ids: Iterable[int]) -> None:
    """Cases just inserted in bulk (the benchmark seeder): add their contributions."""
    apply_difference(session, summed(stored_contributions(session, ids).values()))


def _moves_a_figure(obj: Case) -> bool:
    state = inspect(obj)
    return state.deleted or any(state.attrs[name].history.has_changes() for name in _ATTRS)


def _stamp_registration(session: Session) -> None:
    """A case leaving draft is registered now: at its submission, else (opened past draft) at its opening."""
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Case) and obj.registered_at is None and obj.state is not State.DRAFT:
            obj.registered_at = obj.submitted_at or obj.created_at


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    _stamp_registration(session)
    pending: dict[int, Contribution | None] = session.info.setdefault(_PENDING, {})
    rows: dict[int, tuple[Any, Case]] = session.info.setdefault(_ROWS, {})
    changed = {}
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, Case) and (identity := inspect(obj).identity) and identity[0] not in pending \
                and _moves_a_figure(obj):
            changed[identity[0]] = obj
    for case_id, row in stored_rows(session, changed).items():
        pending[case_id] = contribution(figures_of(row)) if row is not None else None
        rows[case_id] = (row, changed[case_id])
    session.info.setdefault(_PENDING + ".new", []).extend(obj for obj in session.new if isinstance(obj, Case))


def _as_written(session: Session, row: Any, obj: Case) -> tuple[bool, Contribution | None]:
    """A changed case's contribution after this flush without reading it again: the row as stored before the
    flush with the values the flush wrote laid over it (the columns it did not write are as stored, whatever
    the ORM holds). (False, None) when that cannot be known here: the row was missing, or the database may
    store a written value otherwise than the ORM holds it."""
    if obj in session.deleted:
        return True, None
    if row is None:
        return False, None
    state = inspect(obj)
    values = row._asdict()
    for name in _ATTRS:
        if state.attrs[name].history.has_changes():  # still the flush's own history: after_flush runs before reset
            value = state.dict.get(name, _MISSING)
            if value is _MISSING or not _stored_as_is(value):
                return False, None
            values[name] = value
    return True, contribution(figures_of(SimpleNamespace(**values)))


def _stored_as_is(value: Any) -> bool:
    """Whether the database keeps this value exactly as the ORM holds it (else the row is read back): not a SQL
    expression, money already in fen (Numeric(12, 2) would round it), a moment with its time zone."""
    if isinstance(value, ClauseElement):
        return False
    if isinstance(value, Decimal):
        return value.is_finite() and value == value.quantize(FEN)
    if isinstance(value, datetime):
        return value.tzinfo is not None
    return True


def _after_flush(session: Session, _context: Any) -> None:
    pending: dict[int, Contribution | None] = session.info.pop(_PENDING, {})
    rows: dict[int, tuple[Any, Case]] = session.info.pop(_ROWS, {})
    new = [obj.id for obj in session.info.pop(_PENDING + ".new", []) if obj.id is not None]
    after: dict[int, Contribution | None] = {}
    reread = list(new)
    for case_id in pending:
        known, item = _as_written(session, *rows[case_id])
        if known:
            after[case_id] = item
        else:
            reread.append(case_id)
    if reread:
        after.update(stored_contributions(session, reread))
    if pending or new:
        apply_difference(session, difference(pending.values(), after.values()))


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_ROWS, None)
    session.info.pop(_PENDING + ".new", None)


def install() -> None:
    """Keep the summary in every session's flushes (idempotent; called by casework.flow.install)."""
    for name, listener in (("before_flush", _before_flush), ("after_flush", _after_flush),
                           ("after_soft_rollback", _forget)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


@dataclass
class RebuildReport:
    cases: int = 0
    rows: int = 0  # rows in the rebuilt table
    corrected: list[tuple[Key, str, Any, Any]] = field(default_factory=list)  # key, figure, stored, recomputed

    @property
    def corrected_rows(self) -> int:
        return len({key for key, *_ in self.corrected})


def stored_summary(session: Session) -> Totals:
    """The summary table as it is, without its all-zero figures (what upkeep leaves when cases move away)."""
    out: Totals = {}
    for row in session.execute(select(_TABLE)).mappings():
        figures = {name: row[name] for name in FIGURES if row[name]}
        if figures:
            out[(row["unit_path"], row["month_on"], row["category"])] = figures
    return out


def recomputed_summary(session: Session, progress: Callable[[int], None] | None = None,
                       batch: int = 5000) -> tuple[Totals, int]:
    """The summary summed afresh from every case, read in id order in batches; and the number of cases."""
    totals: Totals = {}
    last, count = 0, 0
    while True:
        rows = session.execute(select(*READ).where(Case.id > last).order_by(Case.id).limit(batch)).all()
        if not rows:
            break
        last, count = rows[-1].id, count + len(rows)
        for key, row in summed(contribution(figures_of(row)) for row in rows).items():
            target = totals.setdefault(key, {})
            for name, value in row.items():
                target[name] = target.get(name, 0) + value
        if progress:
            progress(len(rows))
    return totals, count


def _same(a: Any, b: Any) -> bool:
    return Decimal(a or 0) == Decimal(b or 0)


def rebuild(session: Session, progress: Callable[[int], None] | None = None) -> RebuildReport:
    """Recompute the summary from the cases and correct every row that differs; say what was corrected.

    Writers wait while it runs (PostgreSQL: the table locked against other writers; SQLite holds its write
    lock), so a change committed meanwhile is neither missed nor counted twice."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE case_summary IN EXCLUSIVE MODE"))
    stored = stored_summary(session)
    fresh, count = recomputed_summary(session, progress)
    report = RebuildReport(cases=count, rows=len(fresh))
    for key in sorted(set(stored) | set(fresh)):
        have, want = stored.get(key, {}), {k: v for k, v in fresh.get(key, {}).items() if v}
        for name in FIGURES:
            if not _same(have.get(name), want.get(name)):
                report.corrected.append((key, name, have.get(name, 0), want.get(name, 0)))
    wrong = {key for key, *_ in report.corrected}
    for unit_path, month_on, category in sorted(wrong):
        where = (_TABLE.c.unit_path == unit_path, _TABLE.c.month_on == month_on, _TABLE.c.category == category)
        session.execute(delete(_TABLE).where(*where))
        if recomputed := fresh.get((unit_path, month_on, category)):
            values = {name: recomputed.get(name, Decimal("0.00") if name in MONEY else 0) for name in FIGURES}
            session.execute(_TABLE.insert().values(unit_path=unit_path, month_on=month_on, category=category,
                                                   **values))
    return report
