"""Every instance of a deployment must encrypt and digest claimant identifiers with the same keys (issue 17).

Three machines that each ran `casework init` would hold three PII keys: each would write values the others
cannot read, and phone and ID look-ups would miss. So the database records the public id of the key its data
is written with (`casework init` on first setup, `casework pii rotate` when a rotation completes) and of the
search key, and an instance whose keys do not include them refuses to start, saying what to set."""

from __future__ import annotations

import hashlib

from sqlalchemy import String, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.infra.db import Base
from casework.infra.pii import PiiCipher

PII_KEY = "pii_key_id"
SEARCH_KEY = "search_key_id"


class DeploymentFact(Base):
    __tablename__ = "deployment_fact"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


def search_key_id(pii: PiiCipher) -> str:
    return hashlib.sha256(b"casework-search-key-id:" + pii.digest_key_bytes()).hexdigest()[:8]


def record_keys(session: Session, pii: PiiCipher, *, pii_key: bool = True) -> None:
    """Record the keys this instance writes with (the newest PII key; the search key)."""
    facts = {SEARCH_KEY: search_key_id(pii)}
    if pii_key:
        facts[PII_KEY] = pii.current_id
    for name, value in facts.items():
        row = session.get(DeploymentFact, name)
        if row is None:
            session.add(DeploymentFact(name=name, value=value))
        else:
            row.value = value


def recorded(session: Session) -> dict[str, str]:
    return dict(session.execute(select(DeploymentFact.name, DeploymentFact.value)).tuples().all())


def mismatch(facts: dict[str, str], pii: PiiCipher) -> str | None:
    """Why this instance's keys cannot serve this database, or None."""
    wanted = facts.get(PII_KEY)
    if wanted and wanted not in pii.key_ids:
        return (f"the database is written with PII key {wanted}, which this instance does not have (it has "
                f"{', '.join(pii.key_ids)}): set CASEWORK_PII_KEY or CASEWORK_PII_KEYS (or their _FILE variants) "
                "to the deployment's keys, as on the other instances, and start again")
    search = facts.get(SEARCH_KEY)
    if search and search != search_key_id(pii):
        return (f"the database's phone and ID look-ups are made with search key {search}, this instance has "
                f"{search_key_id(pii)}: set CASEWORK_SEARCH_KEY (or CASEWORK_SEARCH_KEY_FILE) to the deployment's "
                "key, as on the other instances, and start again")
    return None


def check_keys(engine: Engine, pii: PiiCipher) -> None:
    """Refuse (RuntimeError) when the database records other keys. A database not yet set up (no table, or
    no server answering yet) has nothing to disagree with: the check is for instances joining one."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT name, value FROM deployment_fact")).all()
    except DBAPIError:
        return
    problem = mismatch({name: value for name, value in rows}, pii)
    if problem:
        raise RuntimeError(f"casework will not start: {problem}")
