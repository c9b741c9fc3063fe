"""Use cases of the decision: propose (with the goodwill and precedent checks), approve or return, record a
payment or a step of the lawsuit. Each fires its lifecycle event, so the guards and the audit trail apply."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, object_session

from casework.audit.service import record
from casework.cases.models import Case
from casework.cases.search import search
from casework.cases.service import scoped
from casework.cases.workflow import fire
from casework.decision.models import LitigationEntry, Payment, Proposal
from casework.domain.access import Actor, Role
from casework.domain.decision import Precedent, approver, is_goodwill, may_approve, precedent_risk, reason_problems
from casework.domain.lifecycle import Event, State
from casework.domain.summary import CHINA, DECISION_OF_PROPOSAL
from casework.rulecheck.present import applied_rules
from casework.rulecheck.service import latest_assessment, table_of

PAYMENT_METHODS = ("bank_transfer", "cash", "offset")
LITIGATION_ROLES = ("defendant", "plaintiff")
LITIGATION_STEPS = ("court_number", "hearing", "judgment", "appeal", "enforcement")
JUDGMENT_RESULTS = ("won", "partly", "lost", "mediated", "withdrawn")  # how a judgment ended for the utility
APPROVE = {"settle": Event.APPROVE_SETTLEMENT, "reject": Event.APPROVE_REJECTION,
           "escalate": Event.APPROVE_ESCALATION}
PAID_STATES = frozenset({State.SETTLED.value, State.PAID.value})
DECIDING_ROLES = frozenset({Role.LEGAL, Role.LEGAL_HEAD})  # who proposes, approves, pays and litigates


class DecisionError(ValueError):
    """What is wrong with a submitted decision, field by field (codes the page turns into words)."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = dict(problems)


@dataclass
class Draft:
    """A proposal as typed: text fields as strings, checked by `propose`."""

    kind: str
    amount: str = ""
    payee: str = ""
    bank_account: str = ""
    payment_method: str = ""
    terms: list[str] = field(default_factory=list)
    litigation_role: str = ""
    court: str = ""
    cause: str = ""
    demand: str = ""
    counsel: str = ""
    risk: str = ""
    note: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Similar:
    number: str
    why: tuple[str, ...]  # same_claimant | same_place | same_event | same_kind_nearby
    state: str
    outcome: str | None
    amount: Decimal | None

    @property
    def precedent(self) -> Precedent:
        return Precedent(self.number, paid=self.state in PAID_STATES, refused=self.state == State.REJECTED.value)


def open_proposal(session: Session, case_id: int) -> Proposal | None:
    return session.scalar(select(Proposal).where(Proposal.case_id == case_id, Proposal.status == "open"))


def approved_proposal(session: Session, case_id: int) -> Proposal | None:
    return session.scalar(select(Proposal).where(Proposal.case_id == case_id, Proposal.status == "approved")
                          .order_by(Proposal.id.desc()).limit(1))


def proposals(session: Session, case_id: int) -> list[Proposal]:
    return list(session.scalars(select(Proposal).where(Proposal.case_id == case_id).order_by(Proposal.id)))


@dataclass(frozen=True)
class Allowed:
    """What the viewer may do on the decision page now; the page offers only these."""

    propose: bool
    decide: bool
    pay: bool
    litigate: bool
    letter: bool  # generate the letter of the open or approved proposal


def allowed_actions(actor: Actor, state: str, proposal: Proposal | None) -> Allowed:
    """The decision page's actions for `actor` on a case in `state` whose open proposal is `proposal`.

    Only legal staff act; what they may do follows the case's state, and approving also who proposed and
    which role the proposal needs (domain.decision.may_approve). The lifecycle still guards every POST."""
    legal = actor.role in DECIDING_ROLES
    now = State(state)
    return Allowed(
        propose=legal and now is State.EVIDENCE_COMPLETE,
        decide=bool(proposal and legal and may_approve(actor.role, Role(proposal.needs_role),
                                                       proposed_by_actor=proposal.proposed_by_id == actor.user_id)),
        pay=legal and now is State.SETTLED,
        litigate=legal and now in (State.IN_LITIGATION, State.JUDGED),
        letter=legal,
    )


