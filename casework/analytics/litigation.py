"""Litigation (issue 16): the view's cases sent to court (an approved escalation), by cause, by result and by
unit one level down, with the amounts claimed and awarded to the fen.

One query reads each such case with its approved escalation's 案由 and its latest judgment (correlated
subqueries on indexed case_id columns); the tables are sums over those rows. What counts is domain.litigation's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from casework.analytics.handling import child_path
from casework.analytics.scope import View, child_units
from casework.analytics.tables import Chart, Column, Section, Table
from casework.cases.models import Case
from casework.decision.models import LitigationEntry, Proposal
from casework.domain.lifecycle import State
from casework.domain.litigation import GROUPS, cause_text, result_group
from casework.ui.labels import CATEGORY

Link = Callable[..., str]
ZERO = Decimal("0.00")

GROUP_LABEL = {"won": _l("胜诉"), "partly": _l("部分胜诉"), "lost": _l("败诉"), "settled": _l("调解或撤诉结案"),
               "pending": _l("审理中"), "unrecorded": _l("未记录判决结果")}

NOTE = _l("诉讼案件：批准移交诉讼的案件。结果以最后记录的判决为准；调解、和解结案与对方撤诉合计为“调解或撤诉结案”；"
          "尚无判决且仍在诉讼中的为“审理中”。案由为移交诉讼时填写的案由，未填写的按索赔类别统计。"
          "判赔金额为判决确定的金额；“已判决案件索赔金额”只计有判决的案件，以便与判赔金额相比。")


@dataclass
class Suit:
    unit_path: str
    category: str
    cause: str | None
    group: str
    judged: bool
    claimed: Decimal
    awarded: Decimal | None


@dataclass
class Tally:
    cases: int = 0
    groups: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GROUPS, 0))
    claimed: Decimal = ZERO
    judged_claimed: Decimal = ZERO
    awarded: Decimal = ZERO

    def add(self, suit: Suit) -> None:
        self.cases += 1
        self.groups[suit.group] += 1
        self.claimed += suit.claimed
        if suit.judged:
            self.judged_claimed += suit.claimed
        self.awarded += suit.awarded or ZERO

    def row(self) -> dict[str, Any]:
        return {"cases": self.cases, **self.groups, "claimed_amount": self.claimed,
                "judged_claimed_amount": self.judged_claimed, "awarded_amount": self.awarded}


def read_suits(session: Session, view: View) -> list[Suit]:
    judgment = aliased(LitigationEntry)
    latest = (select(LitigationEntry.id).where(LitigationEntry.case_id == Case.id, LitigationEntry.kind == "judgment")
              .order_by(LitigationEntry.id.desc()).limit(1).correlate(Case).scalar_subquery())
    cause = (select(Proposal.cause).where(Proposal.case_id == Case.id, Proposal.kind == "escalate",
                                          Proposal.status == "approved")
             .order_by(Proposal.id.desc()).limit(1).correlate(Case).scalar_subquery())
    query = (select(Case.unit_path, Case.category, Case.state, Case.claimed_amount, cause.label("cause"),
                    judgment.id.label("judgment_id"), judgment.result, judgment.amount)
             .outerjoin(judgment, judgment.id == latest)
             .where(*view.case_where(), Case.decision_kind == "court"))
    suits = []
    for row in session.execute(query):
        judged = row.judgment_id is not None
        group = result_group(judged, row.result)
        if not judged and str(row.state) != State.IN_LITIGATION.value:
            group = "unrecorded"  # left court without a judgment on record (closed, withdrawn)
        suits.append(Suit(row.unit_path, row.category, cause_text(row.cause), group, judged,
                          Decimal(row.claimed_amount or 0), Decimal(row.amount) if row.amount is not None else None))
    return suits


AMOUNTS = [Column("claimed_amount", _l("索赔金额"), "money"),
           Column("judged_claimed_amount", _l("已判决案件索赔金额"), "money"),
           Column("awarded_amount", _l("判赔金额"), "money")]


def _group_columns() -> list[Column]:
    return [Column(group, GROUP_LABEL[group], "count") for group in GROUPS]


def litigation(session: Session, view: View, link: Link) -> Section:
    suits = read_suits(session, view)
    section = Section("litigation", _l("诉讼"), intro=_l("统计期间内登记、经批准移交诉讼的案件（北京时间）。"))
    total = Tally()
    for suit in suits:
        total.add(suit)

    by_group: dict[str, Tally] = {group: Tally() for group in GROUPS}
    for suit in suits:
        by_group[suit.group].add(suit)
    groups = [g for g in GROUPS if by_group[g].cases]
    section.tables.append(Table(
        "results", _l("诉讼结果"), [Column("result", _l("结果")), Column("cases", _l("案件数"), "count"), *AMOUNTS],
        [{"result": GROUP_LABEL[g], **by_group[g].row()} for g in groups],
        [link("cases.index", **view.list_args(decision="court", state=State.IN_LITIGATION.value))
         if g == "pending" else None for g in groups], note=NOTE))
    section.charts.append(Chart("results", _l("诉讼结果"), "result", ("cases",), "pie"))
    section.charts.append(Chart("results", _l("判赔与索赔金额"), "result", ("judged_claimed_amount", "awarded_amount")))

    by_cause: dict[tuple[str, str], Tally] = {}
    for suit in suits:
        key = ("typed", suit.cause) if suit.cause else ("category", suit.category)
        by_cause.setdefault(key, Tally()).add(suit)
    causes = sorted(by_cause, key=lambda k: (-by_cause[k].cases, k[0] != "typed", k[1]))

    def cause_name(key: tuple[str, str]) -> Any:
        return key[1] if key[0] == "typed" else _l("未填案由：%(category)s", category=CATEGORY.get(key[1], _l("其他")))

    section.tables.append(Table(
        "by_cause", _l("按案由"), [Column("cause", _l("案由")), Column("cases", _l("案件数"), "count"),
                                 *_group_columns(), *AMOUNTS],
        [{"cause": cause_name(k), **by_cause[k].row()} for k in causes], []))
    section.charts.append(Chart("by_cause", _l("各案由诉讼结果"), "cause", tuple(GROUPS), "stacked"))

    units = child_units(session, view)
    by_path: dict[str, Tally] = {}
    for suit in suits:
        by_path.setdefault(child_path(view, suit.unit_path), Tally()).add(suit)
    shown = [u for u in units if u.path in by_path]
    section.tables.append(Table(
        "by_unit", _l("按单位"),
        [Column("unit", _l("单位")), Column("cases", _l("案件数"), "count"), *_group_columns(), *AMOUNTS],
        [{"unit": u.name, **by_path[u.path].row()} for u in shown],
        [link("cases.index", **view.list_args(unit=u.id, decision="court")) for u in shown],
        drill=[link("analytics.section", name="litigation", **view.args(unit=u.id)) for u in shown]))
    section.charts.append(Chart("by_unit", _l("各单位判赔与索赔金额"), "unit", ("judged_claimed_amount", "awarded_amount")))
    return section
