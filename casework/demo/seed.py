"""`casework bench seed`: a large, realistic, clearly fictional data set for the list, search and analytics benchmarks.

Rows go in with bulk inserts (the services would take hours at 100,000 cases); what the services
derive — assessment, deadlines, the search index, the claims summary — is derived here with the same functions.
Ten years of claims (2016–2026) on each station's generated grid (demo.grid), with the decisions, payments,
lawsuits and site visits of the cases that reached them (demo.decisions).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select

from casework.analytics import handling_facts
from casework.assets.models import Asset, AssetRegister
from casework.audit.service import record
from casework.auth.models import Unit, User
from casework.auth.passwords import hash_password
from casework.cases import summary
from casework.cases.models import Case, CaseDeadline, CaseNumberCounter, CaseSearch
from casework.cases.search import grams
from casework.cases.site_visit import SiteVisit
from casework.decision.models import LitigationEntry, Payment, Proposal
from casework.demo.data import FACTS, fictional_id_number
from casework.demo.decisions import People, Plan, plan
from casework.demo.grid import PLACES, Register, registers
from casework.domain.access import SYSTEM, Role
from casework.domain.deadlines import DEFAULT_TARGETS, from_assessment, internal_targets, next_duty
from casework.domain.lifecycle import State, case_number
from casework.domain.rules import RuleTable, assess
from casework.infra.db import unit_of_work, utcnow
from casework.infra.pii import cipher
from casework.ruletable.store import current_table

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "芳伟娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅春生德胜小平海燕永红国庆"
PHRASES = (
    "施工队在架设线路时压坏了地里的作物", "停电恢复后家中多台电器无法使用", "村民反映杆塔占用承包地多年未获补偿",
    "雷雨天气后线路跳闸导致冷库货物变质", "抄表员上门时与住户发生争执", "电压偏低导致水泵电机烧毁",
    "保护区内清障砍伐了成片杨树", "孩子在线路附近放风筝触电受伤", "供电所已派员到现场勘查并拍照",
    "索赔人提供了购买发票和维修单", "双方对损失数额存在较大分歧", "村委会出具了情况说明",
    "施工单位称已按标准支付青苗费", "用户要求按新机价格全额赔偿", "事故发生在产权分界点以下的用户设备上",
)
STATES = (State.DRAFT, State.REGISTERED, State.REGISTERED, State.ASSESSED, State.ASSESSED, State.EVIDENCE_COMPLETE,
          State.DECISION_PENDING, State.SETTLED, State.PAID, State.PAID, State.REJECTED, State.IN_LITIGATION,
          State.JUDGED, State.CLOSED, State.CLOSED, State.CLOSED, State.WITHDRAWN)
PASSWORD = "seed benchmark only"  # noqa: S105 - printed for the benchmark accounts, never a real one


def _units(session: Any, count: int) -> list[Unit]:
    """A province, 5 cities, 6 counties each, and stations to make up `count` units."""
    from casework.auth.service import create_unit

    now = utcnow()
    province = create_unit(session, SYSTEM, code="SEED-P", name="基准测试省电力公司", kind="province", parent=None, now=now)
    stations: list[Unit] = []
    counties = []
    for c in range(5):
        city = create_unit(session, SYSTEM, code=f"SEED-C{c}", name=f"基准{c}市供电公司", kind="city", parent=province,
                           now=now)
        for k in range(6):
            counties.append(create_unit(session, SYSTEM, code=f"SEED-C{c}K{k}", name=f"基准{c}市{k}县供电公司",
                                        kind="county", parent=city, now=now))
    for s in range(max(1, count - 1 - 5 - len(counties))):
        county = counties[s % len(counties)]
        stations.append(create_unit(session, SYSTEM, code=f"{county.code}S{s}", name=f"{PLACES[s % len(PLACES)]}"
                                    f"{PLACES[(s * 7) % len(PLACES)]}供电所{s}", kind="station", parent=county, now=now))
    return stations


def _users(session: Any, stations: list[Unit]) -> tuple[dict[str, User], dict[int, People]]:
    """A legal officer and a head of legal per city, field staff at 20 stations, one auditor; and who acts on
    each station's cases."""
    digest = hash_password(PASSWORD)  # one hash for all: these accounts exist only to load pages
    now = utcnow()
    users = {}
    cities = session.scalars(select(Unit).where(Unit.kind == "city", Unit.code.startswith("SEED-"))).all()
    staff = [(Role.LEGAL, c) for c in cities] + [(Role.FIELD, s) for s in stations[:20]] \
        + [(Role.LEGAL_HEAD, c) for c in cities]
    for role, unit in staff:
        user = User(username=f"seed.{role.value}.{unit.code.lower()}", display_name=f"基准{unit.name}", role=role.value,
                    unit=unit, password_hash=digest, active=True, must_change_password=False, created_at=now)
        session.add(user)
        users[user.username] = user
    session.add(User(username="seed.auditor", display_name="基准审计", role=Role.AUDITOR.value, unit=cities[0].parent,
                     password_hash=digest, active=True, must_change_password=False, created_at=now))
    session.flush()
    field_staff = [users[f"seed.{Role.FIELD.value}.{s.code.lower()}"] for s in stations[:20]]
    people = {}
    for i, station in enumerate(stations):
        county = station.parent
        assert county is not None and county.parent is not None
        city = county.parent.code.lower()
        worker = field_staff[i % len(field_staff)]
        people[station.id] = People(legal=users[f"seed.{Role.LEGAL.value}.{city}"].id,
                                    head=users[f"seed.{Role.LEGAL_HEAD.value}.{city}"].id,
                                    field_id=worker.id, field_name=worker.display_name)
    return users, people


