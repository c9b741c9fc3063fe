"""One-time form keys (RELIABILITY.md §3.4, D3): a form that creates something carries a key made when it was
rendered; the first submit records the key with what it created, in the same transaction, under a UNIQUE
constraint. A second submit of the same form — a double click, a refresh, a proxy's retry, sequential or at the
same instant — finds the key and leads to what the first one created instead of making it again.

The CSRF token cannot do this: it lives as long as the session and is the same for every form.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from markupsafe import Markup, escape
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from wtforms import HiddenField

from casework.domain.access import Actor
from casework.infra.db import Base, UTCDateTime

#: The name of the hidden field every create form carries.
FIELD = "form_key"
_KEY = re.compile(r"[0-9a-f]{32}")


class FormSubmission(Base):
    """A create form that was submitted once: whose, which form, and what it made (a case number, a row id)."""

    __tablename__ = "form_submission"
    # Per user: a key is a secret of the page it was rendered in, and another user's key finds nothing of theirs.
    __table_args__ = (UniqueConstraint("user_id", "form_key", name="uq_form_submission_user_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    form_key: Mapped[str] = mapped_column(String(32))
    form: Mapped[str] = mapped_column(String(40))  # "intake", "litigation", "letter", "dossier", "export"
    object_ref: Mapped[str | None] = mapped_column(String(64))  # set in the transaction that claimed the key
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Resubmitted(Exception):
    """This form was submitted before: `ref` is what the first submit created."""

    def __init__(self, form: str, ref: str | None) -> None:
        super().__init__(f"{form} already submitted: {ref}")
        self.form, self.ref = form, ref


def new_key() -> str:
    return secrets.token_hex(16)


def valid_key(value: object) -> bool:
    return isinstance(value, str) and _KEY.fullmatch(value) is not None


def key_field() -> HiddenField:
    """The WTForms field: a fresh key when the form is rendered, the posted one when it is submitted."""
    return HiddenField(default=new_key)


def posted(field: HiddenField) -> str | None:
    """The key a form was submitted with: None when none was sent; ValueError when it is not one of ours."""
    if not field.raw_data:
        return None
    if not valid_key(field.data):
        raise ValueError("malformed form key")
    return str(field.data)


def key_input(posted: str | None = None) -> Markup:
    """The hidden input for a hand-written form: the key it was posted with (a form shown again after a
    refusal keeps its key), else a fresh one."""
    key = posted if valid_key(posted) else new_key()
    return Markup('<input type="hidden" name="%s" value="%s">') % (FIELD, escape(key))


def submitted(session: Session, actor: Actor, key: str | None) -> FormSubmission | None:
    """The earlier submit of this form, if any: a cheap look before slow work (laying out a PDF)."""
    return None if key is None or actor.user_id is None else _existing(session, actor, key)


def _existing(session: Session, actor: Actor, key: str) -> FormSubmission | None:
    row: FormSubmission | None = session.scalar(
        select(FormSubmission).where(FormSubmission.user_id == actor.user_id, FormSubmission.form_key == key))
    return row


def claim(session: Session, actor: Actor, key: str | None, form: str, *, now: datetime) -> FormSubmission | None:
    """Take the key for this submit, first thing in its transaction; Resubmitted when it was taken before.

    Sequentially the key is simply found. At the same instant (PostgreSQL) the second insert waits on the first
    transaction's uncommitted row and fails on the UNIQUE constraint once that commits; on SQLite BEGIN IMMEDIATE
    has queued the second transaction behind the first, so it finds the key. A first submit that was refused and
    rolled back leaves no key: the corrected form goes through. No key (a client that sent none): None, and the
    submit is not protected.
    """
    if key is None or actor.user_id is None:
        return None
    if (found := _existing(session, actor, key)) is not None:
        raise Resubmitted(found.form, found.object_ref)
    row = FormSubmission(user_id=actor.user_id, form_key=key, form=form, created_at=now)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        found = _existing(session, actor, key)  # the other submit, committed meanwhile
        raise Resubmitted(form, found.object_ref if found else None) from None
    return row


def settle(session: Session, row: FormSubmission | None, ref: str | int) -> None:
    """Record what the submit created, in the same transaction as the creation."""
    if row is not None:
        row.object_ref = str(ref)
        session.flush()
