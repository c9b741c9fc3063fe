"""What every page of a case shares: load the case by its number with object-level access, and the panels
later stages show on the case page (installed by `casework.flow`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, request
from sqlalchemy import select

from casework.audit.service import record
from casework.auth.guard import current_actor, requires
from casework.cases.models import Case
from casework.cases.service import find_case
from casework.domain.access import Actor, Perm
from casework.infra.db import db, unit_of_work, utcnow


def case_or_404(number: str, actor: Actor | None = None) -> Case:
    """The case the viewer (or `actor`) may see; another unit's case looks exactly like a missing one.

    Such an attempt is put on record first (ASVS v5 16.3.2; security review F-15): someone is trying numbers."""
    actor = actor or current_actor()
    case = find_case(db.session(), actor, number)
    if case is None:
        if exists(number):
            with unit_of_work() as session:
                record(session, actor, "case.denied", now=utcnow(), object_type="case", object_id=number,
                       after={"page": request.endpoint, "method": request.method})
        abort(404)
    return case


def exists(number: str) -> bool:
    """Whether a case has this number, whoever may see it. Only for deciding what to audit, never shown:
    the entry names no case id, so it joins neither that case's history nor its dossier."""
    return len(number) <= 32 and db.session.scalar(select(Case.id).where(Case.number == number)) is not None


def case_page(perm: Perm) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view of one case: needs `perm`, loads the case named by the URL's <number> that the viewer may see
    (404 otherwise) and calls the view with it in place of the number."""

    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def load(number: str, **kwargs: Any) -> Any:
            return view(case_or_404(number), **kwargs)

        return requires(perm)(load)

    return wrap


# A later stage's part of the case page: (template name, its values) for this case and viewer.
Panel = Callable[[Case, Actor], tuple[str, dict[str, Any]]]
PANELS: list[Panel] = []  # filled by casework.flow.install, in the order the page shows them


def panels(case: Case, actor: Actor) -> list[tuple[str, dict[str, Any]]]:
    return [make(case, actor) for make in PANELS]
