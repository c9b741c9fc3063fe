"""Assessment snapshots: what the legal-basis check said about a case, never rewritten."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.domain.rules import AssessmentResult
from casework.infra.db import Base, UTCDateTime


class Assessment(Base):
    """A snapshot of one legal-basis check: table version, facts as evaluated, the full result, who and when."""

    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    rule_table_version: Mapped[str] = mapped_column(String(40))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Exactly what `assess` returned, so it reads back in the same typed shape.
    result: Mapped[AssessmentResult] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    run_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    run_by_name: Mapped[str] = mapped_column(String(64))
    run_at: Mapped[datetime] = mapped_column(UTCDateTime)
