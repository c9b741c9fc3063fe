"""The case record and its yearly number counter."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from casework.auth.models import Unit, User
from casework.domain.lifecycle import State
from casework.infra.db import Base, StrEnumColumn, UTCDateTime
from casework.infra.pii import EncryptedText


class CaseNumberCounter(Base):
    """Last number issued per year. Numbers are taken inside the opening transaction and never reused."""

    __tablename__ = "case_number_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


#: The handling figures' columns (below), in the order of the covering index.
HANDLING_COLUMNS = ("visit_minutes", "check_days", "decision_days", "payment_days", "visit_duty", "visit_due_on",
                    "check_duty", "check_due_on", "decision_duty", "decision_due_on")


class Case(Base):
    __tablename__ = "case_record"
    __table_args__ = (
        Index("ix_case_record_unit_path_state", "unit_path", "state"),
        Index("ix_case_record_created_at", "created_at"),
        Index("ix_case_record_claimed_amount_id", "claimed_amount", "id"),
        # A filter by state or category walks the list's order inside the index (keyset pages stay
        # index ranges); a single-column index made the database sort every matching row first.
        Index("ix_case_record_state_created", "state", "created_at", "id"),
        Index("ix_case_record_category_created", "category", "created_at", "id"),
        # Similar claims nearby (issue 6): the same kind of claim in the same unit, in an amount band.
        Index("ix_case_record_unit_category_amount", "unit_path", "category", "claimed_amount"),
        # Figures grouped by fault cause or by decision (issue 16), within a unit's scope and a period.
        Index("ix_case_record_cause_unit", "cause", "unit_path"),
        Index("ix_case_record_decision_kind_decided", "decision_kind", "decided_on"),
        # Where on the network (issue 16): claims are grouped by place × kind of claim.
        Index("ix_case_record_grid_line", "grid_line", "category"),
        Index("ix_case_record_grid_district", "grid_district", "category"),
        Index("ix_case_record_grid_tower", "grid_tower", "category"),
        Index("ix_case_record_customer_number", "customer_number"),
        Index("ix_case_record_registered_unit", "registered_at", "unit_path"),
        # The rectification list (analytics.places) reads a period's cases by place from this index alone.
        Index("ix_case_record_registered_places", "registered_at", "unit_path", "category", "grid_line",
              "grid_district", "grid_tower", "paid_amount", "unit_id", "number"),
        # The handling page's scans read only this index (analytics.handling): a view's units' cases of a period
        # (one range per unit, so a county reads only its own) and their figures.
        Index("ix_case_record_handling", "unit_id", "registered_at", "unit_path", "category", "assignee_id",
              *HANDLING_COLUMNS),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    category: Mapped[str] = mapped_column(String(24))
    state: Mapped[State] = mapped_column(StrEnumColumn(State, 24))

    # Claimant. ID number, phone and bank account are sensitive personal information (PIPL art. 28):
    # encrypted at rest, found by keyed digest, shown masked except to roles that need them.
    claimant_name: Mapped[str] = mapped_column(String(100))
    claimant_id_number: Mapped[str | None] = mapped_column(EncryptedText)
    claimant_id_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    claimant_phone: Mapped[str | None] = mapped_column(EncryptedText)
    claimant_phone_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    claimant_address: Mapped[str | None] = mapped_column(String(255))
    claimant_bank_account: Mapped[str | None] = mapped_column(EncryptedText)

    # Place. unit_path is copied from the unit so scoping a list is one prefix match on this table.
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    unit_path: Mapped[str] = mapped_column(String(255))
    address: Mapped[str | None] = mapped_column(String(255))
    gps_lat: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    gps_lng: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    # The grid's own map (issue 16), all optional and free text: the asset register (casework.assets) offers
    # its names at intake, but a place it does not list yet is still recorded as typed.
    grid_line: Mapped[str | None] = mapped_column(String(100))  # 线路 / feeder
    grid_district: Mapped[str | None] = mapped_column(String(100))  # 台区, the transformer district
    grid_tower: Mapped[str | None] = mapped_column(String(40))  # 杆塔号
    customer_number: Mapped[str | None] = mapped_column(String(40))  # 户号
    meter_number: Mapped[str | None] = mapped_column(String(40))  # 表号

    # The contract's top-level facts (event/report dates, ownership, cause …) and the category's facts.
    event_on: Mapped[date | None] = mapped_column(Date)
    reported_on: Mapped[date | None] = mapped_column(Date)
    circumstances: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    claimed_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    description: Mapped[str | None] = mapped_column(Text)

    # The latest legal-basis check, copied from its snapshot so lists and re-checks need no join.
    assessment_outcome: Mapped[str | None] = mapped_column(String(32), index=True)
    assessment_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    assessment_version: Mapped[str | None] = mapped_column(String(40))
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Lifecycle dates and the earliest duty still open, so "due today" and "overdue" are index lookups.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the claim became a case (issue 16): its submission, or its opening when it never was a draft. Set
    # at the flush that moves it out of draft (cases.summary); every figure and the case list's period filter
    # count a case in the month of this moment, so a chart and the list it links to agree.
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When an officer first confirmed the check's conclusion (registered → assessed): the "first check" of the
    # handling figures and what meets the internal first-check target. The check itself runs at submission,
    # so its earliest snapshot says nothing about how long the officer took.
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    complete_on: Mapped[date | None] = mapped_column(Date)
    duty_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    # Set when a settlement that the law did not require is approved (issue 6): shown in lists and reports.
    goodwill_payment: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Copied out of the JSON so figures can be grouped (issue 16): the fault cause as the intake recorded it
    # (circumstances.cause, kept by the validator below), the approved decision (settled | rejected | court,
    # see domain.summary) and the money settled and paid (decision.service keeps these).
    cause: Mapped[str | None] = mapped_column(String(40))
    decision_kind: Mapped[str | None] = mapped_column(String(16))
    decided_on: Mapped[date | None] = mapped_column(Date)
    settled_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    paid_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    paid_on: Mapped[date | None] = mapped_column(Date)

    # The handling figures, kept from the moments above, the site visits, proposals and deadlines at every flush
    # (analytics.handling_facts; domain.handling.handled): durations from registration, and each duty MET,
    # MISSED or OPEN (owed, undone: missed once its due day has passed) with its due day.
    visit_minutes: Mapped[int | None] = mapped_column(Integer)
    check_days: Mapped[int | None] = mapped_column(Integer)
    decision_days: Mapped[int | None] = mapped_column(Integer)
    payment_days: Mapped[int | None] = mapped_column(Integer)
    visit_duty: Mapped[str | None] = mapped_column(String(8))
    visit_due_on: Mapped[date | None] = mapped_column(Date)
    check_duty: Mapped[str | None] = mapped_column(String(8))
    check_due_on: Mapped[date | None] = mapped_column(Date)
    decision_duty: Mapped[str | None] = mapped_column(String(8))
    decision_due_on: Mapped[date | None] = mapped_column(Date)

    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Optimistic locking: forms carry the version they loaded; the ORM re-checks it at flush.
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped[Unit] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    __mapper_args__ = {"version_id_col": version}

    @validates("state")
    def _as_state(self, _key: str, value: State | str) -> State:
        # A state set as its code ("draft") is the enum at once, not only after a reload: `is` holds.
        return State(value)

    @validates("circumstances")
    def _keep_cause(self, _key: str, value: dict[str, Any] | None) -> dict[str, Any] | None:
        # Every writer assigns a new dict (intake, correction), so the column follows the JSON in the same flush.
        cause = (value or {}).get("cause")
        self.cause = cause if isinstance(cause, str) and cause else None
        return value

    def contract_case(self) -> dict[str, Any]:
        """The case as the assessment contract's input object (spec/assessment.md)."""
        return contract_case(self.category, self.circumstances, self.facts, self.event_on, self.reported_on,
                             self.claimed_amount)


