"""The answer to a write that lost an optimistic-lock race anywhere (SQLAlchemy's StaleDataError): 409, saying
the case changed meanwhile and what its last recorded change was, with a link back; never a 500 (review F-8).

Views that expect the race answer it themselves (the case edit form shows a field-by-field diff, the decision
page says who moved the case first); this catches every other one."""

from __future__ import annotations

import logging
from typing import Any

from flask import jsonify, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from casework.audit.models import AuditEvent
from casework.auth.guard import current_actor
from casework.cases.service import find_case
from casework.infra.db import db

log = logging.getLogger("casework")


def last_change(number: str) -> dict[str, Any] | None:
    """Who last changed the case and how, from its audit trail, if the viewer may see the case."""
    case = find_case(db.session(), current_actor(), number)
    if case is None:
        return None
    row = db.session.execute(select(AuditEvent.actor_name, AuditEvent.at, AuditEvent.action)
                             .where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return None if row is None else {"who": row.actor_name, "at": row.at, "action": row.action}


def conflict(exc: StaleDataError) -> Any:
    db.session.rollback()  # the losing write is gone; what follows reads fresh data
    log.info("write conflict on %s %s: %s", request.method, request.path, exc)
    message = _("在您操作期间，该记录已被他人修改，您的操作没有生效。请查看最新情况后重试。")
    if request.path.startswith("/api/"):
        return jsonify({"errors": [{"path": "", "message": message}]}), 409
    number = (request.view_args or {}).get("number")
    changed = last_change(number) if isinstance(number, str) else None
    back = url_for("cases.show", number=number) if changed is not None else None
    return render_template("errors/error.html", code=409, title=_("数据已被他人修改"), message=message,
                           changed=changed, back=back, incident=None), 409
