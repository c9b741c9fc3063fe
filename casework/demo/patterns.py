"""A year and a half of demo claims on the grid's map, for the analytics (issue 16), dated back from today.

Each claim is taken through the real services at the moment it happened: opened on its report day, visited
(on time, or three days late), checked, its file completed, decided, paid or taken to court. What they show:

- repeats: appliance claims at 河西村台区 (4 in the last 12 months, a fifth before), outages on 10kV石桥线
  (3 in the last 12 months, 2 of them at 石桥村台区) and trees cut under tower 青山线#17 (3); places with
  one or two claims beside them (桃园村台区, 白水镇南街台区, 新华街台区);
- a goodwill payment at 杨庄村台区 (paid above the assessed amount, approved by the head, paid in the month
  8 months ago), two appliance claims there in the 6 months before and six in the 6 months after;
- three lawsuits, judged: one won, one lost with an amount awarded, one ended by mediation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from casework.auth.models import Unit
from casework.cases.models import Case
from casework.cases.service import open_case
from casework.cases.site_visit import record_visit_at
from casework.cases.workflow import fire
from casework.decision.service import Draft, decide, propose, record_litigation, record_payment
from casework.domain.evidence import checklist
from casework.domain.lifecycle import Event, State
from casework.evidence.service import waive
from casework.rulecheck.service import run_rule_check
from casework.ui.filters import SHANGHAI

# place → (line, 台区, tower, address, station). Supply claims name the 台区; land, trees and injuries the tower.
PLACES = {
    "yz": ("10kV东岗线", "杨庄村台区", "东岗线#08", "青山镇杨庄村", "DEMO-JC-QS-01"),
    "ty": ("10kV青山线", "桃园村台区", "青山线#17", "青山镇桃园村", "DEMO-JC-QS-01"),
    "qs": ("10kV青山线", "青山镇人民路台区", "", "青山镇人民路", "DEMO-JC-QS-01"),
    "sq": ("10kV石桥线", "石桥村台区", "石桥线#41", "石桥镇石桥村", "DEMO-JC-QS-02"),
    "qj": ("10kV石桥线", "前进村台区", "石桥线#23", "石桥镇前进村", "DEMO-JC-QS-02"),
    "hx": ("10kV河西线", "河西村台区", "河西线#12", "白水镇河西村", "DEMO-JC-BS-01"),
    "nj": ("10kV白水线", "白水镇南街台区", "白水线#05", "白水镇南街", "DEMO-JC-BS-01"),
    "xh": ("10kV柳林线", "新华街台区", "柳林线#03", "柳林镇新华街", "DEMO-HK-LL-01"),
}
ON_THE_LINE = frozenset({"crop", "trees", "land_tower", "injury"})  # claims about a line, not a household supply


@dataclass(frozen=True)
class Claim:
    """One demo claim: where, what, when it was reported (months before today, day of that month), and how it
    ended: pay (settled at the assessed amount and paid), reject, goodwill (paid above it), court, or open
    (checked and waiting). `until` dates the decision or the judgment where the pattern needs a month."""

    place: str
    category: str
    months_ago: int
    day: int
    path: str
    late_visit: bool = False
    late_report: bool = False  # reported after the appliance rules' seven days: nothing owed
    until: tuple[int, int] | None = None
    result: str = ""  # a judgment's
    awarded: str = ""
    claimed: str = ""


CLAIMS = (
    # 杨庄村台区: two appliance claims in the 6 months before the goodwill payment, six in the 6 months after.
    Claim("yz", "appliance", 13, 6, "pay"),
    Claim("yz", "appliance", 11, 15, "reject", late_report=True, late_visit=True),
    Claim("yz", "appliance", 9, 20, "goodwill", until=(8, 5)),
    Claim("yz", "appliance", 7, 10, "pay"),
    Claim("yz", "appliance", 6, 3, "pay", late_visit=True),
    Claim("yz", "appliance", 6, 22, "reject", late_report=True),
    Claim("yz", "appliance", 5, 14, "pay"),
    Claim("yz", "appliance", 4, 8, "reject", late_report=True, late_visit=True),
    Claim("yz", "appliance", 3, 19, "open"),
    # 河西村台区: appliances again and again (one 14 months ago, outside the last 12), and one outage.
    Claim("hx", "appliance", 14, 10, "pay"),
    Claim("hx", "appliance", 10, 4, "pay"),
    Claim("hx", "appliance", 7, 18, "pay", late_visit=True),
    Claim("hx", "appliance", 4, 25, "reject", late_report=True),
    Claim("hx", "appliance", 2, 9, "open"),
    Claim("hx", "outage", 5, 3, "pay"),
    # 10kV石桥线: outages along the line, two at 石桥村台区.
    Claim("sq", "outage", 11, 8, "pay"),
    Claim("qj", "outage", 7, 2, "pay", late_visit=True),
    Claim("sq", "outage", 3, 12, "pay"),
    # Tower 青山线#17: trees cleared under it, three times.
    Claim("ty", "trees", 10, 16, "pay"),
    Claim("ty", "trees", 8, 9, "pay", late_visit=True),
    Claim("ty", "trees", 5, 27, "pay"),
    # Places with one or two claims.
    Claim("ty", "appliance", 11, 20, "pay"),
    Claim("ty", "appliance", 5, 6, "reject", late_report=True, claimed="6300.00"),
    Claim("nj", "power_quality", 6, 14, "pay"),
    Claim("xh", "appliance", 9, 2, "open"),  # 柳林 is 河口市's: no demo officer there decides it
    Claim("xh", "crop", 12, 5, "open"),
    # Decisions across the whole period.
    Claim("qs", "service_dispute", 17, 11, "reject"),
    Claim("nj", "land_tower", 16, 7, "reject", late_visit=True),
    Claim("qj", "crop", 15, 18, "pay"),
    Claim("qs", "power_quality", 14, 21, "pay"),
    Claim("nj", "outage", 12, 26, "pay"),
    Claim("hx", "trees", 17, 4, "pay"),
    # Lawsuits: won, lost with damages awarded, ended by mediation.
    Claim("sq", "injury", 16, 8, "court", until=(11, 15), result="won", awarded="0", claimed="120000.00"),
    Claim("qj", "outage", 13, 3, "court", until=(6, 20), result="lost", awarded="36500.00", claimed="52000.00"),
    Claim("yz", "crop", 10, 1, "court", until=(4, 11), result="mediated", awarded="8000.00", claimed="15000.00"),
)

NAMES = ("张建国", "王秀英", "李桂兰", "赵志强", "刘丽华", "陈海燕", "杨永红", "黄春生", "周玉梅", "吴德胜", "徐小平",
         "孙国庆", "马秀兰", "朱建华", "胡海波", "郭丽娟", "何志明", "林玉兰", "罗春花", "高德明")
APPLIANCES = (
    {"name": "电冰箱", "class": "motor", "price": "3600.00", "purchase_date": "2019-07-20", "invoice": True,
     "repairable": False},
    {"name": "电视机", "class": "electronic", "price": "3200.00", "purchase_date": "2021-03-15", "invoice": True,
     "repairable": True, "repair_cost": "650.00"},
    {"name": "空调", "class": "motor", "price": "4200.00", "purchase_date": "2020-06-01", "invoice": True,
     "repairable": True, "repair_cost": "900.00"},
    {"name": "洗衣机", "class": "motor", "price": "2100.00", "purchase_date": "2022-05-10", "invoice": True,
     "repairable": False},
)


def _facts(category: str, i: int) -> dict[str, Any]:
    if category == "appliance":
        items = [APPLIANCES[i % 4], APPLIANCES[(i + 1) % 4]][: 1 + i % 2]
        return {"customer_type": "residential", "supply_voltage_v": 220,
                "fault_type": ("neutral_broken", "phase_neutral_contact", "hv_onto_lv")[i % 3], "appliances": items}
    if category == "outage":
        return {"outage_cause": "utility_accident", "notice_given_hours": None, "important_user": False,
                "contract_accident_clause": True, "tariff": "single_part", "avg_hourly_kwh": str(20 + i % 5 * 5),
                "outage_hours": str(4 + i % 6), "energy_price": "0.62", "proven_loss": None}
    if category == "power_quality":
        return {"quality_kind": "voltage", "contract_quality_clause": True, "power_factor_meets_standard": True,
                "caused_by_other_user": False, "noncompliant_kwh": "1200", "avg_price": "0.58"}
    if category == "crop":
        return {"work_kind": "construction", "area_mu": ("1.5", "2", "3.2")[i % 3], "crop": "小麦", "region": "410100",
                "growth_stage": "抽穗期"}
    if category == "trees":
        return {"reason": "protection_zone_clearance", "tree_count": 8 + i % 20, "planted_date": "2012-04-01",
                "zone_designated_date": "2015-06-30", "rate_per_tree": "45.00"}
    if category == "land_tower":
        return {"claim_kind": "recurring_fee", "facility_built_date": "1994-05-01",
                "claimant_acquired_date": "2008-03-01", "one_time_compensation_paid": True}
    if category == "injury":
        return {"voltage_kv": "10", "victim_conduct": "gross_negligence", "warnings_adequate": True,
                "assessed_damages": "48000.00"}
    return {"employee_involved": True, "employee_on_duty": True, "proven_loss": "800.00",
            "description": "抄表员上门时与住户发生争执，住户要求赔礼道歉并赔偿。"}


STORIES = {
    "appliance": "雷雨后台区低压线路故障，家中电器烧毁。", "outage": "线路故障停电，冷库及养殖设备受损。",
    "power_quality": "电压长期偏低，水泵电机无法正常运行。", "crop": "线路施工压坏麦田。",
    "trees": "保护区清障砍伐了承包地里的杨树。", "land_tower": "要求按年支付杆塔占地费。",
    "injury": "村民在电杆附近作业时触电受伤，家属要求赔偿。", "service_dispute": "抄表员上门时与住户发生争执。",
}
REASON = ("该台区此前已有多户家电受损，用户坚持按新机价格赔偿并多次到供电所反映。为尽快平息纠纷、避免群体投诉，"
          "经协商按购买价格一次性补偿，协议写明不构成责任承认，亦不作为其他案件的处理依据。")
COURT = {"won": ("青山县人民法院", "触电人身损害责任纠纷", "驳回原告的全部诉讼请求。"),
         "lost": ("青山县人民法院", "供用电合同纠纷", "被告赔偿原告冷库货物损失 36500 元。"),
         "mediated": ("青山县人民法院", "财产损害赔偿纠纷", "经法院主持调解，被告一次性补偿原告 8000 元，双方再无纠纷。")}


def month_day(today: date, months_ago: int, day: int) -> date:
    """Day `day` of the month `months_ago` before today's (never today or later)."""
    index = today.year * 12 + today.month - 1 - months_ago
    found = date(index // 12, index % 12 + 1, min(day, 28))
    return min(found, today - timedelta(days=2))


def at(day: date, hour: int) -> datetime:
    """`hour` o'clock Beijing time on `day`, as the UTC instant the services store (and the audit chain hashes)."""
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI).astimezone(UTC)


