"""Who may do what, and which cases they may see: roles, permissions and unit scope (DESIGN.md, Users)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    FIELD = "field"
    LEGAL = "legal"
    LEGAL_HEAD = "legal_head"
    AUDITOR = "auditor"
    ADMIN = "admin"


class Perm(StrEnum):
    CASE_READ = "case.read"
    CASE_EDIT = "case.edit"
    CASE_PII_FULL = "case.pii_full"  # see ID number and bank account unmasked on the case page
    CASE_CHECK = "case.check"  # run the legal-basis check and keep its snapshot
    DECISION_READ = "decision.read"  # the decision page: proposals, similar cases' outcomes and amounts
    RULES_READ = "rules.read"
    RULES_EDIT = "rules.edit"  # draft a new version of the rule table (publishing needs legal_head)
    CALENDAR_MANAGE = "calendar.manage"
    WORKLOAD_READ = "workload.read"  # every officer's open and overdue cases (the head of legal)
    AUDIT_READ = "audit.read"
    REPORTS_READ = "reports.read"  # goodwill payments and precedent risks, by unit and month
    DOSSIER_SEAL = "dossier.seal"  # seal a case's dossier as a new PDF version
    CASES_EXPORT = "cases.export"  # batch-export cases in one's scope as verifiable bundles
    USERS_MANAGE = "users.manage"
    UNITS_MANAGE = "units.manage"
    ACCOUNTS_APPROVE = "accounts.approve"  # approve what an admin asked for an account (casework/auth/approvals.py)
    ASSETS_IMPORT = "assets.import"  # import a unit's asset register (lines, 台区, towers) as a new version
    ANALYTICS_READ = "analytics.read"  # figures across the cases in one's scope, their downloads and report


ROLE_PERMS: dict[Role, frozenset[Perm]] = {
    Role.FIELD: frozenset({Perm.CASE_READ, Perm.CASE_EDIT, Perm.CASE_CHECK}),
    Role.LEGAL: frozenset({Perm.CASE_READ, Perm.CASE_EDIT, Perm.CASE_PII_FULL, Perm.CASE_CHECK, Perm.DECISION_READ,
                           Perm.RULES_READ, Perm.RULES_EDIT, Perm.DOSSIER_SEAL, Perm.ASSETS_IMPORT,
                           Perm.ANALYTICS_READ}),
    Role.LEGAL_HEAD: frozenset({Perm.CASE_READ, Perm.CASE_EDIT, Perm.CASE_PII_FULL, Perm.CASE_CHECK,
                                 Perm.DECISION_READ, Perm.RULES_READ, Perm.RULES_EDIT, Perm.WORKLOAD_READ,
                                 Perm.REPORTS_READ, Perm.DOSSIER_SEAL, Perm.CASES_EXPORT, Perm.ACCOUNTS_APPROVE,
                                 Perm.ASSETS_IMPORT, Perm.ANALYTICS_READ}),
    # Auditors read everything and change nothing; full identifiers need a logged unmask (later).
    Role.AUDITOR: frozenset({Perm.CASE_READ, Perm.DECISION_READ, Perm.AUDIT_READ, Perm.RULES_READ, Perm.REPORTS_READ,
                             Perm.DOSSIER_SEAL, Perm.CASES_EXPORT, Perm.ANALYTICS_READ}),
    # The administrator runs accounts, units and the holiday calendar, and sees no case content.
    Role.ADMIN: frozenset({Perm.USERS_MANAGE, Perm.UNITS_MANAGE, Perm.CALENDAR_MANAGE, Perm.ACCOUNTS_APPROVE,
                           Perm.ASSETS_IMPORT}),
}

# Case states in which a field worker may still correct what they filed.
FIELD_EDITABLE_STATES = frozenset({"draft", "registered"})
FINAL_STATES = frozenset({"closed", "withdrawn"})


@dataclass(frozen=True)
class Actor:
    """The acting user as services see them: no ORM object, no request."""

    user_id: int | None
    username: str
    role: Role
    unit_path: str
    ip: str | None = None

    def can(self, perm: Perm) -> bool:
        return perm in ROLE_PERMS[self.role]


SYSTEM = Actor(user_id=None, username="system", role=Role.ADMIN, unit_path="/")
#: `casework export` without --user: reads every case (an auditor's scope) and is named as itself in the trail.
SYSTEM_EXPORTER = Actor(user_id=None, username="system-exporter", role=Role.AUDITOR, unit_path="/")


def case_scope(actor: Actor) -> str | None:
    """The unit-path prefix whose cases the actor may see; "/" is all, None is none.

    Field staff see their own unit's subtree (a station sees its station); legal staff see their
    company's, i.e. the subtree of the unit they sit in; auditors see everything.
    """
    if actor.role is Role.AUDITOR:
        return "/"
    if actor.role in (Role.FIELD, Role.LEGAL, Role.LEGAL_HEAD):
        return actor.unit_path
    return None


def can_see_case(actor: Actor, case_unit_path: str) -> bool:
    scope = case_scope(actor)
    return scope is not None and case_unit_path.startswith(scope)


def can_edit_case(actor: Actor, case_unit_path: str, state: str) -> bool:
    """Field staff correct their unit's cases until legal review starts; legal staff until the case ends."""
    if not actor.can(Perm.CASE_EDIT) or not can_see_case(actor, case_unit_path):
        return False
    if actor.role is Role.FIELD:
        return state in FIELD_EDITABLE_STATES
    return state not in FINAL_STATES
