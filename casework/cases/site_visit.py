"""The 24-hour on-site investigation as a recorded action: who went, when, where (with the phone's position
when it gave one), who else was present, and what was found. Recording it is what meets the duty."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import ForeignKey, Integer, Numeric, String, Text, exists, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from wtforms import DateTimeLocalField, DecimalField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from casework.audit.service import record
from casework.auth.models import User
from casework.cases import deadlines
from casework.cases.forms import no_control_characters, without_controls
from casework.cases.models import Case, CaseDeadline
from casework.domain.access import Actor, Role, can_see_case
from casework.domain.deadlines import Deadline, duty_status, visit_refusal
from casework.infra.db import Base, UTCDateTime, db, utcnow
from casework.ui.filters import SHANGHAI

KIND = "on_site_investigation"


class SiteVisit(Base):
    """One visit to the place of the damage. A case may have several; the first one meets the duty."""

    __tablename__ = "site_visit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    visitors: Mapped[str] = mapped_column(String(200))  # the people who went, as they are named
    place: Mapped[str] = mapped_column(String(255))
    attendees: Mapped[str | None] = mapped_column(String(255))  # e.g. 村委会 present
    notes: Mapped[str | None] = mapped_column(Text)
    gps_lat: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    gps_lng: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    gps_accuracy_m: Mapped[Decimal | None] = mapped_column(Numeric(8, 1))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    recorded_by: Mapped[User] = relationship()


#: Refusal codes → what the person is told.
REFUSALS = {
    "visit_in_future": _l("调查时间不能晚于现在"),
    "visit_before_report": _l("调查时间不能早于报案日"),
}


class SiteVisitForm(FlaskForm):
    visited_at = DateTimeLocalField(_l("调查时间"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                    validators=[DataRequired(_l("请填写调查时间（日期和时刻）"))])
    visitors = StringField(_l("调查人员"), validators=[DataRequired(_l("请填写去现场的人员")), Length(max=200),
                                                   no_control_characters])
    place = StringField(_l("调查地点"), validators=[DataRequired(_l("请填写调查地点")), Length(max=255),
                                                no_control_characters])
    attendees = StringField(_l("在场人员"), validators=[Optional(), Length(max=255), no_control_characters])
    notes = TextAreaField(_l("调查情况"), validators=[Optional(), Length(max=4000)])
    gps_lat = DecimalField(_l("纬度"), places=6, validators=[Optional(), NumberRange(-90, 90)])
    gps_lng = DecimalField(_l("经度"), places=6, validators=[Optional(), NumberRange(-180, 180)])
    gps_accuracy = DecimalField(_l("定位精度（米）"), places=1, validators=[Optional(), NumberRange(0, 100000)])


def may_record(actor: Actor, case: Case) -> bool:
    """Field staff of the case's unit and legal staff in scope; auditors and others only read."""
    return actor.role in (Role.FIELD, Role.LEGAL, Role.LEGAL_HEAD) and can_see_case(actor, case.unit_path)


def visits(session: Session, case_id: int) -> list[SiteVisit]:
    return list(session.scalars(select(SiteVisit).where(SiteVisit.case_id == case_id)
                                .order_by(SiteVisit.visited_at, SiteVisit.id)))


def visited(session: Session, case_id: int) -> bool:
    return bool(session.scalar(select(exists().where(SiteVisit.case_id == case_id))))


def visited_among(session: Session, case_ids: list[int]) -> dict[int, frozenset[str]]:
    """For bulk work (a re-check of every open case): the recorded duties of each of these cases."""
    found = session.scalars(select(SiteVisit.case_id).where(SiteVisit.case_id.in_(case_ids)).distinct())
    return {case_id: frozenset({KIND}) for case_id in found}


def record_visit(session: Session, actor: Actor, case: Case, form: SiteVisitForm, *, now: datetime,
                 targets: Any) -> SiteVisit | str:
    """Record the visit as the form gives it, or return the refusal code (nothing stored)."""
    return record_visit_at(session, actor, case, form.visited_at.data.replace(tzinfo=SHANGHAI).astimezone(UTC),
                           visitors=form.visitors.data, place=form.place.data, attendees=form.attendees.data or "",
                           notes=without_controls(form.notes.data or ""),
                           gps=(form.gps_lat.data, form.gps_lng.data, form.gps_accuracy.data), now=now,
                           targets=targets)


def record_visit_at(session: Session, actor: Actor, case: Case, visited_at: datetime, *, visitors: str, place: str,
                    attendees: str = "", notes: str = "",
                    gps: tuple[Decimal | None, Decimal | None, Decimal | None] = (None, None, None),
                    now: datetime, targets: Any) -> SiteVisit | str:
    """Record a visit at `visited_at` (aware), or return the refusal code (nothing stored). Audited; the
    case's next duty moves. The form's path and the demo's both come here, so both are audited alike."""
    reported = (datetime.combine(case.reported_on, time(), tzinfo=SHANGHAI).astimezone(UTC)
                if case.reported_on else None)
    refusal = visit_refusal(visited_at, reported_at=reported, now=now)
    if refusal:
        return refusal
    before_due = case.duty_due_on
    lat, lng, accuracy = gps
    visit = SiteVisit(case_id=case.id, visited_at=visited_at, visitors=visitors.strip(),
                      place=place.strip(), attendees=attendees.strip() or None, notes=notes.strip() or None,
                      gps_lat=lat, gps_lng=lng, gps_accuracy_m=accuracy, recorded_by_id=actor.user_id,
                      recorded_at=now)
    session.add(visit)
    session.flush()
    deadlines.refresh(session, case, targets=targets)
    after: dict[str, Any] = {"visited_at": visited_at, "visitors": visit.visitors, "place": visit.place,
                             "attendees": visit.attendees, "notes": visit.notes, "duty_due_on": case.duty_due_on}
    if visit.gps_lat is not None and visit.gps_lng is not None:
        after["gps"] = [str(visit.gps_lat), str(visit.gps_lng),
                        str(visit.gps_accuracy_m) if visit.gps_accuracy_m is not None else None]
    record(session, actor, "case.site_visit", now=now, object_type="site_visit", object_id=visit.id,
           case_id=case.id, before={"duty_due_on": before_due},
           after={k: v for k, v in after.items() if v is not None})
    return visit


def now() -> datetime:
    """The clock for the work pages and the visit form (one name, so a test can move time)."""
    return utcnow()


def today() -> date:
    return now().astimezone(SHANGHAI).date()


def case_panel(case: Case, actor: Actor) -> tuple[str, dict[str, Any]]:
    """The site visit on the case page: due (days left or late) until recorded, then who went and when."""
    session = db.session()
    due = session.scalar(select(CaseDeadline.due_on).where(CaseDeadline.case_id == case.id,
                                                          CaseDeadline.kind == KIND))
    done = visits(session, case.id)
    standing = (duty_status(Deadline(KIND, due, None, "rule"), case.state, today(),
                            done={KIND} if done else ()) if due else None)
    form = SiteVisitForm()
    form.visitors.data = display_name(session, actor)
    form.place.data = case.address
    return "cases/site_visit_panel.html", {"due": due, "standing": standing, "visits": done, "form": form,
                                           "may": may_record(actor, case)}


def display_name(session: Session, actor: Actor) -> str:
    user = session.get(User, actor.user_id) if actor.user_id else None
    return user.display_name if user else ""
