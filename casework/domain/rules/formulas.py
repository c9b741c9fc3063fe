"""Quantum formulas: accident outages, quality 20 %, area or count × local rate, stated amounts."""

from __future__ import annotations

from decimal import Decimal

from casework.domain.money import round_money
from casework.domain.rules.context import Ctx, Quantum
from casework.domain.rules.model import Rule
from casework.domain.rules.preds_common import zh_money, zh_num
from casework.domain.rules.rates import RateEntry
from casework.domain.rules.registry import formula


def _measure(ctx: Ctx, q: Quantum, method: str | None) -> None:
    rule = ctx.rules.measures.get(method) if method else None
    if rule is not None:
        q.measures.append(rule)


def _need(ctx: Ctx, q: Quantum, pairs: list[tuple[str, str]]) -> list[Decimal]:
    """Read quantities/money facts; record each missing one as a path."""
    values: list[Decimal] = []
    gaps: list[str] = []
    for key, kind in pairs:
        value = ctx.fact(key, kind)
        if value is None:
            gaps.append(f"facts.{key}")
        else:
            values.append(value)
    q.missing = q.missing + tuple(gaps)
    return values


@formula("stated_amount")
def f_stated_amount(ctx: Ctx, rule: Rule) -> Quantum:
    """An amount proven or assessed outside the rules (actual loss, 民法典 第五百八十四条、第一千一百八十四条)."""
    q = Quantum()
    key = str(rule.args.get("fact", "proven_loss"))
    _measure(ctx, q, rule.args.get("measure"))
    values = _need(ctx, q, [(key, "money")])
    label = str(rule.args.get("label_zh", "经证明的实际损失"))
    if not values:
        q.lines.append(f"须提供{label}，规则不推定损失数额")
        return q
    q.amount = round_money(values[0])
    q.lines.append(f"按{label}计算：{zh_money(q.amount)}")
    return q


@formula("outage_accident")
def f_outage_accident(ctx: Ctx, rule: Rule) -> Quantum:
    """供电营业规则 1996 第九十五条 / 2024 第九十七条: 可能用电量 × 电价 × 4 (two-part 5); under 1 h counts as 1 h."""
    q = Quantum()
    values = _need(ctx, q, [("avg_hourly_kwh", "qty"), ("outage_hours", "qty"), ("energy_price", "qty")])
    tariff = ctx.fact("tariff")
    if tariff not in ("two_part", "single_part"):
        q.missing = q.missing + ("facts.tariff",)
    if q.missing:
        return q
    kwh, hours, price = values
    minimum = Decimal(str(ctx.param_peek("accident_min_hours")))
    counted = hours
    if hours < minimum:  # 不足一小时按一小时: "不足" excludes the number itself (2024 第一百零九条)
        counted = Decimal(str(ctx.param("accident_min_hours")))
        q.lines.append(f"停电{zh_num(hours)}小时，不足{zh_num(minimum)}小时，按{zh_num(counted)}小时计算")
    multiplier = ctx.param_dec("accident_multiplier_two_part" if tariff == "two_part" else "accident_multiplier_single_part")
    base = ctx.param("accident_price_base")
    possible = kwh * counted
    q.amount = round_money(possible * price * multiplier)
    tariff_zh = "两部制电价" if tariff == "two_part" else "单一制电价"
    q.lines.append(
        f"可能用电量＝每小时平均用电量{zh_num(kwh)}千瓦时×停电{zh_num(counted)}小时＝{zh_num(possible)}千瓦时；"
        f"赔偿额＝{zh_num(possible)}千瓦时×{base}{zh_num(price)}元/千瓦时×{zh_num(multiplier)}倍（{tariff_zh}）＝{zh_money(q.amount)}"
    )
    return q


@formula("quality_pct")
def f_quality_pct(ctx: Ctx, rule: Rule) -> Quantum:
    """供电营业规则 1996 第九十六条、第九十七条 / 2024 第九十八条、第九十九条: 电量 × 当月平均电价 × 20%."""
    q = Quantum()
    values = _need(ctx, q, [("noncompliant_kwh", "qty"), ("avg_price", "qty")])
    if q.missing:
        return q
    kwh, price = values
    rate = ctx.param_dec("quality_comp_rate")
    q.amount = round_money(kwh * price * rate)
    q.lines.append(
        f"赔偿额＝不合格累计时间内用电量{zh_num(kwh)}千瓦时×当月平均电价{zh_num(price)}元/千瓦时×{zh_num(rate * 100)}%＝{zh_money(q.amount)}"
    )
    return q


def _rate(ctx: Ctx, q: Quantum, kind: str, rate_key: str, item_key: str, grade_key: str) -> Decimal | None:
    """The stated local rate, else the rate table in force on the event date (土地管理法 第四十八条)."""
    given = ctx.fact(rate_key, "money")
    _measure(ctx, q, "local_rate")
    if given is not None:
        q.lines.append(f"采用案件载明的当地补偿标准{zh_money(given)}")
        return given  # type: ignore[no-any-return]
    region, item = ctx.fact("region", "str"), ctx.fact(item_key, "str")
    entry: RateEntry | None = None
    for table in ctx.table.rate_tables:
        if region and item:
            entry = table.lookup(kind, region, item, ctx.fact(grade_key, "str"), ctx.event_date)
        if entry is not None:
            q.lines.append(f"当地补偿标准取自{table.label_zh}（{table.id}）：{entry.region} {entry.item} {entry.grade or '各期'} {zh_money(entry.rate)}")
            if not table.verified or table.fictional:
                note = f"补偿标准表 {table.id} 未经核实" + ("，为虚构演示数据" if table.fictional else "")
                ctx.cache.setdefault("unverified_notes", []).append(note)
            return entry.rate
    q.missing = q.missing + (f"facts.{rate_key}",)
    q.lines.append("未载明当地补偿标准，补偿标准表中也没有适用的标准，不推定数额")
    return None


@formula("crop_area_rate")
def f_crop_area_rate(ctx: Ctx, rule: Rule) -> Quantum:
    """电力设施保护条例 第二十四条 one-time compensation: area (mu) × local rate per mu."""
    q = Quantum()
    values = _need(ctx, q, [("area_mu", "qty")])
    rate = _rate(ctx, q, "crop", "local_rate_per_mu", "crop", "growth_stage")
    if q.missing or rate is None:
        return q
    q.amount = round_money(values[0] * rate)
    q.lines.append(f"补偿额＝受损面积{zh_num(values[0])}亩×{zh_money(rate)}/亩＝{zh_money(q.amount)}（一次性补偿）")
    return q


@formula("trees_count_rate")
def f_trees_count_rate(ctx: Ctx, rule: Rule) -> Quantum:
    """电力设施保护条例 第二十四条; 实施细则 第十六条: tree count × local rate per tree, once."""
    q = Quantum()
    values = _need(ctx, q, [("tree_count", "qty")])
    rate = _rate(ctx, q, "trees", "rate_per_tree", "species", "size")
    if q.missing or rate is None:
        return q
    q.amount = round_money(values[0] * rate)
    q.lines.append(f"补偿额＝{zh_num(values[0])}株×{zh_money(rate)}/株＝{zh_money(q.amount)}（一次性补偿）")
    return q
