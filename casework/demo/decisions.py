"""The benchmark seeder's decisions, payments, lawsuits and site visits, as the services would have left them.

`plan` is called once per case before it is inserted: it settles the decision columns on the case row (so the
summary counts them) and returns what else to insert once the case has an id — the approved proposal (or the
open one of a case awaiting approval), its payment, the court record, the site visit — as `rows` builds them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from casework.domain.decision import approver, is_goodwill
from casework.domain.lifecycle import State
from casework.domain.summary import CHINA, DECISION_OF_PROPOSAL

#: Nothing is decided, paid or judged after this day: the seeded world ends when its events do.
LAST_DAY = datetime(2026, 11, 30, 10, tzinfo=UTC)
THRESHOLD = Decimal(5000)  # config SETTLEMENT_APPROVAL_THRESHOLD's default
OWED = frozenset({"liable", "reduced"})
KIND_OF_STATE = {State.SETTLED: "settle", State.PAID: "settle", State.REJECTED: "reject",
                 State.IN_LITIGATION: "escalate", State.JUDGED: "escalate"}
#: How lawsuits end (LitigationEntry.result), as weights.
RESULTS = {"won": 35, "partly": 25, "lost": 20, "mediated": 15, "withdrawn": 5}
REASON = ("虽核定无赔偿责任，但考虑索赔人家庭困难且事发时线路确有异常，经法务负责人同意给予适当补偿，"
          "并在协议中写明不作为先例。")


@dataclass
class People:
    """Who acts on a case's decision: its city's legal officer and head of legal, and a field worker."""

    legal: int
    head: int
    field_id: int
    field_name: str


@dataclass
class Plan:
    proposal: dict[str, Any] | None = None
    payment: dict[str, Any] | None = None
    litigation: list[dict[str, Any]] = field(default_factory=list)
    visit: dict[str, Any] | None = None


def _at(on: date, hour: int = 10) -> datetime:
    return datetime.combine(on, time(hour), tzinfo=CHINA).astimezone(UTC)


def _kind(rng: random.Random, state: State, owed: bool) -> str:
    """The decision behind a decided state; mostly the one the check points to (an officer may still differ:
    a settlement where the check found nothing owed is a goodwill payment, and those are few)."""
    if state is State.CLOSED:
        roll = rng.random()
        return "escalate" if roll < 0.12 else "settle" if owed == (roll < 0.93) else "reject"
    kind = KIND_OF_STATE[state]
    if kind == "settle" and not owed and rng.random() < 0.93:
        return "reject"
    if kind == "reject" and owed and rng.random() < 0.8:
        return "settle"
    return kind


def _state_of(kind: str, state: State) -> State:
    """A state that agrees with the decision actually taken (`_kind` may turn a settlement into a rejection)."""
    if state in (State.CLOSED, State.IN_LITIGATION, State.JUDGED):
        return state
    return {"settle": state if state in (State.SETTLED, State.PAID) else State.PAID, "reject": State.REJECTED,
            "escalate": State.IN_LITIGATION}[kind]


def plan(rng: random.Random, row: dict[str, Any], people: People, similar: str | None) -> Plan:
    """Fill the decision columns of a case row (state may change to agree with the decision) and return the
    rows that go with it. `similar` is an earlier case's number, named when a precedent risk is flagged."""
    out = Plan()
    state = State(row["state"])
    registered: datetime | None = row["registered_at"]
    if registered is not None and rng.random() < 0.6:
        late = rng.random() < 0.25  # the 24-hour visit (家电办法第四条) is missed for a quarter of those visited
        visited = registered + timedelta(hours=rng.uniform(25, 200) if late else rng.uniform(0.5, 23.5))
        out.visit = {"visited_at": visited, "visitors": people.field_name, "place": row["address"],
                     "attendees": "村委会" if rng.random() < 0.4 else None, "notes": "现场查看损坏情况并拍照",
                     "gps_lat": None, "gps_lng": None, "gps_accuracy_m": None,
                     "recorded_by_id": people.field_id, "recorded_at": visited}
    if registered is None or state not in (*KIND_OF_STATE, State.CLOSED, State.DECISION_PENDING):
        return out
    outcome, assessed, claimed = row.get("assessment_outcome"), row.get("assessment_amount"), row["claimed_amount"]
    proposed = min(registered + timedelta(days=rng.randint(5, 90), hours=rng.randint(0, 8)), LAST_DAY)
    owed = outcome in OWED and bool(assessed)
    if state is State.DECISION_PENDING:
        kind, status = ("settle" if owed else "reject"), "open"
    else:
        kind, status = _kind(rng, state, owed), "approved"
        row["state"] = _state_of(kind, state).value
    amount: Decimal | None = None
    if kind == "settle":
        base: Decimal = assessed if owed and assessed else claimed * Decimal(rng.randint(20, 60)) / 100
        bump = Decimal(rng.randint(105, 130)) / 100 if rng.random() < 0.04 else Decimal(1)  # a few pay above the check
        amount = (base * bump).quantize(Decimal("0.01"))
    goodwill = is_goodwill(kind, amount, outcome, assessed)
    risky = similar is not None and kind in ("settle", "reject") and rng.random() < 0.03
    out.proposal = {
        "kind": kind, "status": status, "proposed_by_id": people.legal, "proposed_at": proposed,
        "assessment_outcome": outcome, "assessed_amount": assessed, "claimed_amount": claimed, "amount": amount,
        "payee": row["claimant_name"] if kind == "settle" else None, "bank_account": None,
        "payment_method": "cash" if kind == "settle" else None, "terms": [], "grounds": [],
        "litigation_role": "defendant" if kind == "escalate" else None,
        "court": f"{row['address'][:2]}县人民法院" if kind == "escalate" else None,
        "cause": "财产损害赔偿纠纷" if kind == "escalate" else None, "demand": None, "counsel": None,
        "risk": "索赔人已委托律师，诉讼请求高于核定金额" if kind == "escalate" else None, "note": None,
        "reason": REASON if goodwill or risky else None, "goodwill": goodwill, "precedent_risk": risky,
        "similar": [similar] if risky else [],
        "needs_role": approver(kind, amount, goodwill=goodwill, threshold=THRESHOLD).value,
        "decided_by_id": None, "decided_at": None, "comment": None,
    }
    if status == "open":
        return out
    decided = min(proposed + timedelta(days=rng.randint(0, 10), hours=rng.randint(0, 6)), LAST_DAY)
    decided_on = decided.astimezone(CHINA).date()
    out.proposal.update(decided_by_id=people.head, decided_at=decided, comment="同意")
    row.update(decision_kind=DECISION_OF_PROPOSAL[kind], decided_on=decided_on,
               settled_amount=amount, goodwill_payment=goodwill)
    final = State(row["state"])
    if kind == "settle" and final in (State.PAID, State.CLOSED):
        paid_on = min(decided_on + timedelta(days=rng.randint(3, 45)), LAST_DAY.date())
        row.update(paid_amount=amount, paid_on=paid_on)
        out.payment = {"amount": amount, "paid_on": paid_on, "voucher": f"PZ-{paid_on:%Y%m}-{rng.randint(1, 99999):05d}",
                       "recorded_by_id": people.legal, "recorded_at": _at(paid_on)}
    if kind == "escalate":
        filed = min(decided_on + timedelta(days=rng.randint(10, 40)), LAST_DAY.date())
        out.litigation.append(_entry("court_number", filed, f"（{filed.year}）民初{rng.randint(100, 9999)}号立案",
                                     None, None, people))
        if final in (State.JUDGED, State.CLOSED):
            judged = min(filed + timedelta(days=rng.randint(60, 300)), LAST_DAY.date())
            result = rng.choices(list(RESULTS), weights=list(RESULTS.values()))[0]
            share = {"won": None, "partly": (40, 80), "lost": (80, 100), "mediated": (30, 60), "withdrawn": None}[result]
            awarded = (claimed * Decimal(rng.randint(*share)) / 100).quantize(Decimal("0.01")) if share else None
            out.litigation.append(_entry("judgment", judged, "一审判决", awarded, result, people))
    return out


def _entry(kind: str, on: date, text: str, amount: Decimal | None, result: str | None,
           people: People) -> dict[str, Any]:
    return {"kind": kind, "on": on, "text": text, "amount": amount, "result": result,
            "recorded_by_id": people.legal, "recorded_at": _at(on, 16)}
