"""`casework bench seed`: a large, realistic, clearly fictional data set for the list and search benchmarks.

Rows go in with bulk inserts (the services would take hours at 100,000 cases); what the services
derive — assessment, deadlines, the search index — is derived here with the same functions.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select

from casework.analytics import handling_facts
from casework.audit.service import record
from casework.auth.models import Unit, User
from casework.auth.passwords import hash_password
from casework.cases import summary
from casework.cases.models import Case, CaseDeadline, CaseNumberCounter, CaseSearch
from casework.cases.search import grams
from casework.demo.data import FACTS, fictional_id_number
from casework.domain.access import SYSTEM, Role
from casework.domain.deadlines import DEFAULT_TARGETS, from_assessment, internal_targets, next_duty
from casework.domain.lifecycle import State, case_number
from casework.domain.rules import RuleTable, assess
from casework.infra.db import unit_of_work, utcnow
from casework.infra.pii import cipher
from casework.ruletable.store import current_table

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "芳伟娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅春生德胜小平海燕永红国庆"
PLACES = "前后东西南北上下大小新老高低长青白石柳杨李张王河湖山岗营庄桥湾塘坪"
VILLAGE_ENDS = ("村", "庄", "营", "屯", "湾村", "岗村", "桥村")
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


def _users(session: Any, stations: list[Unit]) -> dict[str, User]:
    digest = hash_password(PASSWORD)  # one hash for all: these accounts exist only to load pages
    now = utcnow()
    users = {}
    cities = session.scalars(select(Unit).where(Unit.kind == "city", Unit.code.startswith("SEED-"))).all()
    for role, unit in [(Role.LEGAL, c) for c in cities] + [(Role.FIELD, s) for s in stations[:20]]:
        user = User(username=f"seed.{role.value}.{unit.code.lower()}", display_name=f"基准{unit.name}", role=role.value,
                    unit=unit, password_hash=digest, active=True, must_change_password=False, created_at=now)
        session.add(user)
        users[user.username] = user
    session.add(User(username="seed.auditor", display_name="基准审计", role=Role.AUDITOR.value, unit=cities[0].parent,
                     password_hash=digest, active=True, must_change_password=False, created_at=now))
    session.flush()
    return users


def _description(rng: random.Random) -> str:
    text = ""
    while len(text) < rng.randint(100, 300):
        text += rng.choice(PHRASES) + "，"
    return text.rstrip("，") + "。"


def _rows(rng: random.Random, n: int, stations: list[Unit], creator: int, table: RuleTable,
          start: int) -> Iterator[tuple[dict[str, Any], dict[str, Any], list[Any]]]:
    categories = list(FACTS)
    for i in range(n):
        category = categories[i % len(categories)]
        event = date(2021, 1, 1) + timedelta(days=rng.randint(0, 5 * 365 - 20))
        reported = event + timedelta(days=rng.randint(0, 14))
        state = rng.choice(STATES)
        unit = stations[rng.randrange(len(stations))]
        village = rng.choice(PLACES) + rng.choice(PLACES) + rng.choice(VILLAGE_ENDS)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        created = datetime(reported.year, reported.month, reported.day, 9, tzinfo=UTC) + timedelta(minutes=i % 600)
        facts = FACTS[category](rng)
        circumstances = {"facility_owner": "utility", "utility_maintains": True, "cause": "utility_fault"}
        row: dict[str, Any] = {
            "number": case_number(created.year, start + i), "category": category, "state": state.value,
            "claimant_name": name, "claimant_phone": f"13{rng.randint(100_000_000, 999_999_999)}",
            "claimant_id_number": fictional_id_number(rng, date(1950 + rng.randint(0, 50), 1 + i % 12, 10)),
            "claimant_address": f"{unit.name[:2]}镇{village}{rng.randint(1, 12)}组",
            "unit_id": unit.id, "unit_path": unit.path, "address": f"{village}{rng.randint(1, 99)}号",
            "event_on": event, "reported_on": reported, "circumstances": circumstances, "cause": circumstances["cause"], "facts": facts,
            "claimed_amount": Decimal(rng.randint(200, 80000)), "description": _description(rng),
            "created_by_id": creator, "created_at": created, "updated_at": created, "version": 1,
            "registered_at": None if state is State.DRAFT else created,
            # The officer confirmed the check 2 to 121 hours later (no draw from rng: the sequence stays as it was).
            "checked_at": None if state in (State.DRAFT, State.REGISTERED) else created + timedelta(hours=2 + i * 37 % 120),
        }
        contract = {"category": category, "event_date": event.isoformat(), "report_date": reported.isoformat(),
                    **circumstances, "facts": facts}
        result = assess(contract, table) if state is not State.DRAFT else None
        deadlines = from_assessment(result) if result else []
        deadlines += internal_targets(reported_on=reported, complete_on=None, targets=DEFAULT_TARGETS)
        if result:
            row.update(assessment_outcome=result["outcome"], assessment_version=result["rule_table_version"],
                       assessment_amount=Decimal(result["amount"]) if result["amount"] else None, assessed_at=created)
        row["duty_due_on"] = next_duty(deadlines, state)
        row["claimant_phone_digest"] = cipher().digest(row["claimant_phone"])
        row["claimant_id_digest"] = cipher().digest(row["claimant_id_number"])
        text = (row["number"], name, row["address"], row["claimant_address"], row["description"])
        yield row, {"grams": grams(text, row["claimant_phone"], row["claimant_id_number"])}, deadlines


def seed(cases: int, units: int, *, say: Callable[[str], None], seed_value: int = 1) -> None:
    rng = random.Random(seed_value)
    with unit_of_work() as session:
        stations = _units(session, units)
        users = _users(session, stations)
        creator = next(iter(users.values())).id
        table = current_table(session)
        # One sequence across the seeded years, started above every counter, so no number is ever reused.
        start = (session.scalar(select(func.max(CaseNumberCounter.last))) or 0) + 1
        say(f"{len(stations)} stations, {len(users) + 1} users (password: {PASSWORD!r})")
    batch: list[tuple[dict[str, Any], dict[str, Any], list[Any]]] = []
    done = 0
    for item in _rows(rng, cases, stations, creator, table, start):
        batch.append(item)
        if len(batch) == 2000:
            done += _flush(batch)
            batch.clear()
            say(f"  {done} cases")
    done += _flush(batch)
    with unit_of_work() as session:
        for year in range(2021, 2027):
            counter = session.get(CaseNumberCounter, year) or CaseNumberCounter(year=year, last=0)
            counter.last = max(counter.last or 0, start + cases)
            session.add(counter)
        record(session, SYSTEM, "bench.seed", now=utcnow(), object_type="dataset", after={"cases": done})
    say(f"seeded {done} cases")


def _flush(batch: list[tuple[dict[str, Any], dict[str, Any], list[Any]]]) -> int:
    if not batch:
        return 0
    with unit_of_work() as session:
        ids = session.execute(insert(Case).returning(Case.id, sort_by_parameter_order=True),
                              [row for row, _, _ in batch]).scalars().all()
        session.execute(insert(CaseSearch), [{"case_id": i, **g} for i, (_, g, _) in zip(ids, batch, strict=True)])
        deadline_rows = [{"case_id": i, "kind": d.kind, "due_on": d.due, "source": d.source,
                          "citation": dict(d.citation) if d.citation else None}
                         for i, (_, _, ds) in zip(ids, batch, strict=True) for d in ds]
        if deadline_rows:
            session.execute(insert(CaseDeadline), deadline_rows)
        summary.count_in(session, ids)  # bulk rows bypass the flush that keeps the summary
        handling_facts.refresh(session, ids)  # and the one that keeps the handling figures
    return len(batch)
