"""Deterministic synthetic cases for the benchmarks: all eight categories, varied facts, some gaps.

`generate(n, seed)` returns `n` contract case objects (spec/assessment.md) as plain JSON-native
dicts: dates are `YYYY-MM-DD` strings, money and quantities are strings (or ints for counts), so
the same objects can be written to a file, fed to `assess`, or stored in `case_record`.

Event dates run from 1996 to 2026, half of them spread evenly over the whole span and half in
2020–2026, so both versions of 供电营业规则 (the 2024-06-01 cut) and every holiday year are hit.
About 8 % of cases lose one fact (a category fact or an optional top-level key), so the engine's
`insufficient_facts` path is exercised too. Nothing here imports from tests/.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

CATEGORIES = ("appliance", "outage", "power_quality", "crop", "trees", "land_tower", "injury", "service_dispute")
# Shares roughly as claims arrive: appliances and outages dominate.
_WEIGHTS = (30, 18, 8, 10, 8, 8, 8, 10)

_START, _END = date(1996, 1, 1), date(2026, 12, 31)
_RECENT = date(2020, 1, 1)
_CUT = date(2024, 6, 1)

_APPLIANCES = (
    ("液晶电视机", "electronic", 1500, 12000), ("电脑", "electronic", 2500, 15000),
    ("路由器", "electronic", 80, 800), ("机顶盒", "electronic", 100, 600),
    ("电冰箱", "motor", 1500, 9000), ("洗衣机", "motor", 1000, 6000),
    ("空调", "motor", 2000, 10000), ("抽油烟机", "motor", 800, 4000),
    ("电热水器", "resistive_heating", 800, 4000), ("电饭煲", "resistive_heating", 150, 1200),
    ("电磁炉", "resistive_heating", 150, 900), ("电暖器", "resistive_heating", 200, 1500),
    ("LED灯", "light_source", 20, 300), ("吸顶灯", "light_source", 80, 800),
)
_FAULTS = ("phase_neutral_swapped", "neutral_broken", "phase_neutral_contact", "hv_onto_lv", "other")
_OWNERS = ("utility", "customer", "third_party", "village_collective")
_CAUSES = ("utility_fault", "force_majeure", "third_party", "victim_fault", "victim_intent", "product_quality",
           "unknown")
_OUTAGE_CAUSES = ("utility_accident", "planned_maintenance", "temporary_maintenance", "grid_fault_or_rationing",
                  "natural_disaster", "customer_fault")
_CROPS = (("410000", "小麦"), ("410000", "玉米"), ("410100", "小麦"), ("330000", "水稻"), ("110000", "棉花"))
_STAGES = ("抽穗期", "灌浆期", None)
_TREES = (("410000", "杨树", "胸径10厘米以下"), ("410000", "杨树", "胸径10-20厘米"), ("410000", "苹果树", None),
          ("330000", "松树", None))
_VOLTAGES_KV = ("0.22", "0.38", "1", "10", "35", "110", "220")
_CONDUCT = ("none", "gross_negligence", "intent", "unauthorised_entry")
_DESCRIPTIONS = ("抄表员损坏院门", "施工车辆压坏路面", "营业厅服务态度纠纷", "员工私下借款未还", "检修人员误剪网线")


def _iso(d: date) -> str:
    return d.isoformat()


def _money(rng: random.Random, low: float, high: float) -> str:
    return f"{rng.uniform(low, high):.2f}"


def _qty(rng: random.Random, low: float, high: float, places: int = 1) -> str:
    return f"{rng.uniform(low, high):.{places}f}"


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _event_date(rng: random.Random) -> date:
    if rng.random() < 0.5:
        return _day(rng, _START, _END)
    if rng.random() < 0.2:  # a cluster around the 2024-06-01 cut: the day before and the day of matter
        return _CUT + timedelta(days=rng.randint(-10, 10))
    return _day(rng, _RECENT, _END)


def _report_delay(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.70:
        return rng.randint(0, 7)  # inside the appliance 7-day window
    if r < 0.85:
        return rng.randint(8, 90)
    if r < 0.95:
        return rng.randint(91, 3 * 365 + 30)  # around the 3-year limitation
    return rng.randint(3 * 365, 22 * 365)  # up to and past the 20-year longstop


def _appliance(rng: random.Random, event: date) -> dict[str, Any]:
    items = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4))):
        name, klass, low, high = rng.choice(_APPLIANCES)
        age_days = rng.choice((rng.randint(0, 180), rng.randint(0, 365 * 3), rng.randint(0, 365 * 15)))
        price = _money(rng, low, high)
        item: dict[str, Any] = {"name": name, "class": klass, "price": price,
                                "purchase_date": _iso(event - timedelta(days=age_days)),
                                "invoice": rng.random() < 0.85, "repairable": rng.random() < 0.3}
        if item["repairable"]:
            item["repair_cost"] = f"{float(price) * rng.uniform(0.05, 0.6):.2f}"
        items.append(item)
    facts: dict[str, Any] = {
        "customer_type": "residential" if rng.random() < 0.9 else "non_residential",
        "supply_voltage_v": 220 if rng.random() < 0.85 else 380,
        "fault_type": rng.choice(_FAULTS),
        "appliances": items,
    }
    if rng.random() < 0.6:  # used when the appliance rules do not reach the case (民法典 第一千一百八十四条)
        facts["proven_loss"] = _money(rng, 500, 30000)
    return facts


def _outage(rng: random.Random, event: date) -> dict[str, Any]:
    cause = rng.choice(_OUTAGE_CAUSES)
    facts: dict[str, Any] = {
        "outage_cause": cause,
        "notice_given_hours": rng.choice((None, None, 0, 2, 12, 24, 48, 72, 168, 200)),
        "important_user": rng.random() < 0.15,
        "contract_accident_clause": rng.random() < 0.7,
        "tariff": rng.choice(("two_part", "single_part")),
        "avg_hourly_kwh": str(rng.randint(5, 2000)),
        "outage_hours": _qty(rng, 0.1, 48, 1),
        "energy_price": _qty(rng, 0.3, 1.2, 2),
        "proven_loss": None if rng.random() < 0.4 else _money(rng, 100, 200000),
    }
    if cause == "natural_disaster":
        facts["repair_delayed"] = rng.random() < 0.3
    return facts


def _power_quality(rng: random.Random, event: date) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "quality_kind": rng.choice(("voltage", "frequency")),
        "contract_quality_clause": rng.random() < 0.7,
        "power_factor_meets_standard": rng.random() < 0.85,
        "caused_by_other_user": rng.random() < 0.1,
        "noncompliant_kwh": str(rng.randint(10, 50000)),
        "avg_price": _qty(rng, 0.3, 1.2, 2),
    }
    if rng.random() < 0.5:
        facts["proven_loss"] = _money(rng, 100, 80000)
    return facts


def _crop(rng: random.Random, event: date) -> dict[str, Any]:
    region, crop = rng.choice(_CROPS)
    facts: dict[str, Any] = {"work_kind": rng.choice(("construction", "maintenance")),
                             "area_mu": _qty(rng, 0.1, 20, 1), "crop": crop, "region": region}
    stage = rng.choice(_STAGES)
    if stage is not None:
        facts["growth_stage"] = stage
    if rng.random() < 0.5:  # otherwise looked up in the (demo) rate table, which may have no entry
        facts["local_rate_per_mu"] = _money(rng, 600, 3000)
    if rng.random() < 0.1:
        facts["temporary_land_use"] = True
    return facts


def _trees(rng: random.Random, event: date) -> dict[str, Any]:
    zone = event - timedelta(days=rng.randint(0, 365 * 20))
    planted = zone + timedelta(days=rng.randint(-365 * 10, 365 * 5))
    facts: dict[str, Any] = {"reason": rng.choice(("new_line_corridor", "protection_zone_clearance")),
                             "tree_count": rng.randint(1, 300),
                             "planted_date": _iso(min(planted, event)), "zone_designated_date": _iso(zone)}
    if rng.random() < 0.5:
        facts["rate_per_tree"] = _money(rng, 30, 500)
    else:
        region, species, size = rng.choice(_TREES)
        facts.update(region=region, species=species)
        if size:
            facts["size"] = size
    if rng.random() < 0.3:
        facts["action"] = rng.choice(("fell", "prune"))
    if rng.random() < 0.3:
        facts["line_voltage_kv"] = rng.choice(("10", "35", "110", "220", "500"))
    return facts


def _land_tower(rng: random.Random, event: date) -> dict[str, Any]:
    built = event - timedelta(days=rng.randint(30, 365 * 30))
    acquired = built + timedelta(days=rng.randint(-365 * 15, 365 * 15))
    facts: dict[str, Any] = {
        "claim_kind": rng.choice(("recurring_fee", "unpaid_one_time", "removal")),
        "facility_built_date": _iso(built), "claimant_acquired_date": _iso(min(acquired, event)),
        "one_time_compensation_paid": rng.choice((True, False, None)),
    }
    if rng.random() < 0.6:
        facts["local_compensation"] = _money(rng, 500, 20000)
    if rng.random() < 0.1:
        facts["land_expropriated"] = True
    return facts


def _injury(rng: random.Random, event: date) -> dict[str, Any]:
    facts: dict[str, Any] = {"voltage_kv": rng.choice(_VOLTAGES_KV),
                             "victim_conduct": rng.choices(_CONDUCT, weights=(60, 20, 5, 15))[0],
                             "warnings_adequate": rng.random() < 0.5}
    if rng.random() < 0.8:
        facts["assessed_damages"] = _money(rng, 1000, 800000)
    return facts


def _service_dispute(rng: random.Random, event: date) -> dict[str, Any]:
    involved = rng.random() < 0.8
    facts: dict[str, Any] = {"employee_involved": involved, "description": rng.choice(_DESCRIPTIONS)}
    if involved:
        facts["employee_on_duty"] = rng.random() < 0.6
    if rng.random() < 0.7:
        facts["proven_loss"] = _money(rng, 50, 20000)
    return facts


_FACTS = {"appliance": _appliance, "outage": _outage, "power_quality": _power_quality, "crop": _crop,
          "trees": _trees, "land_tower": _land_tower, "injury": _injury, "service_dispute": _service_dispute}
# Categories where ownership and cause are part of the analysis.
_WITH_FACILITY = frozenset({"appliance", "outage", "power_quality", "injury"})


def make_case(rng: random.Random, category: str) -> dict[str, Any]:
    """One varied, contract-valid case of `category`."""
    event = _event_date(rng)
    case: dict[str, Any] = {"category": category, "event_date": _iso(event),
                            "report_date": _iso(event + timedelta(days=_report_delay(rng)))}
    if category in _WITH_FACILITY or rng.random() < (0.8 if category == "service_dispute" else 0.2):
        owner = rng.choices(_OWNERS, weights=(75, 12, 8, 5))[0]
        case["facility_owner"] = owner
        case["utility_maintains"] = owner == "utility" or rng.random() < 0.3
        case["cause"] = rng.choices(_CAUSES, weights=(60, 8, 8, 6, 2, 6, 10))[0]
        if case["cause"] in ("force_majeure", "third_party", "victim_fault") and rng.random() < 0.85:
            case["cause_confirmed_by_authority"] = rng.random() < 0.7
    if rng.random() < 0.1:
        case["knew_date"] = _iso(event + timedelta(days=rng.randint(0, 400)))
    if rng.random() < 0.08:
        case["limitation_interruptions"] = sorted(
            _iso(event + timedelta(days=rng.randint(30, 365 * 4))) for _ in range(rng.randint(1, 3)))
    if rng.random() < 0.03:
        case["holidays"] = [_iso(event + timedelta(days=rng.randint(1, 10)))]
    if rng.random() < 0.05:
        case["in_supply_area"] = rng.random() < 0.5
    if rng.random() < 0.6:
        case["claimed_amount"] = _money(rng, 50, 100000)
    case["facts"] = _FACTS[category](rng, event)
    if rng.random() < 0.08:  # a missing fact: never guessed, so insufficient_facts (or a different path)
        optional_top = [k for k in ("facility_owner", "utility_maintains", "cause") if k in case]
        keys = list(case["facts"]) + optional_top
        victim = rng.choice(keys)
        if victim in case["facts"]:
            del case["facts"][victim]
        else:
            del case[victim]
    return case


def generate(n: int, seed: int = 20250) -> list[dict[str, Any]]:
    """`n` cases, the same list for the same `n` and `seed`; every category appears when n ≥ 8."""
    rng = random.Random(seed)
    cases = [make_case(rng, category) for category in CATEGORIES[:n]]  # at least one of each
    cases += [make_case(rng, rng.choices(CATEGORIES, weights=_WEIGHTS)[0]) for _ in range(n - len(cases))]
    return cases


#: Top-level keys that `case_record` keeps in columns of their own rather than in `circumstances`.
COLUMN_KEYS = frozenset({"category", "event_date", "report_date", "claimed_amount", "facts"})


def circumstances(case: dict[str, Any]) -> dict[str, Any]:
    """The contract's top-level facts that `Case.contract_case()` spreads back from `circumstances`."""
    return {k: v for k, v in case.items() if k not in COLUMN_KEYS}
