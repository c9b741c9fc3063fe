"""What a dossier prints, gathered as plain values (the template never sees an ORM object)."""

from __future__ import annotations

import base64
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit.models import AuditEvent
from casework.cases import deadlines
from casework.cases.models import Case
from casework.decision.letters import TITLES, documents
from casework.decision.models import Proposal
from casework.decision.service import litigation, payments, proposals
from casework.domain.personal import mask_id_number, mask_phone
from casework.evidence.models import Evidence, EvidenceWaiver
from casework.evidence.service import thumbnail_name
from casework.infra.pdf import yuan
from casework.infra.storage import Store
from casework.rulecheck.present import applied_rules
from casework.rulecheck.service import latest_assessment, table_of
from casework.ui.filters import SHANGHAI, day, fact_label, filesize, label, moment

ZH = "zh"


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return yuan(value)
    if isinstance(value, date):
        return day(value, ZH)
    return str(value)


def _facts(case: Case) -> list[tuple[str, str]]:
    """The contract facts as recorded, each under its Chinese label (appliances item by item)."""
    rows: list[tuple[str, str]] = []
    for key, value in (case.circumstances or {}).items():
        rows.append((fact_label(case.category, key), _text(value)))
    for key, value in (case.facts or {}).items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for index, item in enumerate(value):
                for inner, text in item.items():
                    rows.append((fact_label(case.category, f"facts.{key}[{index}].{inner}"), _text(text)))
        else:
            rows.append((fact_label(case.category, f"facts.{key}"), _text(value)))
    return rows


def _corrections(history: list[AuditEvent]) -> list[dict[str, str]]:
    out = []
    for entry in history:
        if entry.action != "case.edit":
            continue
        for key, after in (entry.after or {}).items():
            if key == "version":
                continue
            out.append({"at": moment(entry.at, ZH), "who": entry.actor_name, "field": str(label(key, "field", ZH)),
                        "before": _text((entry.before or {}).get(key)), "after": _text(after)})
    return out


def _check(session: Session, case: Case) -> dict[str, Any] | None:
    snapshot = latest_assessment(session, case.id)
    if snapshot is None:
        return None
    result = snapshot.result
    rules = applied_rules(table_of(session, snapshot.rule_table_version), result)
    return {
        "version": snapshot.rule_table_version, "at": moment(snapshot.run_at, ZH), "by": snapshot.run_by_name,
        "outcome": str(label(snapshot.outcome, "outcome", ZH)), "amount": yuan(snapshot.amount),
        "rules": [{"citation": r.citation, "title": r.title, "quote": r.quote} for r in rules],
        "explanation": list(result["explanation"]),
        "flags": [str(label(flag, "flag", ZH)) for flag in result["flags"]],
    }


def _evidence(session: Session, case: Case, store: Store) -> list[dict[str, Any]]:
    rows = []
    for item in session.scalars(select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.id)):
        thumb = None
        if item.has_thumbnail:
            found = store.open_derived(thumbnail_name(item.sha256))
            if found is not None:
                with found:
                    thumb = "data:image/jpeg;base64," + base64.b64encode(found.read()).decode("ascii")
        rows.append({
            "kind": str(label(item.kind, "evidence_kind", ZH)), "name": item.original_name,
            "size": filesize(item.size), "sha256": item.sha256, "by": item.uploaded_by.display_name,
            "at": moment(item.uploaded_at, ZH), "thumbnail": thumb,
            "withdrawn": {"at": moment(item.withdrawn_at, ZH), "reason": item.withdraw_reason or "",
                          "by": item.withdrawn_by.display_name if item.withdrawn_by else ""}
            if item.withdrawn_at else None,
        })
    return rows


def _proposal(p: Proposal) -> dict[str, Any]:
    return {
        "kind": str(label(p.kind, "decision_kind", ZH)), "status": str(label(p.status, "proposal_status", ZH)),
        "by": p.proposed_by.display_name, "at": moment(p.proposed_at, ZH),
        "amount": yuan(p.amount) if p.amount is not None else "", "payee": p.payee or "",
        "terms": list(p.terms or []), "grounds": list(p.grounds or []), "court": p.court or "", "cause": p.cause or "",
        "role": str(label(p.litigation_role, "litigation_role", ZH)) if p.litigation_role else "",
        "risk": p.risk or "", "reason": p.reason or "", "note": p.note or "", "goodwill": p.goodwill,
        "precedent_risk": p.precedent_risk, "similar": list(p.similar or []),
        "decided_by": p.decided_by.display_name if p.decided_by else "",
        "decided_at": moment(p.decided_at, ZH) if p.decided_at else "", "comment": p.comment or "",
        "needs_head": p.needs_role == "legal_head",
    }


