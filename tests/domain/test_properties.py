"""Property tests: appliance amounts stay in their legal bounds, and irrelevant input changes nothing."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from casefactory import example_files, item, load, make, run
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.domain.contract import CATEGORIES, FACT_FIELDS, TOP_FIELDS

CLASSES = ["electronic", "motor", "resistive_heating", "light_source"]
OUTCOMES = {"liable", "not_liable", "reduced", "time_barred", "outside_service_boundary", "insufficient_facts"}
prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
purchases = st.dates(min_value=date(2000, 1, 1), max_value=date(2025, 6, 30))
ages = st.integers(min_value=0, max_value=365 * 20)


def appliance_amount(price: Decimal, cls: str, bought: date, age_days: int, **extra: Any) -> Decimal:
    event = bought + timedelta(days=age_days)
    facts = {"appliances": [item(price=f"{price:.2f}", purchase_date=bought.isoformat(), **{"class": cls}, **extra)]}
    result = run(make("appliance", facts=facts, event_date=event.isoformat(), report_date=event.isoformat()))
    assert result["outcome"] == "liable", result["missing_facts"]
    return Decimal(result["amount"])


@settings(max_examples=150, deadline=None, database=None)
@given(price=prices, cls=st.sampled_from(CLASSES), bought=purchases, age=ages)
def test_irreparable_amount_is_between_ten_percent_and_the_price(price: Decimal, cls: str, bought: date, age: int) -> None:
    amount = appliance_amount(price, cls, bought, age)
    floor = (price * Decimal("0.10")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert Decimal(0) <= floor <= amount <= price


@settings(max_examples=150, deadline=None, database=None)
@given(price=prices, cls=st.sampled_from(CLASSES), bought=purchases, age=ages, later=st.integers(0, 3000))
def test_amount_never_rises_with_age(price: Decimal, cls: str, bought: date, age: int, later: int) -> None:
    assert appliance_amount(price, cls, bought, age) >= appliance_amount(price, cls, bought, age + later)


@settings(max_examples=100, deadline=None, database=None)
@given(price=prices, cost=prices, bought=purchases, age=ages)
def test_repair_amount_is_never_negative_nor_above_the_price(price: Decimal, cost: Decimal, bought: date, age: int) -> None:
    amount = appliance_amount(price, "motor", bought, age, repairable=True, repair_cost=f"{cost:.2f}")
    assert Decimal(0) <= amount <= price
    # the legal department's default cap: what the appliance would get if irreparable (民法典第一千一百八十四条)
    assert amount == min(appliance_amount(price, "motor", bought, age), cost)


def base_cases() -> list[dict[str, Any]]:
    cases = [load(p)["case"] for p in example_files()]
    cases += [make(category) for category in CATEGORIES]
    cases += [make("injury", facts={"victim_conduct": "gross_negligence"}), make("crop", event_date="2019-01-02")]
    return cases


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6,
)
unrelated_keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).map(lambda s: "x_" + s)


@settings(max_examples=200, deadline=None, database=None)
@given(index=st.integers(0, 30), key=unrelated_keys, value=json_values, in_facts=st.booleans())
def test_adding_an_unrelated_fact_never_changes_the_outcome(index: int, key: str, value: Any, in_facts: bool) -> None:
    cases = base_cases()
    case = cases[index % len(cases)]
    known = set(TOP_FIELDS) | set(FACT_FIELDS[case["category"]])
    if key in known:
        return
    changed = copy.deepcopy(case)
    (changed["facts"] if in_facts else changed)[key] = value
    before, after = run(case), run(changed)
    for field in ("outcome", "amount", "items", "citations", "flags", "missing_facts", "deadlines"):
        assert before[field] == after[field]


FACT_KEYS = sorted({name for fields in FACT_FIELDS.values() for name in fields})
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat)
fact_values = json_values | dates | st.decimals(min_value=0, max_value=10**6, places=2).map(str) | st.lists(
    st.dictionaries(st.sampled_from(["name", "class", "price", "purchase_date", "invoice", "repairable", "repair_cost"]),
                    json_values | dates, max_size=7), max_size=2)


@settings(max_examples=300, deadline=None, database=None)
@given(case=st.dictionaries(st.sampled_from([*TOP_FIELDS, "x"]), fact_values, max_size=8),
       category=st.sampled_from([*CATEGORIES, "other"]),
       facts=st.dictionaries(st.sampled_from(FACT_KEYS) | st.text(max_size=6), fact_values, max_size=8))
def test_assess_never_raises_and_keeps_the_contract_on_junk(case: dict[str, Any], category: str, facts: dict[str, Any]) -> None:
    case = {**case, "category": category, "facts": facts}
    result = run(case)
    assert result["outcome"] in OUTCOMES
    if result["outcome"] in ("reduced", "insufficient_facts"):
        assert result["amount"] is None
    elif result["outcome"] != "liable":
        assert result["amount"] == "0.00"
    if result["outcome"] == "insufficient_facts":
        assert result["missing_facts"]


def test_assessment_is_deterministic_and_leaves_its_input_alone() -> None:
    for case in base_cases():
        frozen = copy.deepcopy(case)
        assert run(case) == run(case)
        assert case == frozen


# -- a missing fact is asked for only when it can change the outcome (issue 15, D5) --------------------------

def _golden_cases() -> list[dict[str, Any]]:
    import json
    from pathlib import Path

    data = json.loads((Path(__file__).parent / "golden" / "assessments.json").read_text(encoding="utf-8"))
    return [entry["case"] for entry in data["cases"] if isinstance(entry["case"], dict)]


def _enumerable(category: str) -> list[str]:
    from casework.domain.rules import words

    paths = [k for k in TOP_FIELDS if k != "category" and words.fact_values(category, k)]
    return paths + [f"facts.{k}" for k in FACT_FIELDS[category] if words.fact_values(category, f"facts.{k}")]


def _without(case: dict[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
    out = copy.deepcopy(case)
    for path in paths:
        head, _, rest = path.partition(".")
        (out["facts"] if rest else out).pop(rest or head, None)
    return out


def _generated_sweep() -> list[dict[str, Any]]:
    """Every category's default claim with each pair of its yes/no and enumerated facts left out."""
    from itertools import combinations

    return [_without(make(category), pair) for category in CATEGORIES
            for pair in combinations(_enumerable(category), 2)]


def _result_key(result: dict[str, Any]) -> tuple[object, ...]:
    cited = frozenset((c["instrument"], c["article"], c.get("version", "")) for c in result["citations"])
    return result["outcome"], result["amount"], cited


def test_every_missing_fact_reported_could_change_the_outcome() -> None:
    """The contract: "A fact that a rule needs but that is missing is not guessed" — and one that no value could
    change is not needed. Across the golden sweep and a generated one, each yes/no or enumerated fact reported
    missing has a value that leaves the case undecided or two values that decide it differently (outcome, amount
    or the provisions relied on)."""
    from casework.domain.rules import words
    from casework.domain.rules.engine import _with_fact

    checked = 0
    for case in _golden_cases() + _generated_sweep():
        result = run(case)
        category = str(case.get("category"))
        if result["outcome"] != "insufficient_facts" or category not in CATEGORIES:
            continue
        for path in result["missing_facts"]:
            values = words.fact_values(category, path)
            if not values or not isinstance(case.get("facts"), dict):
                continue
            answers = [run(_with_fact(case, path, value)) for value in values]
            undecided = any(r["outcome"] == "insufficient_facts" for r in answers)
            assert undecided or len({_result_key(r) for r in answers}) > 1, (path, case)
            checked += 1
    assert checked > 50  # the sweep does reach missing facts of every kind
