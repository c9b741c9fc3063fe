"""What a dossier prints, gathered as plain values (the template never sees an ORM object)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit.service import case_entries
from casework.auth.models import User
from casework.cases import deadlines
from casework.cases.models import Case
from casework.decision.letters import TITLES, documents
from casework.decision.models import Proposal
from casework.decision.service import litigation, payments, proposals
from casework.domain.personal import mask_id_number, mask_phone
from casework.domain.rules import RuleTable
from casework.domain.rules.provisions import Provision, provisions_of
from casework.evidence.models import Evidence, EvidenceWaiver
from casework.evidence.service import thumbnail_name
from casework.infra.pdf import yuan
from casework.infra.storage import Store
from casework.rulecheck.present import applied_rules
from casework.rulecheck.service import latest_assessment, table_of
from casework.ui.facts import Table, claim_facts
from casework.ui.filters import SHANGHAI, day, filesize, label, moment
from casework.ui.history import History, Line, worded

ZH = "zh"


def _facts(case: Case) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """The claim's facts in words (ui.facts, as the case page shows them): rows, and the appliances item by item."""
    facts = claim_facts(case.category, case.circumstances, case.facts, ZH)
    tables = [{"label": t.label, "items": [list(zip(t.columns, row, strict=True)) for row in t.rows]}
              for t in facts.tables]
    return [(r.label, r.value) for r in facts.rows], tables


def _said(value: str | Table | None) -> str:
    return value.text() if isinstance(value, Table) else (value or "—")


def _corrections(lines: tuple[Line, ...]) -> list[dict[str, str]]:
    """Real corrections only: a value that already had one replaced. The first entry of a field is not one."""
    return [{"at": line.when, "who": line.who, "field": change.label, "before": _said(change.before),
             "after": _said(change.after)}
            for line in lines if line.code == "case.edit" for change in line.changes if change.before is not None]


def _timeline(lines: tuple[Line, ...]) -> list[dict[str, str]]:
    """Changes and decisions, each in words: the action, then each field's new value (struck old value first)."""
    out = []
    for line in lines:
        parts = [f"{c.label}：{_said(c.before)} → {_said(c.after)}" if c.before is not None
                 else f"{c.label}：{_said(c.after)}" for c in line.changes]
        out.append({"at": line.when, "who": line.who, "action": line.action, "brief": "；".join(parts)})
    return out


def _access_log(history: History) -> dict[str, Any]:
    """The reads, counted by kind and by person (who looked at what, how often), with the first and last."""
    reads = history.reads
    return {"total": len(reads), "by_kind": history.reads_by_action(), "by_person": history.reads_by_person(),
            "first": reads[0].when if reads else "", "last": reads[-1].when if reads else ""}


def _check(session: Session, case: Case) -> dict[str, Any] | None:
    snapshot = latest_assessment(session, case.id)
    if snapshot is None:
        return None
    result = snapshot.result
    rules = applied_rules(table_of(session, snapshot.rule_table_version), result)
    return {
        "version": snapshot.rule_table_version, "at": moment(snapshot.run_at, ZH),
        "by": _display_name(session, snapshot.run_by_name),
        "outcome": str(label(snapshot.outcome, "outcome", ZH)), "amount": yuan(snapshot.amount),
        "rules": [{"citation": r.citation, "title": r.title, "provisions": _provisions(r.provisions, r.quote),
                   "finding": r.finding.get("zh", "")} for r in rules],
        "explanation": list(result["explanation"]),
        "flags": [str(label(flag, "flag", ZH)) for flag in result["flags"]],
    }


def _provisions(found: list[Provision], fragment: str) -> list[dict[str, Any]]:
    """Each provision with its whole text; one without text falls back to the rule's own quote, never empty.
    Provisions that share one text (a rule's fragment standing in for several articles) are quoted once, under
    all their citations; under none when they are all the rule cites (its heading names them)."""
    merged: dict[str, dict[str, Any]] = {}
    for p in found:
        text = p.text or fragment
        if text:
            entry = merged.setdefault(text, {"citations": [], "text": text, "excerpt": False})
            entry["citations"].append(p.citation)
            entry["excerpt"] = entry["excerpt"] or p.excerpt or not p.text
    if not merged:
        return [{"citation": "", "text": fragment, "excerpt": True}] if fragment else []
    whole = len(merged) == 1
    return [{"citation": "" if whole else "、".join(e["citations"]), "text": e["text"], "excerpt": e["excerpt"]}
            for e in merged.values()]


