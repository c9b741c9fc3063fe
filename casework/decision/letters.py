"""The letters of a decision: which there are, the plain values each prints (gathered from the case),
rendered to PDF and kept as versions.

Each generation is stored in the evidence store under its SHA-256 and recorded as a new version of the
case's document (never overwritten), with an audit entry."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import jinja2
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.cases.models import Case
from casework.decision.models import CaseDocument, Proposal
from casework.domain.access import Actor
from casework.domain.decision import amount_in_words
from casework.domain.personal import mask_bank_account, mask_id_number
from casework.evidence.models import Evidence
from casework.infra.pdf import Fetcher, pdf_from_html, render_html
from casework.infra.pdf_isolate import DEFAULT_LIMITS, RenderLimits, isolated_pdf
from casework.infra.storage import Store
from casework.rulecheck.service import latest_assessment
from casework.ui.filters import SHANGHAI, day, label

KINDS = ("settlement_agreement", "rejection_letter", "referral_memo")
TITLES: dict[str, str] = {
    "settlement_agreement": "和解协议",
    "rejection_letter": "不予赔偿告知书",
    "referral_memo": "诉讼移交函",
}
# The values each letter's template (templates/documents/<kind>.html) prints; values_for gathers them.
COMMON = ("case_number", "category_label", "company", "claimant_name", "claimant_id_masked", "claimant_address",
          "event_date", "place", "issued_at", "officer", "approver")
FIELDS: dict[str, tuple[str, ...]] = {
    "settlement_agreement": COMMON + ("amount", "amount_words", "payee", "bank_account_masked", "payment_method",
                                      "terms", "goodwill", "note"),
    "rejection_letter": COMMON + ("outcome_label", "grounds", "explanation", "extra", "remedies"),
    "referral_memo": COMMON + ("counsel", "court", "role_label", "cause", "demand", "amount_claimed", "facts",
                               "analysis", "grounds", "risk", "evidence"),
}
# Which proposal each letter belongs to.
LETTERS = {"settle": "settlement_agreement", "reject": "rejection_letter", "escalate": "referral_memo"}
REMEDIES = ("如对本告知有异议，可自收到之日起向县级以上电力管理部门申请调解，也可依法向人民法院提起诉讼。")


def _grounds(proposal: Proposal) -> list[dict[str, str]]:
    return [{"instrument": g.get("citation", ""), "article": "", "title": g.get("title", ""),
             "quote": g.get("quote", "")} for g in proposal.grounds or []]


def values_for(session: Session, case: Case, proposal: Proposal, *, now: datetime) -> dict[str, Any]:
    """Everything a letter prints, as plain strings, numbers and lists: the template sees no ORM object."""
    snapshot = latest_assessment(session, case.id)
    values: dict[str, Any] = {
        "case_number": case.number, "category_label": str(label(case.category, "category", "zh")),
        "company": case.unit.name, "claimant_name": case.claimant_name,
        "claimant_id_masked": mask_id_number(case.claimant_id_number) if case.claimant_id_number else "",
        "claimant_address": case.claimant_address or "", "event_date": day(case.event_on, "zh"),
        "place": case.address or "", "issued_at": day(now.astimezone(SHANGHAI).date(), "zh"),
        "officer": proposal.proposed_by.display_name,
        "approver": proposal.decided_by.display_name if proposal.decided_by and proposal.status == "approved" else "",
    }
    if proposal.kind == "settle":
        amount = proposal.amount or Decimal("0")
        values.update(amount=amount, amount_words=amount_in_words(amount), payee=proposal.payee or "",
                      bank_account_masked=mask_bank_account(proposal.bank_account) if proposal.bank_account else "",
                      payment_method=str(label(proposal.payment_method, "payment_method", "zh")),
                      terms=list(proposal.terms or []), goodwill=proposal.goodwill, note=proposal.note or "")
    elif proposal.kind == "reject":
        values.update(outcome_label=str(label(proposal.assessment_outcome, "outcome", "zh")),
                      grounds=_grounds(proposal), explanation=list(snapshot.result["explanation"] if snapshot else []),
                      extra=proposal.note or "", remedies=REMEDIES)
    else:
        evidence = session.scalars(select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.id))
        values.update(
            counsel=proposal.counsel or "", court=proposal.court or "",
            role_label=str(label(proposal.litigation_role, "litigation_role", "zh")), cause=proposal.cause or "",
            demand=proposal.demand or "", amount_claimed=case.claimed_amount,
            facts=[("事发日期", day(case.event_on, "zh")), ("报案日期", day(case.reported_on, "zh")),
                   ("事发地点", case.address or "—"), ("情况说明", case.description or "—")],
            analysis=list(snapshot.result["explanation"] if snapshot else []),
            grounds=_grounds(proposal) or [{"instrument": c.get("instrument", ""), "article": c.get("article", ""),
                                             "title": "", "quote": ""}
                                            for c in (snapshot.result["citations"] if snapshot else [])],
            risk=proposal.risk or "",
            evidence=[{"kind": str(label(e.kind, "evidence_kind", "zh")), "name": e.original_name,
                       "sha256": e.sha256, "withdrawn": e.withdrawn_at is not None} for e in evidence],
        )
    return values


def letter_html(kind: str, values: Mapping[str, Any], *, templates: jinja2.Environment | None = None) -> str:
    """The letter's HTML, before layout; refused (ValueError) for an unknown kind or a value it lacks."""
    if kind not in KINDS:
        raise ValueError(f"unknown letter kind {kind!r}; expected one of {KINDS}")
    missing = [name for name in FIELDS[kind] if name not in values]
    if missing:
        raise ValueError(f"{kind} lacks values: {', '.join(missing)}")
    return render_html(f"documents/{kind}.html", {**values, "kind": kind, "title": TITLES[kind]}, templates=templates)


