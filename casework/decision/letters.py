"""The letters of a decision: which there are, the plain values each prints (gathered from the case),
rendered to PDF and kept as versions.

Each generation is stored in the evidence store under its SHA-256 and recorded as a new version of the
case's document (never overwritten), with an audit entry."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import jinja2
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.audit.service import record
from casework.auth.units import signing_entity
from casework.cases.models import Case
from casework.decision.models import CaseDocument, Proposal
from casework.domain.access import Actor
from casework.domain.decision import amount_in_words
from casework.domain.personal import mask_id_number
from casework.evidence.models import Evidence
from casework.evidence.service import waivers
from casework.infra.pdf import Fetcher, pdf_from_html, render_html
from casework.infra.pdf_isolate import DEFAULT_LIMITS, RenderLimits, isolated_pdf
from casework.infra.storage import Store
from casework.rulecheck.present import AppliedRule, applied_rules
from casework.rulecheck.service import latest_assessment, table_of
from casework.ui.filters import SHANGHAI, day, isoday, label

KINDS = ("settlement_agreement", "rejection_letter", "referral_memo")
TITLES: dict[str, str] = {
    "settlement_agreement": "和解协议",
    "rejection_letter": "不予赔偿告知书",
    "referral_memo": "诉讼移交函",
}
# The values each letter's template (templates/documents/<kind>.html) prints; values_for gathers them.
# `company` is the signing legal entity (a station is no legal person), `handling_unit` the unit that handled
# the case when it is another one ("" otherwise).
COMMON = ("case_number", "category_label", "company", "handling_unit", "claimant_name", "claimant_address",
          "event_date", "place", "issued_at", "officer", "approver")
FIELDS: dict[str, tuple[str, ...]] = {
    # The agreement is the document to be signed: the full ID number and account (its download is restricted).
    "settlement_agreement": COMMON + ("claimant_id", "amount", "amount_words", "payee", "bank_account",
                                      "payment_method", "terms", "standard_terms", "appliances", "goodwill", "note"),
    "rejection_letter": COMMON + ("claimant_id_masked", "outcome_label", "reasons", "extra", "remedies"),
    "referral_memo": COMMON + ("claimant_id_masked", "counsel", "court", "role_label", "cause", "demand",
                               "amount_claimed", "facts", "analysis", "grounds", "risk", "evidence", "waived"),
}
# Which proposal each letter belongs to.
LETTERS = {"settle": "settlement_agreement", "reject": "rejection_letter", "escalate": "referral_memo"}
REMEDIES = ("如对本告知有异议，可自收到之日起向县级以上电力管理部门申请调解，也可依法向人民法院提起诉讼。")
COPIES = "本协议一式两份，甲乙双方各执一份，自双方签字（盖章）之日起生效。"
# The agreement's own clauses, shown beside the terms box so an officer does not type them again.
STANDARD_TERMS = (COPIES,)
# Items paid at (part of) their price pass to the utility; a repaired one stays with its owner.
PASSING_METHODS = ("full_price", "depreciated", "floor_10pct")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def _norm(text: str) -> str:
    """A clause compared without whitespace and punctuation (Chinese or Latin)."""
    return _PUNCT.sub("", text)


def agreement_terms(typed: list[str]) -> tuple[list[str], list[str]]:
    """(the officer's clauses without duplicates, the standard clauses the template adds).

    A clause typed twice, or typed as the template words it, prints once; an officer's own copies clause
    (一式…份) replaces the template's, so the number of copies is never stated twice."""
    standard = list(STANDARD_TERMS)
    seen = {_norm(t) for t in standard}
    terms: list[str] = []
    for term in typed:
        key = _norm(term)
        if not key or key in seen:
            continue
        seen.add(key)
        terms.append(term.strip())
    if any("一式" in t and "份" in t for t in terms):
        standard = [t for t in standard if t != COPIES]
    return terms, standard


def _yuan_words(amount: Decimal | None) -> str:
    return "未明确的金额" if amount is None else f"{amount:,.2f}元"


def _claim_sentence(case: Case, claimant: str) -> str:
    """The claim in words, from the case's own facts: what happened, when, where, what was asked."""
    category = str(label(case.category, "category", "zh"))
    said = f"{claimant}于{day(case.reported_on, 'zh')}提出" if case.reported_on else f"{claimant}提出"
    where = f"在{case.address}" if case.address else ""
    return (f"本案中，{day(case.event_on, 'zh')}{where}发生{category}事件，{said}赔偿"
            f"{_yuan_words(case.claimed_amount)}的请求")


def _fallback_finding(case: Case, title: str, outcome: str, *, first: bool, claimant: str) -> str:
    """One sentence applying a rule to this claim where the engine wrote none: the claim's facts once (in the
    first reason), then the rule's point and the conclusion."""
    rule = f"依上述规定（{title}）" if title else "依上述规定"
    head = _claim_sentence(case, claimant) + "；" if first else ""
    return f"{head}{rule}，本案审查结论为{outcome}。"


def _quoted(rule: AppliedRule) -> list[dict[str, str]]:
    """Each provision the rule rests on, with its full text; the rule's own quote where none is catalogued.
    Articles sharing one text (a quote covering several) are cited together and quoted once; a provision
    without any text is cited without a quotation (never an empty “”)."""
    pairs = [(p.citation, p.text.strip()) for p in rule.provisions if p.text.strip()] or [
        (rule.citation, rule.quote.strip())]
    out: list[dict[str, str]] = []
    for citation, text in pairs:
        if out and out[-1]["text"] == text:
            out[-1]["citation"] += "、" + _article_only(citation, out[-1]["citation"])
        else:
            out.append({"citation": citation, "text": text})
    return out


def _article_only(citation: str, previous: str) -> str:
    """《民法典》第二百零二条 after 《民法典》第二百零一条 reads 第二百零二条."""
    book, _, article = citation.rpartition("》")
    return article if book and previous.startswith(book + "》") and article else citation


def _relied_on(session: Session, proposal: Proposal, snapshot: Any) -> list[AppliedRule]:
    """The rules the proposal rests on (its grounds), in the engine's order; all applied rules if it names none."""
    if snapshot is None:
        return []
    rules = applied_rules(table_of(session, snapshot.rule_table_version), snapshot.result)
    named = {g.get("rule") for g in proposal.grounds or [] if g.get("rule")}
    chosen = [r for r in rules if r.rule_id in named]
    return chosen or rules


def _reasons(case: Case, rules: list[AppliedRule], outcome: str, *, claimant: str) -> list[dict[str, Any]]:
    return [{"title": r.title, "provisions": _quoted(r),
             "finding": (r.finding.get("zh") or "").strip()
             or _fallback_finding(case, r.title, outcome, first=i == 0, claimant=claimant)}
            for i, r in enumerate(rules)]


def _proposal_grounds(proposal: Proposal) -> list[dict[str, Any]]:
    """Grounds stored on a proposal without an assessment to read provisions from (older proposals)."""
    return [{"title": g.get("title", ""), "provisions": [{"citation": g.get("citation", ""),
                                                          "text": (g.get("quote") or "").strip()}],
             "finding": ""} for g in proposal.grounds or []]


def _passing_appliances(case: Case, snapshot: Any) -> list[dict[str, str]]:
    """The damaged appliances paid at full or depreciated price: they become the utility's property."""
    if case.category != "appliance" or snapshot is None:
        return []
    declared = {str(a.get("name", "")): a for a in (case.facts or {}).get("appliances") or []
                if isinstance(a, dict)}
    out = []
    for item in snapshot.result.get("items") or []:
        if item.get("method") not in PASSING_METHODS:
            continue
        name = str(item.get("name", ""))
        facts = declared.get(name, {})
        note = [str(label(str(item["method"]), "method", "zh"))]
        if facts.get("purchase_date"):
            note.insert(0, f"{isoday(str(facts['purchase_date']))}购置")
        out.append({"name": name, "quantity": "1", "note": "，".join(note)})
    return out


def _waived(session: Session, case: Case) -> list[dict[str, str]]:
    return [{"kind": str(label(w.kind, "evidence_kind", "zh")), "reason": w.reason,
             "by": w.waived_by.display_name, "at": day(w.waived_at.astimezone(SHANGHAI).date(), "zh")}
            for w in sorted(waivers(session, case.id).values(), key=lambda w: w.waived_at)]


def values_for(session: Session, case: Case, proposal: Proposal, *, now: datetime) -> dict[str, Any]:
    """Everything a letter prints, as plain strings, numbers and lists: the template sees no ORM object."""
    snapshot = latest_assessment(session, case.id)
    company = signing_entity(case.unit)
    values: dict[str, Any] = {
        "case_number": case.number, "category_label": str(label(case.category, "category", "zh")),
        "company": company, "handling_unit": case.unit.name if case.unit.name != company else "",
        "claimant_name": case.claimant_name,
        "claimant_address": case.claimant_address or "", "event_date": day(case.event_on, "zh"),
        "place": case.address or "", "issued_at": day(now.astimezone(SHANGHAI).date(), "zh"),
        "officer": proposal.proposed_by.display_name,
        "approver": proposal.decided_by.display_name if proposal.decided_by and proposal.status == "approved" else "",
    }
    masked = mask_id_number(case.claimant_id_number) if case.claimant_id_number else ""
    if proposal.kind == "settle":
        amount = proposal.amount or Decimal("0")
        terms, standard = agreement_terms(list(proposal.terms or []))
        values.update(claimant_id=case.claimant_id_number or "", amount=amount, amount_words=amount_in_words(amount),
                      payee=proposal.payee or "", bank_account=proposal.bank_account or "",
                      payment_method=str(label(proposal.payment_method, "payment_method", "zh")),
                      terms=terms, standard_terms=standard, appliances=_passing_appliances(case, snapshot),
                      goodwill=proposal.goodwill, note=proposal.note or "")
    elif proposal.kind == "reject":
        outcome = str(label(proposal.assessment_outcome, "outcome", "zh"))
        rules = _relied_on(session, proposal, snapshot)
        values.update(claimant_id_masked=masked, outcome_label=outcome,
                      reasons=_reasons(case, rules, outcome, claimant="您") if rules else _proposal_grounds(proposal),
                      extra=proposal.note or "", remedies=REMEDIES)
    else:
        evidence = session.scalars(select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.id))
        outcome = str(label(snapshot.outcome if snapshot else None, "outcome", "zh"))
        rules = _relied_on(session, proposal, snapshot)
        # To counsel: the claim once in words, then each rule's finding where the engine wrote one; the
        # provisions under 依据 are quoted without repeating those sentences.
        findings = [(r.finding.get("zh") or "").strip() for r in rules]
        values.update(
            claimant_id_masked=masked,
            counsel=proposal.counsel or "", court=proposal.court or "",
            role_label=str(label(proposal.litigation_role, "litigation_role", "zh")), cause=proposal.cause or "",
            demand=proposal.demand or "", amount_claimed=case.claimed_amount,
            facts=[("事发日期", day(case.event_on, "zh")), ("报案日期", day(case.reported_on, "zh")),
                   ("事发地点", case.address or "—"), ("情况说明", case.description or "—")],
            # The analysis in words: the finding of each rule relied on, never the engine's step list.
            analysis=[_claim_sentence(case, "对方当事人") + "。", f"法律依据审查结论：{outcome}。",
                      *[f for f in findings if f]],
            grounds=[{"title": r.title, "provisions": _quoted(r), "finding": ""} for r in rules]
            or _proposal_grounds(proposal), risk=proposal.risk or "",
            evidence=[{"kind": str(label(e.kind, "evidence_kind", "zh")), "name": e.original_name,
                       "sha256": e.sha256, "withdrawn": e.withdrawn_at is not None} for e in evidence],
            waived=_waived(session, case),
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

