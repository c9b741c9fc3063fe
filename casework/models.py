"""Every model module, imported in one place so Alembic and the app see the whole schema."""

from casework.assets.models import Asset, AssetRegister
from casework.audit.models import AuditAnchor, AuditEvent
from casework.auth.factor_models import AccountRequest, RecoveryCode, SecondFactor
from casework.auth.models import ApiToken, LoginFailure, Unit, User, UserSession
from casework.cases.models import Case, CaseDeadline, CaseNumberCounter, CaseSearch, CaseSummary
from casework.cases.retention import LegalHold, RetentionAction, RetiredFile
from casework.cases.site_visit import SiteVisit
from casework.cases.submissions import FormSubmission
from casework.decision.models import CaseDocument, LitigationEntry, Payment, Proposal
from casework.dossier.models import DossierVersion
from casework.evidence.models import Evidence, EvidenceWaiver
from casework.export.models import ExportJob
from casework.infra.damage import DamageMark
from casework.infra.key_guard import DeploymentFact
from casework.rulecheck.models import Assessment
from casework.ruletable.models import CalendarDay, RuleTableVersion

__all__ = [
    "ApiToken", "Assessment", "AuditAnchor", "DamageMark", "CaseDocument", "LitigationEntry", "Payment", "Proposal", "AuditEvent", "CalendarDay", "Case", "CaseDeadline", "CaseNumberCounter", "CaseSearch", "CaseSummary", "DossierVersion", "Evidence",
    "EvidenceWaiver", "ExportJob", "FormSubmission", "LegalHold", "LoginFailure", "RetentionAction", "RetiredFile",
    "RuleTableVersion", "SiteVisit", "Unit", "User", "UserSession",
    "AccountRequest", "RecoveryCode", "SecondFactor", "Asset", "AssetRegister", "DeploymentFact",
]
