"""POST /api/v1/assess — the assessment contract over HTTP (spec/assessment.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, abort, g, jsonify, request

from casework.auth.guard import api_token
from casework.domain.contract import validate_case, validate_cases
from casework.domain.rules import assess
from casework.infra import bounds
from casework.infra.db import db
from casework.ruletable.store import calendar, current_table

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _errors(errors: list[Any], status: int = 422) -> tuple[Response, int]:
    return jsonify({"errors": [e.to_dict() for e in errors]}), status


@bp.route("/assess", methods=["POST"])
@api_token
def assess_cases() -> Any:
    """One case object, or an array of them; the same results as `casework assess`."""
    if g.get("api_user") is None:
        abort(401)
    try:  # decimals stay decimals: quantities are never floats (spec/assessment.md)
        body = bounds.loads(request.get_data(cache=False), parse_float=Decimal)
    except bounds.TooDeep as deep:  # a parser attack, not a case (review F-11)
        return jsonify({"errors": [{"path": "", "message": str(deep)}]}), 422
    except ValueError:
        return jsonify({"errors": [{"path": "", "message": "the body is not valid JSON"}]}), 422
    errors = validate_cases(body) if isinstance(body, list) else validate_case(body)
    if errors:
        return _errors(errors)
    session = db.session()
    table, days = current_table(session), calendar(session)
    if isinstance(body, list):
        return jsonify([assess(case, table, days) for case in body])
    return jsonify(assess(body, table, days))
