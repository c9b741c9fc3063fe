"""Acting on a case (lifecycle events, assignment) and the work lists: mine, due today, overdue, workload."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from casework.auth.guard import current_actor, requires
from casework.auth.models import User
from casework.cases import site_visit as site_visit_clock
from casework.cases import work
from casework.cases.assignment import AssignError, assign, workload
from casework.cases.forms import without_controls
from casework.cases.models import Case
from casework.cases.pages import case_or_404, case_page
from casework.cases.site_visit import REFUSALS, SiteVisitForm, display_name, may_record, record_visit, visits
from casework.cases.workflow import TransitionRefused, fire
from casework.domain.access import Actor, Perm, Role
from casework.domain.lifecycle import Event
from casework.infra.bounds import form_id
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.settings import deadline_targets
from casework.ui.filters import refusal
from casework.ui.labels import EVENT

bp = Blueprint("work", __name__)
# Events that cannot be undone: the form's confirmation box must be ticked (templates/cases/show.html).
CONFIRMED = frozenset({Event.CLOSE, Event.WITHDRAW})



def _today() -> Any:
    return site_visit_clock.today()


@bp.route("/cases/<number>/events/<event>", methods=["POST"])
@case_page(Perm.CASE_EDIT)
def fire_event(case: Case, event: str) -> Any:
    try:
        which = Event(event)
    except ValueError:
        abort(404)
    number = case.number
    if not FlaskForm().validate_on_submit():
        abort(400)
    if which in CONFIRMED and request.form.get("confirm") != "1":
        flash(_("未执行：请先勾选确认框，再点“%(event)s”。", event=_label(which)), "danger")
        return redirect(url_for("cases.show", number=number)), 303
    reason = without_controls(request.form.get("reason", "")[:2000])
    try:
        with unit_of_work() as session:
            fire(session, current_actor(), case, which, now=utcnow(), targets=deadline_targets(),
                 reason=reason)
    except TransitionRefused as refused:
        flash(_("无法执行：") + "；".join(str(refusal(r)) for r in refused.reasons), "danger")
        return redirect(url_for("cases.show", number=number)), 303
    flash(_("已完成：%(event)s。", event=_label(which)), "success")
    return redirect(url_for("cases.show", number=number)), 303


def _label(event: Event) -> str:
    return str(EVENT.get(event.value, event.value))


@bp.route("/cases/<number>/assign", methods=["POST"])
@case_page(Perm.CASE_PII_FULL)  # legal staff: the roles that take on cases
def assign_case(case: Case) -> Any:
    number = case.number
    if not FlaskForm().validate_on_submit():
        abort(400)
    chosen = request.form.get("assignee", "")
    officer_id = form_id(chosen)
    if chosen and officer_id is None:  # not an id the menu could have sent (review F-11)
        abort(400)
    try:
        with unit_of_work() as session:
            officer = session.get(User, officer_id) if officer_id else None
            assign(session, current_actor(), case, officer, now=utcnow())
    except AssignError:
        flash(_("只能分派给本单位的法务人员。"), "danger")
    else:
        flash(_("承办人已更新。"), "success")
    return redirect(url_for("cases.show", number=number)), 303


LISTS = {"mine": "我的待办", "today": "今日到期", "overdue": "已逾期"}


@bp.route("/work/", defaults={"which": "mine"})
@bp.route("/work/<which>")
@requires(Perm.CASE_READ)
def lists(which: str) -> Any:
    actor, session, today = current_actor(), db.session(), _today()
    if which == "mine":
        return _todo(actor, session, today)
    if which == "today":
        cases = work.due_on(session, actor, today)
    elif which == "overdue":
        cases = work.overdue(session, actor, today)
    else:
        abort(404)
    return render_template("cases/work.html", which=which, cases=cases, today=today, limit=work.LIMIT)


def _todo(actor: Actor, session: Any, today: Any) -> Any:
    """The landing page: what this role must do now, in the order it should be done."""
    return render_template(
        "cases/work.html", which="mine", today=today, limit=work.LIMIT, cases=None,
        approvals=work.approvals(session, actor), tables=work.submitted_tables(session, actor),
        returned=work.returned(session, actor),
        visits=work.visits_due(session, actor, today) if actor.role is Role.FIELD else [],
        drafts=work.drafts(session, actor) if actor.role is Role.FIELD else [],
        mine=work.mine_with_duties(session, actor, today) if actor.role in (Role.LEGAL, Role.LEGAL_HEAD) else [])


@bp.app_context_processor
def _waiting() -> dict[str, Any]:
    """`waiting()` for the menu badge: computed only when the menu is drawn (COUNT queries, see work.waiting)."""
    def waiting() -> int:
        actor = current_actor()
        return work.waiting(db.session(), actor, _today()) if actor.can(Perm.CASE_READ) else 0
    return {"waiting": waiting}


@bp.route("/cases/<number>/site-visit")
@case_page(Perm.CASE_READ)
def site_visit(case: Case) -> Any:
    """The on-site investigation: its record, and the form for those who may record it."""
    actor = current_actor()
    form = SiteVisitForm(formdata=None, visitors=display_name(db.session(), actor), place=case.address)
    return _visit_page(case, form, 200)


@bp.route("/cases/<number>/site-visit", methods=["POST"])
@case_page(Perm.CASE_EDIT)
def record_site_visit(case: Case) -> Any:
    """Record a visit; bad input re-renders the form with what was typed and the reason, nothing stored."""
    actor = current_actor()
    if not may_record(actor, case):
        abort(403)
    form = SiteVisitForm()
    if form.validate_on_submit():
        number, case_id = case.number, case.id
        with unit_of_work() as session:
            row = session.get(Case, case_id)
            assert row is not None
            outcome = record_visit(session, actor, row, form, now=site_visit_clock.now(), targets=deadline_targets())
        if not isinstance(outcome, str):
            flash(_("现场调查已记录。"), "success")
            return redirect(url_for("cases.show", number=number) + "#site-visit"), 303
        form.visited_at.errors = [*form.visited_at.errors, str(REFUSALS[outcome])]
        case = case_or_404(number)
    return _visit_page(case, form, 422)


def _visit_page(case: Case, form: SiteVisitForm, status: int) -> Any:
    return render_template("cases/site_visit.html", case=case, form=form, may=may_record(current_actor(), case),
                           visits=visits(db.session(), case.id)), status


@bp.route("/work/workload")
@requires(Perm.WORKLOAD_READ)
def team() -> Any:
    actor = current_actor()
    return render_template("cases/workload.html", rows=workload(db.session(), actor, today=_today()))
