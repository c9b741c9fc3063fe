"""The database: declarative base, portable column types, SQLite tuning, and unit_of_work(), the only committer."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, String, event, text
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC on both databases and gives back aware UTC, so comparisons never mix zones."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


E = TypeVar("E", bound=StrEnum)


class StrEnumColumn(TypeDecorator[E]):
    """A fixed set of codes: the enum in Python, its lowercase value in a plain VARCHAR(length).

    The schema is a String column's (no database enum type to migrate); a code outside the enum fails
    on the way in and out instead of being stored or compared silently."""

    impl = String
    cache_ok = True

    def __init__(self, enum_class: type[E], length: int) -> None:
        super().__init__(length)
        self.enum_class = enum_class

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        return None if value is None else self.enum_class(value)


# True while a unit_of_work is open: SQLite must then begin with BEGIN IMMEDIATE, because a deferred
# transaction that read first cannot upgrade to a writer once another connection has committed.
_writing: contextvars.ContextVar[bool] = contextvars.ContextVar("casework_writing", default=False)


def _tune_sqlite(engine: Engine, busy_timeout_s: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (SQLAlchemy's pysqlite recipe)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_s) * 1000}")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _writing.get() else "BEGIN")


def init_db(app: Flask) -> None:
    """Bind Flask-SQLAlchemy to the app and tune SQLite connections."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config.setdefault(
            "SQLALCHEMY_ENGINE_OPTIONS",
            {"connect_args": {"timeout": app.config["SQLITE_BUSY_TIMEOUT_S"], "check_same_thread": False}},
        )
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # psycopg prepares a statement after 5 runs; PostgreSQL's generic plan for the search queries
        # (arrays of character pairs) was seconds slower than a custom one.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"prepare_threshold": None}})
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _tune_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_S"])


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One business operation, one transaction: commit on success, roll back on any error.

    Views and CLI commands wrap exactly one service call in this; services only add and flush.
    A read transaction left open by the view is ended first, so the write starts on fresh data and,
    on SQLite, holds the write lock from its first statement.
    """
    session = db.session()
    if session.in_transaction():
        session.rollback()
    token = _writing.set(True)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        _writing.reset(token)


def lock_for_append(session: Session, key: int) -> None:
    """Serialise appends to a chain or a counter. SQLite already holds the write lock (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def utcnow() -> datetime:
    """The clock, read only at the edges (views, CLI) and handed to services as `now`."""
    return datetime.now(UTC)


def outside_models(name: str | None) -> bool:
    """Schema objects the models cannot describe (SQLite FTS5 tables, a PostgreSQL expression index);
    Alembic's comparison must leave them out, in autogenerate and in the migrations-match-models test."""
    return (name or "").startswith(("case_search_fts", "ix_case_search_grams_gin"))


def append_only_ddl(table: str, dialect: str) -> list[str]:
    """Triggers that refuse UPDATE and DELETE on `table` (ASVS v5 16.4.2); used by migrations."""
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            for verb in ("UPDATE", "DELETE")
        ]
    return [
        f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{table} is append-only'; END $$",
        f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
    ]


def drop_append_only_ddl(table: str, dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]
    return [f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}", f"DROP FUNCTION IF EXISTS {table}_append_only()"]