def add_demo_history(session: Session, *, units: dict[str, Unit], field: Any, legal: Any, head: Any,
                     table: Any, days: Any, threshold: Decimal, targets: Any, now: datetime) -> int:
    """Every claim of CLAIMS, each step at its own moment (never after `now`)."""
    today = now.astimezone(SHANGHAI).date()
    for i, claim in enumerate(CLAIMS):
        _one(session, i, claim, units=units, field=field, legal=legal, head=head, table=table, days=days,
             threshold=threshold, targets=targets, today=today, now=now)
    return len(CLAIMS)


def _one(session: Session, i: int, claim: Claim, *, units: dict[str, Unit], field: Any, legal: Any, head: Any,
         table: Any, days: Any, threshold: Decimal, targets: Any, today: date, now: datetime) -> None:
    line, district, tower, address, station = PLACES[claim.place]
    reported = month_day(today, claim.months_ago, claim.day)
    event = reported - timedelta(days=20 if claim.late_report else 1)
    on_line = claim.category in ON_THE_LINE
    grid = {"grid_line": line, "grid_district": None if on_line else district,
            "grid_tower": (tower or None) if on_line else None,
            "customer_number": None if on_line else f"31{i + 1:02d}{reported:%y%m}{i * 37 % 100:02d}",
            "meter_number": None if on_line else f"0037{i * 7919 % 10**8:08d}"}
    facts = _facts(claim.category, i)
    claimed = Decimal(claim.claimed) if claim.claimed else _claimed(claim.category, facts, i)
    opened = at(reported, 9)
    # The demo's one field worker is at 青山镇供电所; the other stations' claims are filed and visited, on
    # record, by the company's legal officer (legal staff may file and record visits in their scope).
    ours = units[station].id == field.unit_id
    filer, officer = (field if ours else legal), (legal if units[station].path.startswith(legal.unit.path) else None)
    case = open_case(session, filer.actor(), category=claim.category, unit=units[station], now=opened,
                     state=State.REGISTERED, claimant_name=NAMES[i % len(NAMES)],
                     claimant_phone=f"139{i + 1:02d}{reported:%m%d}{i * 31 % 100:02d}",
                     claimant_address=f"{address}{i % 7 + 1}组", address=f"{address}{i % 7 + 1}组{i + 3}号",
                     event_on=event, reported_on=reported, claimed_amount=claimed,
                     description="【示范数据】" + STORIES[claim.category], facts=facts,
                     circumstances={"facility_owner": "utility", "utility_maintains": True, "cause": "utility_fault"},
                     **{k: v for k, v in grid.items() if v})
    case.submitted_at, case.assignee = opened, officer
    seen = at(reported + timedelta(days=3), 15) if claim.late_visit else at(reported, 11)
    visitors = field.display_name if ours else f"{units[station].name}值班人员"
    record_visit_at(session, filer.actor(), case, seen, visitors=visitors, place=case.address or address,
                    attendees="村委会干部在场", notes="示范数据：已查看现场并拍照，登记笔录由用户签字确认。",
                    now=seen + timedelta(hours=1), targets=targets)
    checked = at(reported + timedelta(days=1), 14)
    run_rule_check(session, legal.actor(), case, table=table, calendar=days, now=checked, targets=targets)
    if claim.path == "open" or officer is None:
        return
    step = _stepper(session, case, targets)
    step(legal, Event.CONFIRM_CHECK, checked + timedelta(hours=2))
    complete = at(reported + timedelta(days=5), 10)
    for item in checklist(case.category):
        if item.required:
            waive(session, legal.actor(), case, item.kind, "示范数据：原件在纸质卷宗中，已核对。", now=complete)
    step(legal, Event.COMPLETE_EVIDENCE, complete + timedelta(minutes=5))
    proposed = at(reported + timedelta(days=8), 10)
    decided = at(month_day(today, *claim.until), 16) if claim.until and claim.path != "court" else \
        proposed + timedelta(days=2, hours=5)
    assessed = case.assessment_amount or Decimal("0")
    kind = {"pay": "settle" if assessed > 0 else "reject", "goodwill": "settle", "court": "escalate"}.get(
        claim.path, "reject")
    amount = max(claimed, assessed + 1) if claim.path == "goodwill" else assessed
    draft = Draft(kind=kind, reason=REASON if claim.path == "goodwill" else "", note="示范数据")
    if kind == "settle":
        draft.amount, draft.payee, draft.payment_method = f"{amount:.2f}", case.claimant_name, "cash"
        draft.terms = ["甲方支付上述款项后，双方就本事件再无其他纠纷。"]
    if kind == "escalate":
        court, cause, _ = COURT[claim.result]
        draft.litigation_role, draft.court, draft.cause, draft.risk = "defendant", court, cause, "证据基本齐全，存在一定败诉风险。"
        draft.demand = f"赔偿 {claimed:.0f} 元"
    if kind in ("settle", "reject") and claim.path != "goodwill":
        draft.reason = ("同一线路或台区近期有类似索赔，承办人已逐一调阅并核实了现场调查记录和证据材料。"
                        "本案依法律依据审查的结论处理，赔偿或不予赔偿的口径与类似案件保持一致，并已告知用户。")
    propose(session, legal.actor(), case, draft, now=proposed, threshold=threshold, targets=targets)
    decide(session, head.actor(), case, approve=True, comment="同意。", now=decided, targets=targets)
    if kind == "settle":
        paid = decided + timedelta(days=7)
        if claim.until:  # the goodwill payment is paid in the month it was approved
            paid = at(month_day(today, claim.until[0], claim.until[1] + 7), 10)
        record_payment(session, legal.actor(), case, amount=f"{amount:.2f}", paid_on=paid.date(),
                       voucher=f"SF-PZ-{i + 1:04d}", now=paid, targets=targets)
    elif kind == "escalate" and claim.until:
        _lawsuit(session, legal, case, claim, start=decided, judged=month_day(today, *claim.until), targets=targets)