def guard_view(case: Case, actor: Actor) -> dict[str, Any]:
    session = object_session(case)
    if session is None or case.id is None:
        return {}
    proposal = open_proposal(session, case.id)
    return {
        "proposal_kind": proposal.kind if proposal else None,
        "proposed_by_actor": bool(proposal and proposal.proposed_by_id == actor.user_id),
        "needs_head": bool(proposal and proposal.needs_role == Role.LEGAL_HEAD.value),
        "payment_recorded": session.scalar(select(Payment.id).where(Payment.case_id == case.id).limit(1)) is not None,
        "judgment_recorded": session.scalar(select(LitigationEntry.id).where(
            LitigationEntry.case_id == case.id, LitigationEntry.kind == "judgment").limit(1)) is not None,
    }


def place_of(address: str | None) -> str:
    """The village, community or street of an address: what "the same place" means for neighbours' claims.
    前营村3组12号 → 前营村; 解放路88号 → 解放路. Empty when the address names none."""
    text = (address or "").strip()
    for marker in ("村", "社区", "街道", "路", "街", "屯", "组"):
        at = text.find(marker)
        if at > 0:
            return text[: at + len(marker)][-12:]
    return ""


SIMILAR_COLUMNS = (Case.id, Case.number, Case.state, Case.assessment_outcome, Case.claimed_amount, Case.event_on)


def similar_cases(session: Session, actor: Actor, case: Case, *, limit: int = 20) -> list[Similar]:
    """Other cases like this one that `actor` may open: same claimant, same place, same event, same kind of
    claim nearby. Drawn only from the actor's scope: another unit's numbers, outcomes and amounts would tell
    anyone whether a person has claims anywhere in the province (security review F-5).

    Each test is one indexed query (claimant digests; the pair index of the search; unit, category and
    amount), reading plain columns (nothing to decrypt), so this stays a few milliseconds at 100,000 cases."""
    found: dict[int, tuple[Any, set[str]]] = {}

    def add(rows: Any, why: str) -> None:
        for other in rows:
            found.setdefault(other.id, (other, set()))[1].add(why)

    base = scoped(actor, select(*SIMILAR_COLUMNS).where(Case.id != case.id)).limit(limit)
    same_person = [c for c in (Case.claimant_id_digest == case.claimant_id_digest if case.claimant_id_digest
                               else None,
                               Case.claimant_phone_digest == case.claimant_phone_digest if case.claimant_phone_digest
                               else None) if c is not None]
    if same_person:
        add(session.execute(base.where(Case.claimant_name == case.claimant_name, or_(*same_person))),
            "same_claimant")
    place = place_of(case.address)
    if len(place) >= 2:
        at_place = list(session.execute(base.where(search(session, place).where)))
        add(at_place, "same_place")
        add((c for c in at_place if case.event_on and c.event_on == case.event_on), "same_event")
    if case.claimed_amount is not None:
        low, high = case.claimed_amount * Decimal("0.8"), case.claimed_amount * Decimal("1.25")
        add(session.execute(base.where(Case.unit_path == case.unit_path, Case.category == case.category,
                                       Case.claimed_amount.between(low, high))), "same_kind_nearby")
    order = ("same_claimant", "same_event", "same_place", "same_kind_nearby")
    out = [Similar(c.number, tuple(w for w in order if w in why), c.state, c.assessment_outcome, c.claimed_amount)
           for c, why in found.values()]
    return sorted(out, key=lambda s: (order.index(s.why[0]), s.number))


def _amount(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "").replace("¥", "").strip())
    except InvalidOperation:
        return None
    return value.quantize(Decimal("0.01")) if value.is_finite() else None


