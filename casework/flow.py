"""How a case moves through the stages: every reaction of one stage to another, named in one place.

`domain/lifecycle.py` says which transitions exist and what guards each one; `cases/workflow.py` fires
them. This file says what the later stages do when that happens, and what they tell the guards:

    SUBMIT    → assign an officer (cases.assignment), then run the legal-basis check (rulecheck)
    corrected → facts or dates of a checked case changed: run the check again (rulecheck)
    CLOSE     → seal the dossier in the same transaction; if it cannot be laid out, the case stays open;
                every sealing anchors the audit chain head (time-stamped when TSA_URL is set)
    guards    → evidence: the required items still missing; decision: the open proposal (kind, proposer,
                whether the head of legal must approve), a payment recorded, a judgment recorded
    case page → the panels of site visit, decision, dossier and evidence, in that order
    待办      → the decision stage's queue (proposals awaiting approval, proposals returned)
    summary   → every flush that moves a case's figures keeps the claims summary (cases.summary), in the same
                transaction; bulk writers (the re-check, the seeder) tell it which cases they changed
    fixity    → letters and sealed dossiers keep files in the evidence store too (evidence.fixity owners)

A decision is made on the decision page (decision/views.py → decision/service.py), which fires PROPOSE,
APPROVE_* or RETURN_PROPOSAL, RECORD_PAYMENT and RECORD_JUDGMENT through the same lifecycle.

`create_app` calls `install()`. A part left out is not skipped silently: its guard refuses (see
`cases.workflow.REFUSING`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from casework.analytics import handling_facts
from casework.audit.anchors import configured_stamper
from casework.cases import pages, summary, work, workflow
from casework.cases.assignment import assign_on_submit
from casework.cases.models import Case
from casework.cases.site_visit import case_panel as site_visit_panel
from casework.decision import queue as decision_queue
from casework.decision import service as decision
from casework.decision.stored import LETTERS
from casework.decision.views import case_panel as decision_panel
from casework.domain.access import Actor
from casework.domain.lifecycle import Event
from casework.dossier.service import seal_on_close
from casework.dossier.stored import DOSSIERS
from casework.dossier.views import case_panel as dossier_panel
from casework.evidence import fixity
from casework.evidence import service as evidence
from casework.evidence.views import case_panel as evidence_panel
from casework.infra.settings import file_store, render_limits
from casework.rulecheck.service import check_on_submit, recheck_on_change


def seal_dossier(session: Session, actor: Actor, case: Case, now: datetime, targets: Mapping[str, int]) -> None:
    """CLOSE → the dossier, sealed with the app's store and PDF limits."""
    seal_on_close(session, actor, case, file_store(), now=now, limits=render_limits(), stamper=configured_stamper())


REACTIONS = workflow.Reactions(
    after={
        Event.SUBMIT: (assign_on_submit, check_on_submit),
        Event.CLOSE: (seal_dossier,),
    },
    on_change=(recheck_on_change,),
    view_parts=(evidence.guard_view, decision.guard_view),
)
PANELS = (site_visit_panel, decision_panel, dossier_panel, evidence_panel)
#: 待办's decision part: what waits for approval, what came back.
QUEUE: dict[str, Callable[..., Any]] = {"approvals": decision_queue.approvals, "returned": decision_queue.returned, "count": decision_queue.count}


def install() -> None:
    """Wire the reactions (idempotent: every app in a process shares the same flow)."""
    workflow.REACTIONS = REACTIONS
    pages.PANELS[:] = PANELS
    work.QUEUE.update(QUEUE)
    summary.install()
    handling_facts.install()
    for owner in (LETTERS, DOSSIERS):
        fixity.register(owner)