def _lawsuit(session: Session, legal: Any, case: Case, claim: Claim, *, start: datetime, judged: date,
             targets: Any) -> None:
    court, _, ruling = COURT[claim.result]
    filed = (start + timedelta(days=20)).date()
    hearing = filed + (judged - filed) / 2
    for kind, on, text, amount, result in (
            ("court_number", filed, f"（示范）{court}受理，案号（{filed.year}）示民初{case.id:04d}号。", "", ""),
            ("hearing", hearing, "第一次开庭，双方质证。", "", ""),
            ("judgment", judged, ruling, claim.awarded, claim.result)):
        record_litigation(session, legal.actor(), case, kind=kind, on=on, text=text, amount=amount, result=result,
                          now=at(on, 17), targets=targets)


def _claimed(category: str, facts: dict[str, Any], i: int) -> Decimal:
    if category == "appliance":
        return sum((Decimal(a["price"]) for a in facts["appliances"]), Decimal("0.00"))
    base = {"outage": 1800, "power_quality": 2600, "crop": 4200, "trees": 3600, "land_tower": 2400,
            "service_dispute": 2000}.get(category, 5000)
    return Decimal(base + i * 37 % 900).quantize(Decimal("0.01"))


def _stepper(session: Session, case: Case, targets: Any) -> Callable[[Any, Event, datetime], None]:
    def step(user: Any, event: Event, when: datetime) -> None:
        fire(session, user.actor(), case, event, now=when, targets=targets)
    return step