def _check(draft: Draft) -> tuple[dict[str, str], Decimal | None]:
    problems: dict[str, str] = {}
    amount = None
    if draft.kind == "settle":
        amount = _amount(draft.amount)
        if amount is None or amount <= 0 or amount >= Decimal("1e10"):
            problems["amount"] = "amount"
        if not draft.payee.strip():
            problems["payee"] = "required"
        if draft.payment_method not in PAYMENT_METHODS:
            problems["payment_method"] = "required"
        if draft.payment_method == "bank_transfer" and not draft.bank_account.strip():
            problems["bank_account"] = "required"
    elif draft.kind == "escalate":
        if draft.litigation_role not in LITIGATION_ROLES:
            problems["litigation_role"] = "required"
        for name in ("court", "cause", "risk"):
            if not getattr(draft, name).strip():
                problems[name] = "required"
    elif draft.kind != "reject":
        problems["kind"] = "required"
    return problems, amount


def propose(session: Session, actor: Actor, case: Case, draft: Draft, *, now: datetime, threshold: Decimal,
            targets: Mapping[str, int]) -> Proposal:
    """Put a decision to the approver. Refused (DecisionError) when a field is missing, or when a goodwill
    payment or a precedent risk has no reason that addresses it."""
    problems, amount = _check(draft)
    snapshot = latest_assessment(session, case.id)
    outcome = snapshot.outcome if snapshot else case.assessment_outcome
    assessed = snapshot.amount if snapshot else case.assessment_amount
    goodwill = is_goodwill(draft.kind, amount, outcome, assessed)
    similar = similar_cases(session, actor, case)  # the proposer's scope: what they could weigh
    risky = [s for s in similar if precedent_risk(draft.kind, [s.precedent])]
    for code in reason_problems(draft.reason, goodwill=goodwill, precedent_risk=bool(risky)):
        problems["reason"] = code
    if problems:
        raise DecisionError(problems)
    grounds: list[dict[str, Any]] = []
    if draft.kind == "reject" and snapshot is not None:
        grounds = [{"rule": r.rule_id, "title": r.title, "citation": r.citation, "quote": r.quote}
                   for r in applied_rules(table_of(session, snapshot.rule_table_version), snapshot.result)]
    proposal = Proposal(
        case_id=case.id, kind=draft.kind, status="open", proposed_by_id=actor.user_id, proposed_at=now,
        assessment_outcome=outcome, assessed_amount=assessed, claimed_amount=case.claimed_amount,
        amount=amount, payee=draft.payee.strip() or None, bank_account=draft.bank_account.strip() or None,
        payment_method=draft.payment_method or None, terms=[t.strip() for t in draft.terms if t.strip()],
        grounds=grounds, litigation_role=draft.litigation_role or None, court=draft.court.strip() or None,
        cause=draft.cause.strip() or None, demand=draft.demand.strip() or None,
        counsel=draft.counsel.strip() or None, risk=draft.risk.strip() or None, note=draft.note.strip() or None,
        reason=draft.reason.strip() or None, goodwill=goodwill, precedent_risk=bool(risky),
        similar=[s.number for s in risky],
        needs_role=approver(draft.kind, amount, goodwill=goodwill, threshold=threshold).value,
    )
    session.add(proposal)
    session.flush()
    fire(session, actor, case, Event.PROPOSE, now=now, targets=targets)
    record(session, actor, "decision.propose", now=now, object_type="case", object_id=case.number, case_id=case.id,
           after={"kind": draft.kind, "amount": str(amount) if amount is not None else None, "goodwill": goodwill,
                  "precedent_risk": bool(risky), "approver": proposal.needs_role})
    return proposal


def decide(session: Session, actor: Actor, case: Case, *, approve: bool, comment: str, now: datetime,
           targets: Mapping[str, int]) -> Proposal:
    """Approve the open proposal, or return it with a comment. The lifecycle refuses the proposer, a role
    below the one the proposal needs, and a case already decided (a second click, another approver)."""
    proposal = open_proposal(session, case.id)
    event = APPROVE[proposal.kind] if proposal and approve else Event.RETURN_PROPOSAL
    fire(session, actor, case, event, now=now, targets=targets, reason=comment)  # refuses when nothing is open
    assert proposal is not None
    proposal.status = "approved" if approve else "returned"
    proposal.decided_by_id, proposal.decided_at, proposal.comment = actor.user_id, now, comment.strip() or None
    if approve and proposal.kind == "settle":
        case.goodwill_payment = proposal.goodwill
    if approve:  # the decision as columns, so figures group by it (issue 16); the summary follows at the flush
        case.decision_kind, case.decided_on = DECISION_OF_PROPOSAL[proposal.kind], now.astimezone(CHINA).date()
        case.settled_amount = proposal.amount if proposal.kind == "settle" else None
    record(session, actor, "decision.approve" if approve else "decision.return", now=now, object_type="case",
           object_id=case.number, case_id=case.id, after={"kind": proposal.kind, "comment": comment.strip()})
    return proposal