def _store_registers(session: Any, stations: list[Unit], grids: list[Register], creator: int) -> None:
    """Each station's grid as its current asset register (version 1), so intake offers the seeded places."""
    now = utcnow()
    for station, grid in zip(stations, grids, strict=True):
        entries = [{"kind": "line", "name": line, "voltage": "10 kV", "line_name": None, "village": None}
                   for line in grid.lines]
        entries += [{"kind": "district", "name": d.name, "voltage": "0.4 kV", "line_name": d.line, "village": d.village}
                    for d in grid.districts]
        entries += [{"kind": "tower", "name": tower, "voltage": "10 kV", "line_name": line, "village": None}
                    for line, tower in grid.towers()]
        register = AssetRegister(unit_id=station.id, version=1, is_current=True, source_name="bench-seed.csv",
                                 sha256="0" * 64, row_count=len(entries), imported_by_id=creator,
                                 imported_by_name="基准测试", imported_at=now)
        session.add(register)
        session.flush()
        session.execute(insert(Asset), [{"register_id": register.id, "line_no": n, "unit_id": station.id,
                                         "unit_path": station.path, "code": None, **entry}
                                        for n, entry in enumerate(entries, start=2)])


def _description(rng: random.Random) -> str:
    text = ""
    while len(text) < rng.randint(100, 300):
        text += rng.choice(PHRASES) + "，"
    return text.rstrip("，") + "。"


#: The fault causes (circumstances.cause, copied to the cause column), as weights.
CAUSES = {"utility_fault": 50, "third_party": 15, "force_majeure": 12, "victim_fault": 10, "unknown": 13}
#: Categories whose claimant is a supply customer: they nearly always carry a customer and a meter number.
CUSTOMER_CATEGORIES = frozenset({"appliance", "outage", "power_quality", "service_dispute"})
FIRST_DAY = date(2016, 1, 1)
EVENT_DAYS = (date(2026, 9, 30) - FIRST_DAY).days  # ten years and more, ending before the decisions do
Item = tuple[dict[str, Any], dict[str, Any], list[Any], Plan]


