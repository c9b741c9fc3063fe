"""The appliance formula of 居民用户家用电器损坏处理办法: repair, full price, depreciation, 10 % floor."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from casework.domain.calendar import add_months, completed_months
from casework.domain.contract import parse_date
from casework.domain.money import MoneyError, parse_money, parse_quantity, round_money
from casework.domain.rules.context import Ctx, Quantum
from casework.domain.rules.model import Rule
from casework.domain.rules.registry import formula
from casework.domain.rules.words import APPLIANCE_CLASS, Say, day, money


def _get(item: Mapping[str, Any], key: str, parse: Any) -> Any:
    value = item.get(key)
    if value is None:
        return None
    try:
        return parse(value)
    except (ValueError, MoneyError):
        return None


class _Item:
    """One appliance's computation; collects missing paths instead of guessing."""

    def __init__(self, ctx: Ctx, q: Quantum, item: Mapping[str, Any], path: str) -> None:
        self.ctx, self.q, self.item, self.path = ctx, q, item, path
        self.gaps: list[str] = []

    def need(self, key: str, parse: Any) -> Any:
        value = _get(self.item, key, parse)
        if value is None:
            self.gaps.append(f"{self.path}.{key}")
        return value

    def use(self, method: str) -> None:
        rule = self.ctx.rules.measures.get(method)
        # identity, not ==: dataclass equality would compare every field of the rule
        if rule is not None and all(r is not rule for r in self.q.measures):
            self.q.measures.append(rule)

    def price(self) -> Decimal | None:
        """Price in yuan; bought in foreign currency, converted at the purchase-date rate (第十条)."""
        price: Decimal | None = self.need("price", parse_money)
        currency = self.item.get("currency")
        if isinstance(currency, str) and currency.strip().upper() not in ("", "CNY", "RMB"):
            rate: Decimal | None = self.need("fx_rate", parse_quantity)
            self.use("foreign_currency")
            if price is None or rate is None:
                return None
            return price * rate
        return price

    def compute(self) -> tuple[Decimal, str, Say] | None:
        """(unrounded amount, method, explanation) or None when facts are missing."""
        repairable = _get(self.item, "repairable", lambda v: v if isinstance(v, bool) else None)
        if repairable is None:
            self.gaps.append(f"{self.path}.repairable")
            return None
        price = self.price()
        if repairable:
            return self._repair(price)
        purchased = self.need("purchase_date", parse_date)
        if price is None or purchased is None:
            return None
        event = self.ctx.event_date
        months_new = int(self.ctx.param("ha_full_price_months"))
        if event <= add_months(purchased, months_new):
            self.use("full_price")
            bought = day(purchased)
            return price, "full_price", Say(
                f"购于{bought.zh}，至损坏之日不超过{months_new}个月，按原价全额赔偿",
                f"bought on {bought.en}, not more than {months_new} months before the damage, so paid at the full "
                "original price")
        cls = self.need("class", lambda v: v if v in APPLIANCE_CLASS else None)
        if cls is None:
            return None
        return self._depreciate(price, purchased, str(cls))

    def _repair(self, price: Decimal | None) -> tuple[Decimal, str, Say] | None:
        """The repair cost (家电办法 repair article), capped as the legal department's policy sets.

        The cap is policy, not law (parameter `ha_repair_cap`, unverified): `irreparable_value` caps a repair at
        what the appliance would get if it could not be repaired (民法典 第一千一百八十四条 "其他合理方式"),
        `original_price` at its price, `none` pays the whole cost. The parameter is used (and flagged) only when
        the cap changes the amount.
        """
        cost: Decimal | None = self.need("repair_cost", parse_money)
        self.use("repair")
        if cost is None:
            return None
        c = money(cost)
        paid = Say(f"可以修复，赔偿修复费用{c.zh}", f"can be repaired, so the repair cost of {c.en} is paid")
        policy = self._cap_policy()
        if policy == "none":
            return cost, "repair", paid
        if price is None:
            self.gaps.append(f"{self.path}.price")
            return None
        floor = price * self.ctx.param_dec("ha_floor_rate") if policy == "irreparable_value" else price
        if cost <= floor:  # no cap the policy allows can be lower: the facts the cap needs do not matter
            return cost, "repair", paid
        if policy == "original_price":
            cap, why = price, Say("该电器的原价", "its original price")
        else:
            found = self._irreparable_value(price, cost)
            if found is None:
                return None
            cap, why = found
        if cost <= cap:
            return cost, "repair", paid
        self.ctx.param(self._cap_name)
        v = money(round_money(cap))
        return cap, "repair", Say(
            f"可以修复，修复费用{c.zh}超过{why.zh}{v.zh}；按本单位法律部门确定的赔偿政策，修复费用以此为限，赔偿{v.zh}"
            "（该上限是内部政策，不是法律规定，参照民法典第一千一百八十四条“其他合理方式”）",
            f"can be repaired, but the repair cost of {c.en} exceeds {why.en}, {v.en}; under the legal department's "
            f"compensation policy a repair is capped there, so {v.en} is paid (the cap is internal policy, not law, "
            "following \"other reasonable means\" in Civil Code Art. 1184)")

    _cap_name = "ha_repair_cap"

    def _cap_policy(self) -> str:
        try:
            return str(self.ctx.param_peek("ha_repair_cap"))
        except KeyError:  # a table stored before the policy became a choice: its yes/no parameter
            self._cap_name = "ha_repair_cap_at_price"
            return "original_price" if self.ctx.param_peek("ha_repair_cap_at_price") else "none"

    def _irreparable_value(self, price: Decimal, cost: Decimal) -> tuple[Decimal, Say] | None:
        """What the appliance would get if it could not be repaired (第十条、第十二条); its rules and
        parameters count as used only when that value caps the repair cost."""
        purchased = self.need("purchase_date", parse_date)
        if purchased is None:
            return None
        if self.ctx.event_date <= add_months(purchased, int(self.ctx.param_peek("ha_full_price_months"))):
            if cost > price:
                self.use("full_price")
                self.ctx.param("ha_full_price_months")
            return price, Say("该电器不可修复时可得的赔偿额（购买未满六个月，按原价全额）",
                              "what it would get if irreparable (bought less than six months before, the full price)")
        cls = self.need("class", lambda v: v if v in APPLIANCE_CLASS else None)
        if cls is None:
            return None
        measures, params = list(self.q.measures), dict(self.ctx.used_params)
        value, _, how = self._depreciate(price, purchased, str(cls))
        if cost <= value:  # the cap does not bind: the rules and parameters of the value were not relied on
            self.q.measures[:] = measures
            self.ctx.used_params.clear()
            self.ctx.used_params.update(params)
        return value, Say(f"该电器不可修复时可得的赔偿额（{how.zh}）", f"what it would get if irreparable ({how.en})")

    def _depreciate(self, price: Decimal, purchased: Any, cls: str) -> tuple[Decimal, str, Say]:
        life = int(self.ctx.param("ha_life_years")[cls])
        unit = self.ctx.param("ha_age_unit")
        months = completed_months(purchased, self.ctx.event_date)
        # The Measures do not say whether age counts in months or whole years (REFERENCE §11.9).
        age = months if unit == "month" else (months // 12) * 12
        life_months = life * 12
        floor = price * self.ctx.param_dec("ha_floor_rate")
        self.use("life")
        kind, bought = APPLIANCE_CLASS[cls], day(purchased)
        head = Say(f"购于{bought.zh}，属{kind.zh}电器，使用寿命{life}年（{life_months}个月），至损坏之日已使用{age}个月",
                   f"bought on {bought.en}; a {kind.en} appliance, its service life is {life} years ({life_months} "
                   f"months) and it had been used for {age} months when damaged")
        if age >= life_months:
            self.use("floor_10pct")
            return floor, "floor_10pct", Say(f"{head.zh}，已超过使用寿命，按原价的10%赔偿",
                                             f"{head.en}, past its service life, so 10% of the original price is paid")
        residual = price * Decimal(life_months - age) / Decimal(life_months)
        if residual < floor:
            self.use("floor_10pct")
            return floor, "floor_10pct", Say(f"{head.zh}，折旧后余额低于原价10%，按原价的10%赔偿",
                                             f"{head.en}; its depreciated value is below 10% of the original price, "
                                             "so 10% of the original price is paid")
        self.use("depreciated")
        p = money(price)
        return residual, "depreciated", Say(
            f"{head.zh}，未满使用寿命，按折旧后余额赔偿：{p.zh}×（1－{age}/{life_months}）",
            f"{head.en}, within its service life, so its depreciated value is paid: {p.en} × (1 − {age}/{life_months})")


@formula("appliance_ha")
def f_appliance_ha(ctx: Ctx, rule: Rule) -> Quantum:
    """居民用户家用电器损坏处理办法 第十条、第十二条 (and the repair article): one item per appliance."""
    q = Quantum()
    raw = ctx.fact("appliances")
    if not isinstance(raw, list) or not raw:
        q.missing = ("facts.appliances",)
        return q
    total = Decimal(0)
    gaps: list[str] = []
    for i, item in enumerate(raw):
        path = f"facts.appliances[{i}]"
        if not isinstance(item, Mapping):
            gaps.append(path)
            continue
        calc = _Item(ctx, q, item, path)
        done = calc.compute()
        gaps.extend(calc.gaps)
        if done is None or calc.gaps:
            continue
        value, method, why = done
        amount = round_money(value)  # rounded once, at the end of the item
        name = str(item.get("name") or f"第{i + 1}件电器")
        q.items.append({"name": name, "amount": f"{amount:.2f}", "method": method})
        owed = money(amount)
        q.lines.append(Say(f"{name}：{why.zh}，计{owed.zh}", f"{name}: {why.en}; {owed.en}"))
        note = Say(f"{name}{why.zh}，应赔偿{owed.zh}", f"{name}: {why.en}; {owed.en} is owed")
        q.notes.setdefault(method, []).append(note)
        if method in ("depreciated", "floor_10pct"):
            q.notes.setdefault("life", []).append(note)
        total += amount
    if gaps:
        q.missing = tuple(dict.fromkeys(gaps))
        return q
    q.amount = total
    if len(q.items) > 1:
        q.lines.append(Say(f"合计{money(total).zh}", f"total {money(total).en}"))
    return q
