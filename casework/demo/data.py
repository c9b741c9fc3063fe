"""`casework demo`: a clearly fictional province, one user per role, and a couple of dozen cases."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from casework.auth.models import Unit
from casework.auth.service import create_unit, create_user, temporary_password
from casework.cases.service import open_case
from casework.demo.patterns import add_demo_history, at
from casework.demo.register import QUIET, SUPPLY, import_demo_registers
from casework.demo.work import add_demo_work
from casework.domain.access import SYSTEM, Role
from casework.domain.lifecycle import State
from casework.domain.personal import id_check_digit
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.settings import deadline_targets, setting
from casework.rulecheck.service import run_rule_check
from casework.ruletable.store import calendar, current_table

# (code, name, kind, parent code). Every name is invented; "示范" marks the data as a demo.
UNITS = (
    ("DEMO-PROV", "示范省电力公司", "province", None),
    ("DEMO-JC", "江城市供电公司", "city", "DEMO-PROV"),
    ("DEMO-HK", "河口市供电公司", "city", "DEMO-PROV"),
    ("DEMO-JC-QS", "青山县供电公司", "county", "DEMO-JC"),
    ("DEMO-JC-BS", "白水县供电公司", "county", "DEMO-JC"),
    ("DEMO-HK-LL", "柳林县供电公司", "county", "DEMO-HK"),
    ("DEMO-JC-QS-01", "青山镇供电所", "station", "DEMO-JC-QS"),
    ("DEMO-JC-QS-02", "石桥供电所", "station", "DEMO-JC-QS"),
    ("DEMO-JC-BS-01", "白水供电所", "station", "DEMO-JC-BS"),
    ("DEMO-HK-LL-01", "柳林供电所", "station", "DEMO-HK-LL"),
)
# The registered legal entity of each company; stations sign through their county company.
LEGAL_NAMES = {
    "DEMO-PROV": "国网示范省电力有限公司", "DEMO-JC": "国网示范省电力有限公司江城市供电公司",
    "DEMO-HK": "国网示范省电力有限公司河口市供电公司", "DEMO-JC-QS": "国网江城市青山县供电公司",
    "DEMO-JC-BS": "国网江城市白水县供电公司", "DEMO-HK-LL": "国网河口市柳林县供电公司",
}

# (username, display name, role, unit code)
USERS = (
    ("demo.field", "王小军（供电所）", Role.FIELD, "DEMO-JC-QS-01"),
    ("demo.legal", "李敏（法务）", Role.LEGAL, "DEMO-JC"),
    ("demo.head", "赵静（法务负责人）", Role.LEGAL_HEAD, "DEMO-JC"),
    ("demo.auditor", "孙立（审计）", Role.AUDITOR, "DEMO-PROV"),
    ("demo.admin", "周航（系统管理员）", Role.ADMIN, "DEMO-PROV"),
)

SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高"
GIVEN = ("建国", "秀英", "桂兰", "志强", "丽华", "海燕", "永红", "春生", "玉梅", "德胜", "小平", "国庆")
VILLAGES = ("青山镇东岗村", "青山镇柳湾村", "石桥镇石桥村三组", "白水镇河西村", "柳林镇新华街 12 号", "青山镇人民路 8 号")


def _appliance(rng: random.Random) -> dict[str, Any]:
    items = [
        {"name": "电视机", "class": "electronic", "price": "3200.00", "purchase_date": "2021-03-15",
         "invoice": True, "repairable": True, "repair_cost": "650.00"},
        {"name": "电冰箱", "class": "motor", "price": "3600.00", "purchase_date": "2019-07-20",
         "invoice": True, "repairable": False},
        {"name": "电饭煲", "class": "resistive_heating", "price": "420.00", "purchase_date": "2023-11-02",
         "invoice": False, "repairable": False},
    ]
    return {"customer_type": "residential", "supply_voltage_v": 220,
            "fault_type": rng.choice(["neutral_broken", "phase_neutral_contact", "hv_onto_lv"]),
            "appliances": rng.sample(items, rng.randint(1, 3))}


FACTS: dict[str, Callable[[random.Random], dict[str, Any]]] = {
    "appliance": _appliance,
    "outage": lambda rng: {"outage_cause": rng.choice(["utility_accident", "planned_maintenance"]),
                           "notice_given_hours": rng.choice([None, "48", "200"]), "important_user": False,
                           "contract_accident_clause": True, "tariff": "single_part", "avg_hourly_kwh": "35",
                           "outage_hours": "6", "energy_price": "0.62", "proven_loss": None},
    "power_quality": lambda rng: {"quality_kind": "voltage", "contract_quality_clause": True,
                                  "power_factor_meets_standard": True, "caused_by_other_user": False,
                                  "noncompliant_kwh": "1200", "avg_price": "0.58"},
    "crop": lambda rng: {"work_kind": "construction", "area_mu": str(rng.choice([1.5, 2, 3.2])), "crop": "小麦",
                         "region": "410100", "growth_stage": "抽穗期"},
    "trees": lambda rng: {"reason": rng.choice(["new_line_corridor", "protection_zone_clearance"]),
                          "tree_count": rng.randint(5, 40), "planted_date": "2012-04-01",
                          "zone_designated_date": "2015-06-30", "rate_per_tree": "45.00"},
    "land_tower": lambda rng: {"claim_kind": rng.choice(["recurring_fee", "unpaid_one_time"]),
                               "facility_built_date": "1994-05-01", "claimant_acquired_date": "2008-03-01",
                               "one_time_compensation_paid": rng.choice([True, None])},
    "injury": lambda rng: {"voltage_kv": "10", "victim_conduct": rng.choice(["none", "gross_negligence"]),
                           "warnings_adequate": rng.choice([True, False]), "assessed_damages": "48000.00"},
    "service_dispute": lambda rng: {"employee_involved": True, "employee_on_duty": rng.choice([True, False]),
                                    "description": "抄表员上门时与住户发生争执，住户要求赔礼道歉并赔偿。"},
}

STATES = (State.DRAFT, State.REGISTERED, State.REGISTERED, State.ASSESSED, State.EVIDENCE_COMPLETE,
          State.DECISION_PENDING, State.SETTLED, State.PAID, State.REJECTED, State.IN_LITIGATION, State.CLOSED)


def fictional_id_number(rng: random.Random, born: date) -> str:
    """A well-formed ID number with the fictional region prefix 990101 (no real county uses 99)."""
    first17 = f"990101{born:%Y%m%d}{rng.randint(100, 999)}"
    return first17 + id_check_digit(first17)


# Three cases with complete files, for deciding (issue 6): a fridge burnt by a broken neutral (liable, pay
# the depreciated price), a yearly "tower rent" demand (the law gives a one-time compensation only), and
# a child hurt climbing a 10 kV pole (strict liability, reduced for gross negligence; the family sues).
READY = (
    ("appliance", "刘桂兰", "13907310001", "utility_fault", "青山镇东岗村五组", Decimal("3600.00"), {
        "customer_type": "residential", "supply_voltage_v": 220, "fault_type": "neutral_broken",
        "appliances": [{"name": "电冰箱", "class": "motor", "price": "3600.00", "purchase_date": "2019-07-20",
                        "invoice": True, "repairable": False}]}, "零线断线后冰箱烧毁，已登记并拍照。"),
    ("land_tower", "陈德胜", "13907310002", "utility_fault", "青山镇柳湾村二组", Decimal("2400.00"), {
        "claim_kind": "recurring_fee", "facility_built_date": "1994-05-01", "claimant_acquired_date": "2008-03-01",
        "one_time_compensation_paid": True}, "要求按每年 800 元支付地里两基杆塔的占地费，追溯三年。"),
    ("injury", "黄春生", "13907310003", "victim_fault", "石桥镇石桥村三组", Decimal("120000.00"), {
        "voltage_kv": "10", "victim_conduct": "gross_negligence", "warnings_adequate": True,
        "assessed_damages": "48000.00"}, "其子攀爬 10 千伏线路电杆触电受伤，家属要求赔偿并称将起诉。"),
)


READY_PLACES = {
    "appliance": {"grid_line": "10kV东岗线", "grid_district": "东岗村台区", "customer_number": "3100730001",
                  "meter_number": "003600730001"},
    "land_tower": {"grid_line": "10kV青山线", "grid_tower": "青山线#09"},
    "injury": {"grid_line": "10kV石桥线", "grid_tower": "石桥线#41"},
}


def _ready_to_decide(session: Any, users: dict[Role, Any], station: Unit, table: Any, days: Any, now: Any) -> None:
    """Checked cases whose evidence is complete: for the appliance the files themselves (drawn photos and
    PDFs, kept by the real upload path), for the others paper files recorded as waivers."""
    from casework.demo.evidence import attach_demo_evidence
    from casework.domain.evidence import checklist
    from casework.evidence.service import waive

    legal = users[Role.LEGAL].actor()
    for category, name, phone, cause, place, claimed, facts, story in READY:
        event = date(2025, 7, 20)
        case = open_case(session, users[Role.FIELD].actor(), category=category, unit=station, now=now,
                         state=State.EVIDENCE_COMPLETE, claimant_name=name, claimant_address=place, address=place,
                         claimant_phone=phone, event_on=event,
                         reported_on=event + timedelta(days=2), claimed_amount=claimed,
                         description="【示范数据】" + story, facts=facts,
                         circumstances={"facility_owner": "utility", "utility_maintains": True, "cause": cause},
                         **READY_PLACES[category])
        case.submitted_at, case.assignee = now, users[Role.LEGAL]
        run_rule_check(session, legal, case, table=table, calendar=days, now=now)
        if category == "appliance":
            attach_demo_evidence(session, legal, case, now=now)
            continue
        for item in checklist(category):
            if item.required:
                waive(session, legal, case, item.kind, "示范数据：原件在纸质卷宗中，已核对。", now=now)


def load_demo(say: Callable[[str], None]) -> None:
    if db.session.scalar(select(Unit.id).where(Unit.code == "DEMO-PROV")) is not None:
        say("demo data already loaded; nothing changed (passwords were printed when it was first loaded)")
        return
    rng = random.Random(20250720)  # the same demo every time
    now = utcnow()
    with unit_of_work() as session:
        units: dict[str, Unit] = {}
        for code, name, kind, parent in UNITS:
            units[code] = create_unit(session, SYSTEM, code=code, name=name, kind=kind,
                                      parent=units.get(parent) if parent else None, now=now)
            units[code].legal_name = LEGAL_NAMES.get(code)
        credentials = []
        users = {}
        for username, display, role, unit_code in USERS:
            secret = temporary_password()
            users[role], _ = create_user(session, SYSTEM, username=username, display_name=display, role=role,
                                         unit=units[unit_code], now=now, password=secret, must_change=False)
            credentials.append((username, role.value, unit_code, secret))
        stations = [u for u in units.values() if u.kind == "station"]
        table, days = current_table(session), calendar(session)
        categories = list(FACTS)
        for i in range(26):
            category = categories[i % len(categories)]
            event = date(2025, 1, 5) + timedelta(days=rng.randint(0, 600))
            station = stations[i % len(stations)]
            field_user = users[Role.FIELD]
            # Drawn in the order they always were, so the demo stays the same demo.
            person = {"claimant_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                      "claimant_id_number": fictional_id_number(rng, date(1950 + rng.randint(0, 50),
                                                                          rng.randint(1, 12), 15)),
                      "claimant_phone": f"139{rng.randint(10_000_000, 99_999_999)}",
                      "claimant_address": rng.choice(VILLAGES), "address": rng.choice(VILLAGES),
                      "claimant_bank_account": f"6222{rng.randint(10**11, 10**12 - 1)}"}
            reported = event + timedelta(days=rng.randint(1, 12))
            # Registered on the day it was reported (the analytics count claims by registration month) and
            # checked the next day, never later than now.
            opened = min(at(reported, 9), now)
            case = open_case(
                session, field_user.actor(), category=category, unit=station, now=opened,
                state=STATES[i % len(STATES)], **person, event_on=event, reported_on=reported,
                claimed_amount=Decimal(rng.randint(300, 60000)).quantize(Decimal("0.01")),
                description="【示范数据】" + ("家中电器在停电恢复后损坏。" if category == "appliance" else "请核实现场情况。"),
                facts=FACTS[category](rng),
                circumstances={"facility_owner": "utility", "utility_maintains": True, "cause": "utility_fault"},
            )
            if category in SUPPLY:  # the household's 台区 and numbers, as the station records them
                case.grid_district = QUIET[station.code][i // 8 % 2]
                case.customer_number, case.meter_number = f"3100{i:02d}{event:%y%m}", f"0036{i * 7717 % 10**8:08d}"
            if case.state != State.DRAFT:  # submitted: checked, and the company's officer has it
                case.submitted_at = opened
                run_rule_check(session, users[Role.LEGAL].actor(), case, table=table, calendar=days,
                               now=min(at(reported + timedelta(days=1), 14), now))
                if case.unit_path.startswith(users[Role.LEGAL].unit.path):
                    case.assignee = users[Role.LEGAL]
        _ready_to_decide(session, users, units["DEMO-JC-QS-01"], table, days, now)
        threshold = Decimal(str(setting("SETTLEMENT_APPROVAL_THRESHOLD")))
        add_demo_work(session, field=users[Role.FIELD], legal=users[Role.LEGAL], now=now, threshold=threshold)
        assets = import_demo_registers(session, users[Role.ADMIN].actor(), units, now=now)
        past = add_demo_history(session, units=units, field=users[Role.FIELD], legal=users[Role.LEGAL],
                                head=users[Role.LEGAL_HEAD], table=table, days=days, threshold=threshold,
                                targets=deadline_targets(), now=now)
    say(f"demo data loaded: {len(UNITS)} units, {len(USERS)} users, {26 + len(READY) + past} cases, "
        f"{assets} assets in the registers. Demo logins (shown once, keep them):")
    for username, role_name, unit_code, secret in credentials:
        say(f"  {username:14} {role_name:11} {unit_code:15} password: {secret}")
    say("  demo.head, demo.auditor and demo.admin set up two-step verification at their first login: scan the "
        "QR code with an authenticator app (SECOND_FACTOR_ROLES).")
