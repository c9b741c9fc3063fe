"""The decision page of a case: the assessment beside the proposal form, similar cases, approval or return,
payment and the lawsuit; and the goodwill-payment and precedent-risk reports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError

from casework.audit.service import record
from casework.auth.guard import current_actor, requires
from casework.cases import deadlines
from casework.cases.forms import without_controls
from casework.cases.models import Case
from casework.cases.pages import case_or_404
from casework.cases.workflow import TransitionRefused
from casework.decision import reports
from casework.decision.letters import LETTERS, documents, generate
from casework.decision.models import CaseDocument
from casework.decision.service import (
    LITIGATION_ROLES,
    LITIGATION_STEPS,
    PAYMENT_METHODS,
    DecisionError,
    Draft,
    approved_proposal,
    decide,
    litigation,
    open_proposal,
    payments,
    proposals,
    propose,
    record_litigation,
    record_payment,
    similar_cases,
)
from casework.domain.access import Actor, Perm, Role
from casework.domain.decision import KINDS, may_approve
from casework.domain.evidence import status as checklist_status
from casework.domain.lifecycle import State
from casework.evidence.service import items as evidence_items
from casework.evidence.service import present, waivers
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.pdf import TITLES
from casework.infra.settings import deadline_targets, file_store, render_limits, setting
from casework.ui.files import send_stored
from casework.ui.filters import SHANGHAI, refusal
from casework.ui.labels import DECISION_PROBLEM

bp = Blueprint("decision", __name__)
LEGAL = (Role.LEGAL, Role.LEGAL_HEAD)



def _threshold() -> Decimal:
    return Decimal(str(setting("SETTLEMENT_APPROVAL_THRESHOLD")))


def _page(case: Case, *, status: int = 200, problems: dict[str, str] | None = None,
          typed: dict[str, Any] | None = None) -> Any:
    session = db.session()
    actor = current_actor()
    current = open_proposal(session, case.id)
    legal = actor.role in LEGAL
    return render_template(
        "decision/page.html", case=case, proposal=current, history=proposals(session, case.id),
        similar=similar_cases(session, case), deadlines=deadlines.of_case(session, case),
        payments=payments(session, case.id), litigation=litigation(session, case.id), kinds=KINDS,
        documents=documents(session, case.id), titles=TITLES, evidence=evidence_items(session, case),
        checklist=checklist_status(case.category, present(session, case.id), waivers(session, case.id)),
        letter_for=current or approved_proposal(session, case.id), letters=LETTERS, current_user_legal=legal,
        methods=PAYMENT_METHODS, roles=LITIGATION_ROLES, steps=LITIGATION_STEPS, threshold=_threshold(),
        may_propose=legal and case.state == State.EVIDENCE_COMPLETE.value,
        may_decide=bool(current and legal and may_approve(actor.role, Role(current.needs_role),
                                                          proposed_by_actor=current.proposed_by_id == actor.user_id)),
        may_pay=legal and case.state == State.SETTLED.value,
        may_litigate=legal and case.state in (State.IN_LITIGATION.value, State.JUDGED.value),
        problems={k: str(DECISION_PROBLEM.get(v, v)) for k, v in (problems or {}).items()}, typed=typed or {},
        form=FlaskForm(), today=utcnow().astimezone(SHANGHAI).date(),
    ), status


@bp.route("/cases/<number>/decision")
@requires(Perm.CASE_READ)
def page(number: str) -> Any:
    return _page(case_or_404(number))


def _legal_post(number: str) -> Case:
    case = case_or_404(number)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if current_actor().role not in LEGAL:
        abort(403)
    return case


def _done(case: Case, message: str) -> Any:
    flash(message, "success")
    return redirect(url_for("decision.page", number=case.number)), 303


def _refused(case: Case, why: TransitionRefused | StaleDataError) -> Any:
    """Someone else moved the case first (another officer, or the same click twice)."""
    db.session.rollback()
    reasons = why.reasons if isinstance(why, TransitionRefused) else ("wrong_state",)
    flash(_("未执行：") + "；".join(str(refusal(r)) for r in reasons) + _("（可能已有他人处理，请查看最新状态）"), "danger")
    return redirect(url_for("decision.page", number=case.number)), 303


@bp.route("/cases/<number>/decision/propose", methods=["POST"])
@requires(Perm.CASE_EDIT)
def propose_view(number: str) -> Any:
    case = _legal_post(number)
    form = {key: without_controls(value) for key, value in request.form.items()}
    draft = Draft(kind=form.get("kind", ""), amount=form.get("amount", "")[:20], payee=form.get("payee", "")[:100],
                  bank_account=form.get("bank_account", "")[:40], payment_method=form.get("payment_method", ""),
                  terms=form.get("terms", "")[:5000].splitlines(), litigation_role=form.get("litigation_role", ""),
                  court=form.get("court", "")[:200], cause=form.get("cause", "")[:200],
                  demand=form.get("demand", "")[:5000], counsel=form.get("counsel", "")[:200],
                  risk=form.get("risk", "")[:5000], note=form.get("note", "")[:5000],
                  reason=form.get("reason", "")[:5000])
    try:
        with unit_of_work() as session:
            propose(session, current_actor(), case, draft, now=utcnow(), threshold=_threshold(),
                    targets=deadline_targets())
    except DecisionError as bad:
        db.session.rollback()
        return _page(case_or_404(number), status=422, problems=bad.problems, typed=form)
    except (TransitionRefused, StaleDataError) as why:
        return _refused(case, why)
    return _done(case, _("处理意见已提交审批。"))


@bp.route("/cases/<number>/decision/decide", methods=["POST"])
@requires(Perm.CASE_EDIT)
def decide_view(number: str) -> Any:
    case = _legal_post(number)
    approve = request.form.get("approve") == "1"
    try:
        with unit_of_work() as session:
            decide(session, current_actor(), case, approve=approve,
                   comment=without_controls(request.form.get("comment", "")[:5000]),
                   now=utcnow(), targets=deadline_targets())
    except (TransitionRefused, StaleDataError) as why:
        return _refused(case, why)
    return _done(case, _("已批准。") if approve else _("已退回。"))


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@bp.route("/cases/<number>/decision/payment", methods=["POST"])
@requires(Perm.CASE_EDIT)
def payment_view(number: str) -> Any:
    case = _legal_post(number)
    form = {key: without_controls(value) for key, value in request.form.items()}
    try:
        with unit_of_work() as session:
            record_payment(session, current_actor(), case, amount=form.get("pay_amount", "")[:20],
                           paid_on=_day(form.get("paid_on", "")), voucher=form.get("voucher", "")[:64],
                           now=utcnow(), targets=deadline_targets())
    except DecisionError as bad:
        db.session.rollback()
        return _page(case_or_404(number), status=422, problems=bad.problems, typed=form)
    except (TransitionRefused, StaleDataError) as why:
        return _refused(case, why)
    return _done(case, _("付款已登记。"))


@bp.route("/cases/<number>/decision/litigation", methods=["POST"])
@requires(Perm.CASE_EDIT)
def litigation_view(number: str) -> Any:
    case = _legal_post(number)
    form = {key: without_controls(value) for key, value in request.form.items()}
    try:
        with unit_of_work() as session:
            record_litigation(session, current_actor(), case, kind=form.get("step", ""),
                              on=_day(form.get("on", "")), text=form.get("text", "")[:5000],
                              amount=form.get("awarded", "")[:20], now=utcnow(), targets=deadline_targets())
    except DecisionError as bad:
        db.session.rollback()
        return _page(case_or_404(number), status=422, problems=bad.problems, typed=form)
    except (TransitionRefused, StaleDataError) as why:
        return _refused(case, why)
    return _done(case, _("诉讼进展已登记。"))


@bp.route("/cases/<number>/decision/letter", methods=["POST"])
@requires(Perm.CASE_EDIT)
def letter(number: str) -> Any:
    """Generate the letter of the open or approved proposal: a new version each time."""
    case = _legal_post(number)
    session = db.session()
    proposal = open_proposal(session, case.id) or approved_proposal(session, case.id)
    if proposal is None:
        flash(_("还没有处理意见，无法生成文书。"), "info")
        return redirect(url_for("decision.page", number=case.number)), 303
    with unit_of_work() as work:
        document = generate(work, current_actor(), case, proposal, file_store(), now=utcnow(), limits=render_limits())
        label_text = f"{document.kind} v{document.version}"
    return _done(case, _("已生成：%(doc)s。", doc=label_text))


@bp.route("/cases/<number>/documents/<int:document_id>")
@requires(Perm.CASE_READ)
def download_letter(number: str, document_id: int) -> Any:
    case = case_or_404(number)
    document = db.session.get(CaseDocument, document_id)
    if document is None or document.case_id != case.id:
        abort(404)
    with unit_of_work() as session:
        record(session, current_actor(), "document.download", now=utcnow(), object_type="case", object_id=case.number,
               case_id=case.id, after={"kind": document.kind, "version": document.version, "sha256": document.sha256})
    return send_stored(document.sha256, "application/pdf",
                       f"{case.number}-{TITLES[document.kind]}-v{document.version}.pdf", size=document.size)


REPORT_LIMIT = 200  # the most rows a report lists; it says when there are more


@bp.route("/reports/goodwill")
@requires(Perm.REPORTS_READ)
def goodwill_report() -> Any:
    report = reports.goodwill(db.session(), current_actor(), limit=REPORT_LIMIT)
    return render_template("decision/goodwill.html", rows=report.totals, cases=report.cases)


@bp.route("/reports/precedent-risk")
@requires(Perm.REPORTS_READ)
def precedent_risk_report() -> Any:
    report = reports.precedent_risks(db.session(), current_actor(), limit=REPORT_LIMIT)
    return render_template("decision/precedent_risk.html", rows=report.rows, total=report.total,
                           linkable=report.linkable)


def case_panel(case: Case, actor: Actor) -> tuple[str, dict[str, Any]]:
    session = db.session()
    current = open_proposal(session, case.id)
    return "decision/panel.html", {"proposal": current, "goodwill": case.goodwill_payment,
                                   "proposals": len(proposals(session, case.id))}