def letter_pdf(kind: str, values: Mapping[str, Any], *, templates: jinja2.Environment | None = None,
               url_fetcher: Fetcher | None = None) -> bytes:
    """The PDF bytes of one letter, in this process (`generate` renders in a child within limits).

    `values`: plain values as listed in FIELDS[kind] (strings already formatted, amounts as Decimal).
    `url_fetcher`: a function url -> URLFetcherResponse; None means infra.pdf.default_fetcher. A test's spy
    wraps default_fetcher to see every URL the letter asks for.
    """
    return pdf_from_html(letter_html(kind, values, templates=templates), url_fetcher=url_fetcher)


def generate(session: Session, actor: Actor, case: Case, proposal: Proposal, store: Store, *,
             now: datetime, limits: RenderLimits = DEFAULT_LIMITS) -> CaseDocument:
    """Render the proposal's letter (in a child process within `limits`), keep the PDF (file first), add the
    next version and an audit entry."""
    kind = LETTERS[proposal.kind]
    pdf = isolated_pdf(letter_html(kind, values_for(session, case, proposal, now=now)), limits=limits)
    sha256 = store.put(pdf)  # file first
    version = (session.scalar(select(func.max(CaseDocument.version)).where(
        CaseDocument.case_id == case.id, CaseDocument.kind == kind)) or 0) + 1
    document = CaseDocument(case_id=case.id, kind=kind, version=version, sha256=sha256, size=len(pdf),
                            created_by_id=actor.user_id, created_at=now)
    session.add(document)
    record(session, actor, "document.generate", now=now, object_type="case", object_id=case.number,
           case_id=case.id, after={"kind": kind, "version": version, "sha256": sha256})
    return document


def documents(session: Session, case_id: int) -> list[CaseDocument]:
    return list(session.scalars(select(CaseDocument).where(CaseDocument.case_id == case_id)
                                .order_by(CaseDocument.kind, CaseDocument.version)))