def _brief(entry: AuditEvent) -> str:
    values = {**(entry.after or {})}
    values.pop("version", None)
    if entry.action == "case.edit":  # the values are in the corrections already: name the fields only
        return "、".join(str(label(key, "field", ZH)) for key in values)
    parts = []
    for key, value in list(values.items())[:4]:
        text = _text(value)
        parts.append(f"{label(key, 'field', ZH)}：{text[:80]}")
    return "；".join(parts)


def dossier_values(session: Session, case: Case, store: Store, *, sealed_at: datetime, chain: tuple[int, str]
                   ) -> dict[str, Any]:
    history = list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq)))
    decided = [p for p in proposals(session, case.id) if p.status == "approved"]
    waivers = session.scalars(select(EvidenceWaiver).where(EvidenceWaiver.case_id == case.id)
                              .order_by(EvidenceWaiver.id))
    return {
        "case_number": case.number, "sealed_at": sealed_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        "cover": [
            ("类别", str(label(case.category, "category", ZH))), ("状态", str(label(case.state, "state", ZH))),
            ("索赔人", case.claimant_name),
            ("身份证号", mask_id_number(case.claimant_id_number) if case.claimant_id_number else "—"),
            ("联系电话", mask_phone(case.claimant_phone) if case.claimant_phone else "—"),
            ("所属单位", case.unit.name), ("事发地点", case.address or "—"), ("事发日期", day(case.event_on, ZH)),
            ("报案日期", day(case.reported_on, ZH)), ("登记时间", moment(case.created_at, ZH)),
            ("审查结论", str(label(case.assessment_outcome, "outcome", ZH))),
            ("应赔金额", yuan(case.assessment_amount) if case.assessment_amount is not None else "—"),
            ("索赔金额", yuan(case.claimed_amount) if case.claimed_amount is not None else "—"),
            ("承办人", case.assignee.display_name if case.assignee else "—"),
            ("审批人", "、".join(p.decided_by.display_name for p in decided if p.decided_by) or "—"),
        ],
        "goodwill": case.goodwill_payment,
        "precedent_risk": any(p.precedent_risk for p in proposals(session, case.id)),
        "description": case.description or "",
        "facts": [("索赔人", case.claimant_name), ("住址", case.claimant_address or "—"),
                  ("事发地点", case.address or "—"), ("事发日期", day(case.event_on, ZH)),
                  ("报案日期", day(case.reported_on, ZH)),
                  ("索赔金额", yuan(case.claimed_amount) if case.claimed_amount is not None else "—"),
                  *_facts(case)],
        "corrections": _corrections(history),
        "check": _check(session, case),
        "deadlines": [{"due": day(d.due, ZH), "kind": str(label(d.kind, "deadline", ZH)),
                       "citation": f"{d.citation['instrument']}{d.citation['article']}" if d.citation else "公司内部时限"}
                      for d in deadlines.of_case(session, case)],
        "evidence": _evidence(session, case, store),
        "waivers": [{"kind": str(label(w.kind, "evidence_kind", ZH)), "reason": w.reason,
                     "by": w.waived_by.display_name, "at": moment(w.waived_at, ZH), "revoked": w.revoked_at is not None}
                    for w in waivers],
        "proposals": [_proposal(p) for p in proposals(session, case.id)],
        "documents": [{"title": TITLES.get(d.kind, d.kind), "version": d.version, "sha256": d.sha256,
                       "at": moment(d.created_at, ZH)} for d in documents(session, case.id)],
        "payments": [{"on": day(p.paid_on, ZH), "amount": yuan(p.amount), "voucher": p.voucher}
                     for p in payments(session, case.id)],
        "litigation": [{"kind": str(label(e.kind, "litigation_step", ZH)), "on": day(e.on, ZH), "text": e.text,
                        "amount": yuan(e.amount) if e.amount is not None else ""}
                       for e in litigation(session, case.id)],
        "timeline": [{"at": moment(e.at, ZH), "who": e.actor_name, "action": str(label(e.action, "action", ZH)),
                      "brief": _brief(e)} for e in history],
        "chain_seq": chain[0], "chain_head": chain[1],
    }

