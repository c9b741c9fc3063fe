"""Every model module, imported in one place so Alembic and the app see the whole schema."""

from casework.audit.models import AuditEvent
from casework.auth.models import LoginFailure, Unit, User, UserSession
from casework.cases.models import Case, CaseNumberCounter

__all__ = ["AuditEvent", "Case", "CaseNumberCounter", "LoginFailure", "Unit", "User", "UserSession"]