def _grid(rng: random.Random, row: dict[str, Any], grid: Register, category: str) -> str:
    """A case's place on the grid (台区 70 %, line 50 %, tower 30 %) and meter numbers; returns its village."""
    district = grid.district(rng) if rng.random() < 0.7 else None
    line = (district.line if district and rng.random() < 0.8 else grid.line(rng)) if rng.random() < 0.5 else None
    row["grid_district"] = district.name if district else None
    row["grid_line"] = line
    row["grid_tower"] = grid.tower(rng, line) if line and rng.random() < 0.6 else None
    customer = rng.random() < (0.9 if category in CUSTOMER_CATEGORIES else 0.2)
    row["customer_number"] = f"31{rng.randint(0, 99_999_999):08d}" if customer else None
    row["meter_number"] = f"3330{rng.randint(0, 999_999_999):09d}" if customer and rng.random() < 0.9 else None
    return district.village if district else grid.village(rng)


def _circumstances(rng: random.Random) -> dict[str, Any]:
    cause = rng.choices(list(CAUSES), weights=list(CAUSES.values()))[0]
    out: dict[str, Any] = {"facility_owner": "utility", "utility_maintains": True, "cause": cause}
    if cause in ("third_party", "force_majeure"):  # an excuse counts only once the authority confirms it
        out["cause_confirmed_by_authority"] = rng.random() < 0.5
    return out


def _rows(rng: random.Random, n: int, stations: list[Unit], grids: list[Register], people: dict[int, People],
          creator: int, table: RuleTable, start: int) -> Iterator[Item]:
    categories = list(FACTS)
    previous: str | None = None
    for i in range(n):
        category = categories[i % len(categories)]
        event = FIRST_DAY + timedelta(days=rng.randint(0, EVENT_DAYS))
        reported = event + timedelta(days=rng.randint(0, 14))
        state = rng.choice(STATES)
        s = rng.randrange(len(stations))
        unit = stations[s]
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        created = datetime(reported.year, reported.month, reported.day, 9, tzinfo=UTC) + timedelta(minutes=i % 600)
        facts = FACTS[category](rng)
        circumstances = _circumstances(rng)
        row: dict[str, Any] = {
            "number": case_number(created.year, start + i), "category": category, "state": state.value,
            "claimant_name": name, "claimant_phone": f"13{rng.randint(100_000_000, 999_999_999)}",
            "claimant_id_number": fictional_id_number(rng, date(1950 + rng.randint(0, 50), 1 + i % 12, 10)),
            "unit_id": unit.id, "unit_path": unit.path,
            "event_on": event, "reported_on": reported, "circumstances": circumstances,
            "cause": circumstances["cause"], "facts": facts,
            "claimed_amount": Decimal(rng.randint(200, 80000)), "description": _description(rng),
            "created_by_id": creator, "created_at": created, "updated_at": created, "version": 1,
            "registered_at": None if state is State.DRAFT else created,
            # The officer confirmed the check 2 to 121 hours later (no draw from rng: the sequence stays as it was).
            "checked_at": None if state in (State.DRAFT, State.REGISTERED) else created + timedelta(hours=2 + i * 37 % 120),
            "assessment_outcome": None, "assessment_version": None, "assessment_amount": None, "assessed_at": None,
            "decision_kind": None, "decided_on": None, "settled_amount": None, "paid_amount": None, "paid_on": None,
            "goodwill_payment": False,
        }
        village = _grid(rng, row, grids[s], category)
        row["claimant_address"] = f"{unit.name[:2]}镇{village}{rng.randint(1, 12)}组"
        row["address"] = f"{village}{rng.randint(1, 99)}号"
        contract = {"category": category, "event_date": event.isoformat(), "report_date": reported.isoformat(),
                    **circumstances, "facts": facts}
        result = assess(contract, table) if state is not State.DRAFT else None
        deadlines = from_assessment(result) if result else []
        deadlines += internal_targets(reported_on=reported, complete_on=None, targets=DEFAULT_TARGETS)
        if result:
            row.update(assessment_outcome=result["outcome"], assessment_version=result["rule_table_version"],
                       assessment_amount=Decimal(result["amount"]) if result["amount"] else None, assessed_at=created)
        decided = plan(rng, row, people[unit.id], previous)  # may move the state to agree with the decision
        row["duty_due_on"] = next_duty(deadlines, State(row["state"]))
        row["claimant_phone_digest"] = cipher().digest(row["claimant_phone"])
        row["claimant_id_digest"] = cipher().digest(row["claimant_id_number"])
        text = (row["number"], name, row["address"], row["claimant_address"], row["description"])
        previous = row["number"]
        yield row, {"grams": grams(text, row["claimant_phone"], row["claimant_id_number"])}, deadlines, decided


