"""The case's legal-basis check page (法律依据审查): the latest snapshot, worded for people, and a re-run."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from casework.auth.forms import ConfirmForm
from casework.auth.guard import current_actor
from casework.auth.models import User
from casework.cases.models import Case
from casework.cases.pages import case_page
from casework.cases.service import lock_case
from casework.domain.access import Perm
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.settings import deadline_targets
from casework.rulecheck.present import applied_rules, deadline_lines, explanation, to_verify
from casework.rulecheck.service import assessment_count, latest_assessment, run_rule_check, table_of
from casework.ruletable.store import calendar, current_table
from casework.ui.filters import fact_label

bp = Blueprint("rulecheck", __name__)



@bp.route("/cases/<number>/check")
@case_page(Perm.CASE_READ)
def show(case: Case) -> Any:
    snapshot = latest_assessment(db.session(), case.id)
    english = str(get_locale()) == "en"
    rules = applied_rules(table_of(db.session(), snapshot.rule_table_version), snapshot.result) if snapshot else []
    missing = [fact_label(case.category, p, english) for p in snapshot.result["missing_facts"]] if snapshot else []
    steps, steps_in_language = explanation(snapshot.result, english) if snapshot else ([], True)
    return render_template(
        "rulecheck/show.html", case=case, snapshot=snapshot, rules=rules, missing=missing, english=english,
        steps=steps, steps_in_language=steps_in_language,
        deadlines=deadline_lines(snapshot.result, english) if snapshot else [],
        to_verify=to_verify(snapshot.result, english) if snapshot else [],
        runs=assessment_count(db.session(), case.id), can_run=current_actor().can(Perm.CASE_CHECK),
        form=ConfirmForm(), checker=_checker(snapshot.run_by_id) if snapshot else "",
    )


def _checker(user_id: int | None) -> str:
    """Who ran the check, by name (the stored login is for the audit trail, not for people)."""
    user = db.session.get(User, user_id) if user_id else None
    return user.display_name if user else _("系统")


@bp.route("/cases/<number>/check", methods=["POST"])
@case_page(Perm.CASE_CHECK)
def run(case: Case) -> Any:
    number = case.number
    if ConfirmForm().validate_on_submit():
        with unit_of_work() as session:
            # Take the case's row first: a second check of it waits here and then reads what the first wrote.
            # Without the lock, PostgreSQL let both read one version and the later write failed (review F-8).
            lock_case(session, case)
            snapshot = run_rule_check(session, current_actor(), case, table=current_table(session),
                                      calendar=calendar(session), now=utcnow(), targets=deadline_targets())
        flash(_("已完成法律依据审查（规则表 %(version)s）。", version=snapshot.rule_table_version), "success")
    return redirect(url_for("rulecheck.show", number=number))
