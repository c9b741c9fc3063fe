"""The decision page of a case: the assessment beside the proposal form, similar cases, approval or return,
payment and the lawsuit; and the goodwill-payment and precedent-risk reports."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from casework.audit.service import record
from casework.auth.guard import current_actor, requires
from casework.cases import deadlines
from casework.cases.models import Case
from casework.cases.pages import case_or_404, case_page
from casework.cases.submissions import Resubmitted, claim, settle
from casework.cases.workflow import TransitionRefused
from casework.decision import reports
from casework.decision.forms import (
    DecideForm,
    DecisionForm,
    LetterForm,
    LitigationForm,
    OnceForm,
    PaymentForm,
    ProposalForm,
)
from casework.decision.letters import LETTERS, TITLES, documents, generate
from casework.decision.models import CaseDocument
from casework.decision.service import (
    DECIDING_ROLES,
    JUDGMENT_RESULTS,
    LITIGATION_ROLES,
    LITIGATION_STEPS,
    PAYMENT_METHODS,
    Allowed,
    DecisionError,
    allowed_actions,
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
from casework.domain.decision import KINDS, NOTHING_OWED
from casework.domain.evidence import status as checklist_status
from casework.evidence.service import items as evidence_items
from casework.evidence.service import present, waivers
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.settings import deadline_targets, file_store, render_limits, setting
from casework.rulecheck.service import latest_assessment
from casework.ui.files import send_stored
from casework.ui.filters import SHANGHAI, label, refusal
from casework.ui.labels import DECISION_PROBLEM

bp = Blueprint("decision", __name__)
Posted = TypeVar("Posted", bound=DecisionForm)


def _threshold() -> Decimal:
    return Decimal(str(setting("SETTLEMENT_APPROVAL_THRESHOLD")))


def _chosen_kind(case: Case, typed: dict[str, Any]) -> str:
    """The kind whose section the form opens with: what was sent, else ?kind=, else what the check suggests
    (nothing owed by law: a rejection; otherwise a settlement)."""
    for asked in (typed.get("kind"), request.args.get("kind")):
        if asked in KINDS:
            return str(asked)
    return "reject" if case.assessment_outcome in NOTHING_OWED else "settle"


def _prefill(session: Session, actor: Actor, case: Case, allowed: Allowed, typed: dict[str, Any]) -> dict[str, str]:
    """What the proposal and payment forms start with, so nobody retypes what the file already says: the
    assessed amount, the claimant's name and account (legal roles only: they read it on the case page anyway,
    and each showing is on record as there); the payment from the approved settlement."""
    if typed:  # a refused form comes back exactly as it was sent, blanks included
        return {name: str(typed.get(name) or "") for name in PREFILLED}
    values: dict[str, str] = {}
    if allowed.propose:
        snapshot = latest_assessment(session, case.id)
        assessed = snapshot.amount if snapshot else case.assessment_amount
        account = case.claimant_bank_account if actor.can(Perm.CASE_PII_FULL) else None
        values.update(amount=f"{assessed:.2f}" if assessed else "", payee=case.claimant_name,
                      bank_account=account or "", payment_method="bank_transfer" if account else "")
        if account:
            with unit_of_work() as work:  # every showing of a full identifier is on record (cases.views.show)
                record(work, actor, "case.view_identifiers", now=utcnow(), object_type="case",
                       object_id=case.number, case_id=case.id)
    if allowed.pay and (settled := approved_proposal(session, case.id)) is not None and settled.amount:
        values.update(pay_amount=f"{settled.amount:.2f}", paid_on=utcnow().astimezone(SHANGHAI).date().isoformat())
    return values


PREFILLED = ("amount", "payee", "bank_account", "payment_method", "pay_amount", "paid_on")


def _page(case: Case, *, status: int = 200, problems: dict[str, str] | None = None,
          typed: dict[str, Any] | None = None) -> Any:
    session, actor = db.session(), current_actor()
    current, history = open_proposal(session, case.id), proposals(session, case.id)
    named = [number for p in history for number in p.similar or ()]
    allowed = allowed_actions(actor, case.state, current)
    prefill = _prefill(session, actor, case, allowed, typed or {})
    return render_template(
        "decision/page.html", case=case, proposal=current, history=history,
        visible_similar=reports.visible_numbers(session, actor, named),
        similar=similar_cases(session, actor, case), deadlines=deadlines.of_case(session, case),
        payments=payments(session, case.id), litigation=litigation(session, case.id), kinds=KINDS,
        documents=documents(session, case.id), titles=TITLES, evidence=evidence_items(session, case),
        withheld=() if actor.role in LETTER_ROLES else PERSONAL_LETTERS,
        checklist=checklist_status(case.category, present(session, case.id), waivers(session, case.id)),
        letter_for=current or approved_proposal(session, case.id), letters=LETTERS,
        allowed=allowed, prefill=prefill, chosen=_chosen_kind(case, typed or {}),
        settled=approved_proposal(session, case.id), methods=PAYMENT_METHODS, roles=LITIGATION_ROLES, steps=LITIGATION_STEPS,
        results=JUDGMENT_RESULTS, threshold=_threshold(),
        problems={k: str(DECISION_PROBLEM.get(v, v)) for k, v in (problems or {}).items()}, typed=typed or {},
        form=FlaskForm(), today=utcnow().astimezone(SHANGHAI).date(),
    ), status


@bp.route("/cases/<number>/decision")
@case_page(Perm.DECISION_READ)  # not field staff: similar cases' outcomes and amounts are legal's to weigh
def page(case: Case) -> Any:
    return _page(case)


def _posted(form_class: type[Posted]) -> Posted:
    """The request's form, validated; 400 without a valid CSRF token (or with a forged one-time key), 403 unless
    legal staff sent it."""
    form = form_class()
    form.validate_on_submit()
    if "csrf_token" in form.errors:
        abort(400)
    if isinstance(form, OnceForm):
        try:
            form.key()
        except ValueError:
            abort(400)
    if current_actor().role not in DECIDING_ROLES:
        abort(403)
    return form


def _done(case: Case, message: str) -> Any:
    flash(message, "success")
    return redirect(url_for("decision.page", number=case.number)), 303


def _refused(case: Case, why: TransitionRefused | StaleDataError) -> Any:
    """Someone else moved the case first (another officer, or the same click twice)."""
    db.session.rollback()
    reasons = why.reasons if isinstance(why, TransitionRefused) else ("wrong_state",)
    flash(_("未执行：") + "；".join(str(refusal(r)) for r in reasons) + _("（可能已有他人处理，请查看最新状态）"), "danger")
    return redirect(url_for("decision.page", number=case.number)), 303


def _again(case: Case) -> Any:
    """The same form submitted a second time (a double click): nothing was added again."""
    flash(_("这份表单已经提交过，没有重复登记。"), "info")
    return redirect(url_for("decision.page", number=case.number)), 303


def _submit(case: Case, form: DecisionForm, use_case: Callable[[Session], object], done: str) -> Any:
    """Run one use case in its unit of work, then back to the page with `done`. What the form or the service
    refuses comes back (422) with its messages and what was typed; a case someone moved first, with why."""
    problems = form.problems()
    if not problems:
        try:
            with unit_of_work() as session:
                use_case(session)
        except DecisionError as bad:
            problems = bad.problems
        except (TransitionRefused, StaleDataError) as why:
            return _refused(case, why)
        except Resubmitted:
            return _again(case)
        else:
            return _done(case, done)
    return _page(case_or_404(case.number), status=422, problems=problems, typed=form.typed())


@bp.route("/cases/<number>/decision/propose", methods=["POST"])
@case_page(Perm.CASE_EDIT)
def propose_view(case: Case) -> Any:
    form = _posted(ProposalForm)
    return _submit(case, form, lambda session: propose(
        session, current_actor(), case, form.draft(), now=utcnow(), threshold=_threshold(),
        targets=deadline_targets()), _("处理意见已提交审批。"))


@bp.route("/cases/<number>/decision/decide", methods=["POST"])
@case_page(Perm.CASE_EDIT)
def decide_view(case: Case) -> Any:
    form = _posted(DecideForm)
    return _submit(case, form, lambda session: decide(
        session, current_actor(), case, approve=form.approving, comment=form.comment.data, now=utcnow(),
        targets=deadline_targets()), _("已批准。") if form.approving else _("已退回。"))


@bp.route("/cases/<number>/decision/payment", methods=["POST"])
@case_page(Perm.CASE_EDIT)
def payment_view(case: Case) -> Any:
    form = _posted(PaymentForm)
    return _submit(case, form, lambda session: record_payment(
        session, current_actor(), case, amount=form.typed_amount, paid_on=form.day, voucher=form.voucher.data,
        now=utcnow(), targets=deadline_targets()), _("付款已登记。"))


@bp.route("/cases/<number>/decision/litigation", methods=["POST"])
@case_page(Perm.CASE_EDIT)
def litigation_view(case: Case) -> Any:
    form = _posted(LitigationForm)

    def use_case(session: Session) -> None:
        now = utcnow()
        once = claim(session, current_actor(), form.key(), "litigation", now=now)  # a step is recorded once
        entry = record_litigation(session, current_actor(), case, kind=form.kind.data, on=form.day,
                                  text=form.text.data, amount=form.amount.data, result=form.result.data, now=now,
                                  targets=deadline_targets())
        settle(session, once, entry.id)

    return _submit(case, form, use_case, _("诉讼进展已登记。"))


@bp.route("/cases/<number>/decision/letter", methods=["POST"])
@case_page(Perm.CASE_EDIT)
def letter(case: Case) -> Any:
    """Generate the letter of the open or approved proposal: a new version each time."""
    form = _posted(LetterForm)
    session = db.session()
    proposal = open_proposal(session, case.id) or approved_proposal(session, case.id)
    if proposal is None:
        flash(_("还没有处理意见，无法生成文书。"), "info")
        return redirect(url_for("decision.page", number=case.number)), 303
    try:
        with unit_of_work() as work:
            now = utcnow()
            once = claim(work, current_actor(), form.key(), "letter", now=now)  # a double click: one version
            document = generate(work, current_actor(), case, proposal, file_store(), now=now, limits=render_limits())
            kind, version = document.kind, document.version
            work.flush()
            settle(work, once, document.id)
    except Resubmitted:
        return _again(case)
    return _done(case, _("已生成：%(doc)s 第%(version)s版。", doc=label(kind, "letter_kind"), version=version))


@bp.route("/cases/<number>/documents/<int:document_id>")
@case_page(Perm.CASE_READ)
def download_letter(case: Case, document_id: int) -> Any:
    document = db.session.get(CaseDocument, document_id)
    if document is not None and document.case_id != case.id:  # another case's letter, tried through this one
        with unit_of_work() as session:
            record(session, current_actor(), "document.denied", now=utcnow(), object_type="document",
                   object_id=document_id, after={"case": case.number})
        abort(404)
    if document is None:
        abort(404)
    if document.kind in PERSONAL_LETTERS and current_actor().role not in LETTER_ROLES:
        # The agreement to be signed prints the full ID number and account: legal roles only.
        with unit_of_work() as session:
            record(session, current_actor(), "document.denied", now=utcnow(), object_type="document",
                   object_id=document_id, case_id=case.id,
                   after={"case": case.number, "kind": document.kind, "version": document.version})
        abort(403)
    with unit_of_work() as session:
        record(session, current_actor(), "document.download", now=utcnow(), object_type="case", object_id=case.number,
               case_id=case.id, after={"kind": document.kind, "version": document.version, "sha256": document.sha256})
    return send_stored(document.sha256, "application/pdf",
                       f"{case.number}-{TITLES[document.kind]}-v{document.version}.pdf", size=document.size)


# Letters that print personal data unmasked, and the roles that may download them.
PERSONAL_LETTERS = frozenset({"settlement_agreement"})
LETTER_ROLES = frozenset({Role.LEGAL, Role.LEGAL_HEAD})

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
    if not actor.can(Perm.DECISION_READ):  # field staff: the decision page is not theirs, nor its summary
        return "decision/panel.html", {"hidden": True}
    session = db.session()
    current = open_proposal(session, case.id)
    return "decision/panel.html", {"proposal": current, "goodwill": case.goodwill_payment,
                                   "proposals": len(proposals(session, case.id))}