def record_payment(session: Session, actor: Actor, case: Case, *, amount: str, paid_on: date | None, voucher: str,
                   now: datetime, targets: Mapping[str, int]) -> Payment:
    proposal = approved_proposal(session, case.id)
    value = _amount(amount)
    problems = {}
    if value is None or value <= 0:
        problems["amount"] = "amount"
    if paid_on is None:
        problems["paid_on"] = "required"
    if not voucher.strip():
        problems["voucher"] = "required"
    if proposal is None or proposal.kind != "settle":
        problems["proposal"] = "no_settlement"
    if problems:
        raise DecisionError(problems)
    assert value is not None and paid_on is not None and proposal is not None
    payment = Payment(case_id=case.id, proposal_id=proposal.id, amount=value, paid_on=paid_on,
                      voucher=voucher.strip(), recorded_by_id=actor.user_id, recorded_at=now)
    session.add(payment)
    case.paid_amount = (case.paid_amount or Decimal("0.00")) + value
    case.paid_on = max(paid_on, case.paid_on) if case.paid_on else paid_on
    session.flush()
    fire(session, actor, case, Event.RECORD_PAYMENT, now=now, targets=targets)
    record(session, actor, "decision.payment", now=now, object_type="case", object_id=case.number, case_id=case.id,
           after={"amount": str(value), "paid_on": paid_on.isoformat(), "voucher": voucher.strip()})
    return payment


def record_litigation(session: Session, actor: Actor, case: Case, *, kind: str, on: date | None, text: str,
                      amount: str, now: datetime, targets: Mapping[str, int], result: str = "") -> LitigationEntry:
    """One step of the lawsuit; a judgment moves the case to judged. A judgment says how it ended for the
    utility (won, lost …: the litigation figures count by it); any other step has no result, whatever was sent."""
    problems = {}
    if kind not in LITIGATION_STEPS:
        problems["kind"] = "required"
    if not text.strip():
        problems["text"] = "required"
    value = _amount(amount) if amount.strip() else None
    if amount.strip() and (value is None or value < 0):
        problems["amount"] = "amount"
    outcome = result.strip() if kind == "judgment" else ""
    if kind == "judgment" and outcome not in JUDGMENT_RESULTS:
        problems["result"] = "required"
    if case.state not in (State.IN_LITIGATION.value, State.JUDGED.value):
        problems["state"] = "not_in_litigation"
    if problems:
        raise DecisionError(problems)
    entry = LitigationEntry(case_id=case.id, kind=kind, on=on, text=text.strip(), amount=value,
                            result=outcome or None, recorded_by_id=actor.user_id, recorded_at=now)
    session.add(entry)
    session.flush()
    if kind == "judgment" and case.state == State.IN_LITIGATION.value:
        fire(session, actor, case, Event.RECORD_JUDGMENT, now=now, targets=targets)
    record(session, actor, "decision.litigation", now=now, object_type="case", object_id=case.number,
           case_id=case.id, after={"kind": kind, "on": on.isoformat() if on else None, "text": text.strip(),
                                   "amount": str(value) if value is not None else None,
                                   **({"result": outcome} if kind == "judgment" else {})})
    return entry


def litigation(session: Session, case_id: int) -> list[LitigationEntry]:
    return list(session.scalars(select(LitigationEntry).where(LitigationEntry.case_id == case_id)
                                .order_by(LitigationEntry.on, LitigationEntry.id)))


def payments(session: Session, case_id: int) -> list[Payment]:
    return list(session.scalars(select(Payment).where(Payment.case_id == case_id).order_by(Payment.id)))
