"""Importing a unit's asset register as a new version, and finding its entries within the viewer's scope."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from casework.assets.models import Asset, AssetRegister
from casework.assets.reader import RegisterFileError, read_rows
from casework.audit.service import record
from casework.auth.models import Unit
from casework.domain.access import Actor, Perm, Role, case_scope
from casework.domain.assets import Problem, read_entries

SEARCH_LIMIT = 20


class RegisterRefused(ValueError):
    """The file was not imported; `problems` say why, each with its row. Nothing was stored."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class Imported:
    register_id: int
    version: int
    rows: int
    replaced: int | None  # the version it replaced as current


def import_scope(actor: Actor) -> str | None:
    """The units whose register the actor may import: administrators any unit (they run the unit tree, whose
    codes the file names); legal staff their company's subtree (the analytics they answer for read it)."""
    if not actor.can(Perm.ASSETS_IMPORT):
        return None
    return "/" if actor.role is Role.ADMIN else case_scope(actor)


def importable_units(session: Session, actor: Actor) -> list[Unit]:
    scope = import_scope(actor)
    if scope is None:
        return []
    return list(session.scalars(select(Unit).where(Unit.path.startswith(scope, autoescape=True)).order_by(Unit.path)))


def import_register(session: Session, actor: Actor, unit: Unit, data: bytes, *, source_name: str,
                    now: datetime) -> Imported:
    """Read the whole file, then store it as the unit's next version (current from now on) and audit it.

    Every problem of the file is raised at once as RegisterRefused before anything is written.
    """
    scope = import_scope(actor)
    if scope is None or not unit.path.startswith(scope):
        raise PermissionError("unit outside the actor's import scope")
    try:
        rows = read_rows(data)
    except RegisterFileError as error:
        raise RegisterRefused([Problem(0, error.code)]) from None
    below = {u.code: u for u in session.scalars(select(Unit).where(Unit.path.startswith(unit.path, autoescape=True)))}
    entries, problems = read_entries(rows, default_unit=unit.code, allowed_units=below)
    if problems:
        raise RegisterRefused(problems)
    previous = session.scalar(select(AssetRegister).where(AssetRegister.unit_id == unit.id,
                                                          AssetRegister.is_current.is_(True)))
    last = session.scalar(select(func.max(AssetRegister.version)).where(AssetRegister.unit_id == unit.id)) or 0
    session.execute(update(AssetRegister).where(AssetRegister.unit_id == unit.id).values(is_current=False))
    digest = hashlib.sha256(data).hexdigest()
    register = AssetRegister(unit_id=unit.id, version=last + 1, is_current=True, source_name=source_name[:255],
                             sha256=digest, row_count=len(entries), imported_by_id=actor.user_id,
                             imported_by_name=actor.username, imported_at=now)
    session.add(register)
    session.flush()
    session.add_all(Asset(register_id=register.id, line_no=e.line, unit_id=below[e.unit_code].id,
                          unit_path=below[e.unit_code].path, kind=e.kind, name=e.name, code=e.code,
                          voltage=e.voltage, line_name=e.line_name, village=e.village) for e in entries)
    session.flush()
    record(session, actor, "assets.import", now=now, object_type="asset_register", object_id=register.id,
           before={"version": previous.version} if previous else None,
           after={"unit": unit.code, "version": register.version, "rows": len(entries), "file": source_name,
                  "sha256": digest})
    return Imported(register.id, register.version, len(entries), previous.version if previous else None)


def _visible(actor: Actor, query: Select[Any], path: Any) -> Select[Any]:
    """What the actor may read of the register: its own subtree, and the units above it (a station works on
    the county's lines); never a sibling's or another company's."""
    scope = case_scope(actor) if actor.role is not Role.ADMIN else "/"
    if scope is None:
        return query.where(path.is_(None))
    if scope == "/":
        return query
    above = [actor.unit_path[: i + 1] for i, ch in enumerate(actor.unit_path) if ch == "/" and i > 0]
    return query.where(or_(path.startswith(scope, autoescape=True), path.in_(above)))


def search_assets(session: Session, actor: Actor, text: str, *, kind: str | None = None,
                  limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
    """Current register entries whose name, number or village contains `text` ("河西" finds 河西村台区)."""
    text = text.strip()[:50]
    if not text:
        return []
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = f"%{escaped}%"
    query = (select(Asset, Unit.name).join(AssetRegister, AssetRegister.id == Asset.register_id)
             .join(Unit, Unit.id == Asset.unit_id).where(AssetRegister.is_current.is_(True))
             .where(or_(Asset.name.like(like, escape="\\"), Asset.code.like(like, escape="\\"),
                        Asset.village.like(like, escape="\\"))))
    if kind:
        query = query.where(Asset.kind == kind)
    query = _visible(actor, query, Asset.unit_path).order_by(func.length(Asset.name), Asset.name).limit(limit)
    return [{"kind": a.kind, "name": a.name, "code": a.code, "voltage": a.voltage, "line": a.line_name,
             "village": a.village, "unit": unit_name} for a, unit_name in session.execute(query)]


def registers(session: Session, actor: Actor) -> list[AssetRegister]:
    """Every version the actor may read, newest first."""
    query = select(AssetRegister).join(Unit, Unit.id == AssetRegister.unit_id)
    query = _visible(actor, query, Unit.path).order_by(AssetRegister.imported_at.desc(), AssetRegister.id.desc())
    return list(session.scalars(query))


def register_entries(session: Session, actor: Actor, register_id: int) -> tuple[AssetRegister, list[Asset]] | None:
    """One version and its entries, or None when it does not exist or is outside the actor's scope."""
    query = select(AssetRegister).join(Unit, Unit.id == AssetRegister.unit_id).where(AssetRegister.id == register_id)
    register = session.scalar(_visible(actor, query, Unit.path))
    if register is None:
        return None
    entries = session.scalars(select(Asset).where(Asset.register_id == register.id).order_by(Asset.line_no))
    return register, list(entries)