#: The contract's top-level fields kept in the case's own columns, contract name → column: the one place the
#: two vocabularies meet. Every other top-level fact is kept in `circumstances`, as the contract writes it.
CONTRACT_COLUMNS_BY_FIELD: dict[str, str] = {"event_date": "event_on", "report_date": "reported_on",
                                             "claimed_amount": "claimed_amount"}

#: The columns contract_case() reads, for bulk work that selects rows rather than objects.
CONTRACT_COLUMNS = (Case.category, Case.circumstances, Case.facts, Case.event_on, Case.reported_on,
                    Case.claimed_amount)


def contract_value(value: date | Decimal) -> str:
    """A column's value as the contract writes it: dates as YYYY-MM-DD, the amount with two decimals."""
    return value.isoformat() if isinstance(value, date) else f"{value:.2f}"


def column_value(field: str, text: str) -> date | Decimal:
    """A contract value (already checked against the contract) as its column holds it."""
    return Decimal(text) if field == "claimed_amount" else date.fromisoformat(text)


def contract_case(category: str, circumstances: dict[str, Any], facts: dict[str, Any], event_on: date | None,
                  reported_on: date | None, claimed_amount: Decimal | None) -> dict[str, Any]:
    obj: dict[str, Any] = {"category": category, **(circumstances or {}), "facts": dict(facts or {})}
    columns = {"event_on": event_on, "reported_on": reported_on, "claimed_amount": claimed_amount}
    for field, column in CONTRACT_COLUMNS_BY_FIELD.items():
        if (value := columns[column]) is not None:
            obj[field] = contract_value(value)
    return obj


class CaseDeadline(Base):
    """One deadline of a case, replaced whenever its assessment or its dates change."""

    __tablename__ = "case_deadline"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    due_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))  # "rule" | "internal"
    citation: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CaseSearch(Base):
    """The searchable text of a case as space-separated character pairs (2-grams).

    Two-character Chinese terms (王芳, 前营) are single pairs, so an inverted index over pairs answers
    them; a trigram index cannot. SQLite indexes this with FTS5, PostgreSQL with a GIN tsvector.
    """

    __tablename__ = "case_search"

    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), primary_key=True)
    grams: Mapped[str] = mapped_column(Text)


class CaseSummary(Base):
    """The claims summary: per unit, month of registration and category, the sum of its cases' contributions
    (domain.summary). Kept in the transaction of every change that moves a figure (cases.summary); `casework
    analytics rebuild` recomputes it from the cases."""

    __tablename__ = "case_summary"

    unit_path: Mapped[str] = mapped_column(String(255), primary_key=True)
    month_on: Mapped[date] = mapped_column(Date, primary_key=True)
    category: Mapped[str] = mapped_column(String(24), primary_key=True)
    cases: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    withdrawn: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    check_liable: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    check_reduced: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    check_not_liable: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    check_time_barred: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    check_outside_service_boundary: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    check_insufficient_facts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    check_other: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    check_none: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    decided_settled: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    decided_rejected: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    decided_court: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    goodwill: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Sums of many cases: wider than a single amount's Numeric(12, 2).
    claimed_amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=0, server_default="0")
    assessed_amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=0, server_default="0")
    settled_amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=0, server_default="0")
    paid_amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=0, server_default="0")
    paid_above_assessed_amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=0, server_default="0")