def seed(cases: int, units: int, *, say: Callable[[str], None], seed_value: int = 1) -> None:
    rng = random.Random(seed_value)
    with unit_of_work() as session:
        stations = _units(session, units)
        users, people = _users(session, stations)
        creator = next(iter(users.values())).id
        grids = registers(random.Random(seed_value + 1), len(stations))
        _store_registers(session, stations, grids, creator)
        table = current_table(session)
        # One sequence across the seeded years, started above every counter, so no number is ever reused.
        start = (session.scalar(select(func.max(CaseNumberCounter.last))) or 0) + 1
        say(f"{len(stations)} stations, {len(users) + 1} users (password: {PASSWORD!r})")
    batch: list[Item] = []
    done = 0
    for item in _rows(rng, cases, stations, grids, people, creator, table, start):
        batch.append(item)
        if len(batch) == 2000:
            done += _flush(batch)
            batch.clear()
            say(f"  {done} cases")
    done += _flush(batch)
    with unit_of_work() as session:
        for year in range(FIRST_DAY.year, 2027):
            counter = session.get(CaseNumberCounter, year) or CaseNumberCounter(year=year, last=0)
            counter.last = max(counter.last or 0, start + cases)
            session.add(counter)
        record(session, SYSTEM, "bench.seed", now=utcnow(), object_type="dataset", after={"cases": done})
    say(f"seeded {done} cases")


def _flush(batch: list[Item]) -> int:
    if not batch:
        return 0
    with unit_of_work() as session:
        # A plain executemany, then the ids by number: RETURNING in parameter order makes SQLite insert one
        # row per statement and splice the results (quadratic in the batch), most of the seeding time.
        session.execute(insert(Case), [row for row, _, _, _ in batch])
        numbers = [row["number"] for row, _, _, _ in batch]
        by_number = dict(session.execute(select(Case.number, Case.id).where(Case.number.in_(numbers))).tuples().all())
        ids = [by_number[n] for n in numbers]
        pairs = list(zip(ids, batch, strict=True))
        session.execute(insert(CaseSearch), [{"case_id": i, **g} for i, (_, g, _, _) in pairs])
        deadline_rows = [{"case_id": i, "kind": d.kind, "due_on": d.due, "source": d.source,
                          "citation": dict(d.citation) if d.citation else None}
                         for i, (_, _, ds, _) in pairs for d in ds]
        if deadline_rows:
            session.execute(insert(CaseDeadline), deadline_rows)
        _insert_decisions(session, [(i, p) for i, (_, _, _, p) in pairs])
        summary.count_in(session, ids)  # bulk rows bypass the flush that keeps the summary
        handling_facts.refresh(session, ids)  # and the one that keeps the handling figures
    return len(batch)


def _insert_decisions(session: Any, plans: list[tuple[int, Plan]]) -> None:
    """The proposals first (payments name theirs), then payments, court records and site visits."""
    visits = [{"case_id": i, **p.visit} for i, p in plans if p.visit]
    if visits:
        session.execute(insert(SiteVisit), visits)
    proposed = [(i, p, p.proposal) for i, p in plans if p.proposal]
    if not proposed:
        return
    session.execute(insert(Proposal), [{"case_id": i, **row} for i, _, row in proposed])
    by_case = dict(session.execute(select(Proposal.case_id, Proposal.id)
                                   .where(Proposal.case_id.in_([i for i, _, _ in proposed]))).tuples().all())
    proposal_ids = [by_case[i] for i, _, _ in proposed]  # one proposal per seeded case
    payments = [{"case_id": i, "proposal_id": pid, **p.payment}
                for pid, (i, p, _) in zip(proposal_ids, proposed, strict=True) if p.payment]
    if payments:
        session.execute(insert(Payment), payments)
    entries = [{"case_id": i, **entry} for i, p, _ in proposed for entry in p.litigation]
    if entries:
        session.execute(insert(LitigationEntry), entries)