def _grounds(table: RuleTable | None, grounds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A decision's grounds quoted in full: the rule's provisions looked up by its id (or its citation) in the
    table the assessment used; the stored fragment only when the rule is no longer in it."""
    out = []
    for ground in grounds:
        rules = table.rules_by_id(ground.get("rule", "")) if table is not None and ground.get("rule") else []
        if not rules and table is not None:
            rules = [r for r in table.rules if r.label == ground.get("citation")]
        quote = str(ground.get("quote") or "")
        provisions = _provisions(provisions_of(rules[-1]), rules[-1].quote or quote) if rules else \
            _provisions([], quote)
        out.append({"citation": str(ground.get("citation") or ""), "title": str(ground.get("title") or ""),
                    "provisions": provisions})
    return out


def _person(session: Session, user_id: int | None) -> str:
    return (session.scalar(select(User.display_name).where(User.id == user_id)) if user_id else None) or "系统"


def _display_name(session: Session, username: str | None) -> str:
    if not username:
        return "系统"
    return session.scalar(select(User.display_name).where(User.username == username)) or "系统"


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
            "at": moment(item.uploaded_at, ZH), "day": day(item.uploaded_at.astimezone(SHANGHAI).date(), ZH),
            "thumbnail": thumb,
            "withdrawn": {"at": moment(item.withdrawn_at, ZH), "reason": item.withdraw_reason or "",
                          "by": item.withdrawn_by.display_name if item.withdrawn_by else ""}
            if item.withdrawn_at else None,
        })
    return rows


def _proposal(p: Proposal, table: RuleTable | None) -> dict[str, Any]:
    return {
        "kind": str(label(p.kind, "decision_kind", ZH)), "status": str(label(p.status, "proposal_status", ZH)),
        "by": p.proposed_by.display_name, "at": moment(p.proposed_at, ZH),
        "amount": yuan(p.amount) if p.amount is not None else "", "payee": p.payee or "",
        "terms": list(p.terms or []), "grounds": _grounds(table, list(p.grounds or [])), "court": p.court or "", "cause": p.cause or "",
        "role": str(label(p.litigation_role, "litigation_role", ZH)) if p.litigation_role else "",
        "risk": p.risk or "", "reason": p.reason or "", "note": p.note or "", "goodwill": p.goodwill,
        "precedent_risk": p.precedent_risk, "similar": list(p.similar or []),
        "decided_by": p.decided_by.display_name if p.decided_by else "",
        "decided_at": moment(p.decided_at, ZH) if p.decided_at else "", "comment": p.comment or "",
        "needs_head": p.needs_role == "legal_head",
    }


def dossier_values(session: Session, case: Case, store: Store, *, sealed_at: datetime, chain: tuple[int, str]
                   ) -> dict[str, Any]:
    history = worded(session, case_entries(session, case.id), case.category, ZH)
    snapshot = latest_assessment(session, case.id)
    table = table_of(session, snapshot.rule_table_version) if snapshot else None
    facts, items = _facts(case)
    decided = [p for p in proposals(session, case.id) if p.status == "approved"]
    waivers = session.scalars(select(EvidenceWaiver).where(EvidenceWaiver.case_id == case.id)
                              .order_by(EvidenceWaiver.id))
    return {
        "case_number": case.number, "unit_name": case.unit.name, "sealed_at": moment(sealed_at, ZH), "sealed_day": day(sealed_at.date(), ZH),
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
                  ("事发地点", case.address or "—"), *_grid_place(case), ("事发日期", day(case.event_on, ZH)),
                  ("报案日期", day(case.reported_on, ZH)),
                  ("索赔金额", yuan(case.claimed_amount) if case.claimed_amount is not None else "—"),
                  *facts],
        "items": items,
        "corrections": _corrections(history.lines),
        "check": _check(session, case),
        "deadlines": [{"due": day(d.due, ZH), "kind": str(label(d.kind, "deadline", ZH)),
                       "citation": f"{d.citation['instrument']}{d.citation['article']}" if d.citation else "公司内部时限"}
                      for d in deadlines.of_case(session, case)],
        "evidence": _evidence(session, case, store),
        "waivers": [{"kind": str(label(w.kind, "evidence_kind", ZH)), "reason": w.reason,
                     "by": w.waived_by.display_name, "at": moment(w.waived_at, ZH), "revoked": w.revoked_at is not None}
                    for w in waivers],
        "proposals": [_proposal(p, table) for p in proposals(session, case.id)],
        "documents": [{"title": TITLES.get(d.kind, "文书"), "version": d.version, "sha256": d.sha256,
                       "at": moment(d.created_at, ZH), "day": day(d.created_at.astimezone(SHANGHAI).date(), ZH),
                       "by": _person(session, d.created_by_id)} for d in documents(session, case.id)],
        "payments": [{"on": day(p.paid_on, ZH), "amount": yuan(p.amount), "voucher": p.voucher}
                     for p in payments(session, case.id)],
        "litigation": [{"kind": str(label(e.kind, "litigation_step", ZH)), "on": day(e.on, ZH), "text": e.text,
                        "amount": yuan(e.amount) if e.amount is not None else "",
                        "result": str(label(e.result, "judgment_result", ZH)) if e.result else ""}
                       for e in litigation(session, case.id)],
        "timeline": _timeline(history.lines),
        "access": _access_log(history),
        "chain_seq": chain[0], "chain_head": chain[1],
    }


#: Where on the grid (issue 16), in the order the case page shows it.
GRID_PLACE = ("grid_line", "grid_district", "grid_tower", "customer_number", "meter_number")


def _grid_place(case: Case) -> list[tuple[str, str]]:
    """The grid place facts that were recorded; ones left empty are not listed (most claims have few)."""
    return [(str(label(name, "field", ZH)), value) for name in GRID_PLACE if (value := getattr(case, name))]
