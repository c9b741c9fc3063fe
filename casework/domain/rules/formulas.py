"""Quantum formulas: accident outages, quality 20 %, area or count × local rate, stated amounts."""

from __future__ import annotations

from decimal import Decimal

from casework.domain.money import round_money
from casework.domain.rules.context import Ctx, Quantum
from casework.domain.rules.model import Rule
from casework.domain.rules.preds_common import zh_num
from casework.domain.rules.rates import RateChoice, choose_rate
from casework.domain.rules.registry import formula
from casework.domain.rules.words import Say, en, money


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
    label_en = en(label)
    if not values:
        q.lines.append(Say(f"须提供{label}，规则不推定损失数额",
                           f"{label_en[:1].upper()}{label_en[1:]} must be shown; the rules do not presume the loss"))
        return q
    q.amount = round_money(values[0])
    q.lines.append(Say(f"按{label}计算：{money(q.amount).zh}", f"by {label_en}: {money(q.amount).en}"))
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
    if hours <= 0:  # the contract refuses this as input; the rounding below presupposes that an outage happened
        q.missing = q.missing + ("facts.outage_hours",)
        q.lines.append(Say(f"停电时间为{zh_num(hours)}小时，不是一次停电，须核实停电小时数",
                           f"an outage of {zh_num(hours)} hours is no outage; the outage hours must be checked"))
        return q
    minimum = Decimal(str(ctx.param_peek("accident_min_hours")))
    counted = hours
    if hours < minimum:  # 不足一小时按一小时: "不足" excludes the number itself (2024 第一百零九条)
        counted = Decimal(str(ctx.param("accident_min_hours")))
        q.lines.append(Say(f"停电{zh_num(hours)}小时，不足{zh_num(minimum)}小时，按{zh_num(counted)}小时计算",
                           f"the outage lasted {zh_num(hours)} hours, less than {zh_num(minimum)} hour, and counts as "
                           f"{zh_num(counted)} hour"))
    multiplier = ctx.param_dec("accident_multiplier_two_part" if tariff == "two_part" else "accident_multiplier_single_part")
    base = ctx.param("accident_price_base")
    possible = kwh * counted
    q.amount = round_money(possible * price * multiplier)
    tariff_zh, tariff_en = ("两部制电价", "two-part tariff") if tariff == "two_part" else ("单一制电价", "single-part tariff")
    total = money(q.amount)
    q.lines.append(Say(
        f"可能用电量＝每小时平均用电量{zh_num(kwh)}千瓦时×停电{zh_num(counted)}小时＝{zh_num(possible)}千瓦时；"
        f"赔偿额＝{zh_num(possible)}千瓦时×{base}{zh_num(price)}元/千瓦时×{zh_num(multiplier)}倍（{tariff_zh}）＝{total.zh}",
        f"possible consumption = average {zh_num(kwh)} kWh per hour × {zh_num(counted)} hours of outage = "
        f"{zh_num(possible)} kWh; compensation = {zh_num(possible)} kWh × {en(str(base))} of {zh_num(price)} yuan/kWh × "
        f"{zh_num(multiplier)} ({tariff_en}) = {total.en}",
    ))
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
    total = money(q.amount)
    q.lines.append(Say(
        f"赔偿额＝不合格累计时间内用电量{zh_num(kwh)}千瓦时×当月平均电价{zh_num(price)}元/千瓦时×{zh_num(rate * 100)}%＝{total.zh}",
        f"compensation = {zh_num(kwh)} kWh used during the non-compliant time × the month's average price of "
        f"{zh_num(price)} yuan/kWh × {zh_num(rate * 100)}% = {total.en}",
    ))
    return q


def _rate(ctx: Ctx, q: Quantum, kind: str, rate_key: str, item_key: str, grade_key: str) -> Decimal | None:
    """The stated local rate, else the rate table in force on the event date (土地管理法 第四十八条); a fictional
    table's rate only on a demo instance, and said to be fictional."""
    given = ctx.fact(rate_key, "money")
    _measure(ctx, q, "local_rate")
    if given is not None:
        q.lines.append(Say(f"采用案件载明的当地补偿标准{money(given).zh}",
                           f"the local compensation standard stated in the case, {money(given).en}, is used"))
        return given  # type: ignore[no-any-return]
    region, item, grade = ctx.fact("region", "str"), ctx.fact(item_key, "str"), ctx.fact(grade_key, "str")
    choice = RateChoice()
    if region and item:
        choice = choose_rate(ctx.table.rate_tables, kind, region, item, grade, ctx.event_date,
                             demo=ctx.table.demo_instance)
    entry, table = choice.entry, choice.table
    if entry is not None and table is not None:
        rate = money(entry.rate)
        stage = entry.grade or "各期"
        q.lines.append(Say(
            f"当地补偿标准取自{table.label_zh}：行政区划{entry.region}，{entry.item}，{stage}，{rate.zh}",
            f"the local compensation standard comes from the {en(table.label_zh)}: administrative division "
            f"{entry.region}, {entry.item}, {entry.grade or 'any stage'}, {rate.en}",
        ))
        if table.fictional:
            q.lines.append(Say("本系统为演示实例，该补偿标准为虚构数字，仅供演示，所得金额不得用于真实案件",
                               "this is a demonstration instance: the standard is an invented figure, for "
                               "demonstration only, and the amount must never be used for a real claim"))
        if not table.verified or table.fictional:
            note = Say(f"补偿标准表“{table.label_zh}”未经核实" + ("，为虚构演示数据" if table.fictional else ""),
                       f"the schedule \"{en(table.label_zh)}\" is not verified"
                       + (" and holds fictional demonstration figures" if table.fictional else ""))
            ctx.cache.setdefault("unverified_notes", []).append(note)
        return entry.rate
    q.missing = q.missing + (f"facts.{rate_key}",)
    if choice.refused is not None:
        what = "，".join(str(x) for x in (f"行政区划{region}", item, grade or "各期"))
        what_en = ", ".join(str(x) for x in (f"administrative division {region}", item, grade or "any stage"))
        q.lines.append(Say(
            f"没有已公布的当地补偿标准（{what}）：系统中只有虚构的演示标准，不得用于真实案件，须载明当地公布的补偿标准，"
            "不推定数额",
            f"there is no published local compensation standard ({what_en}): the system holds only an invented "
            "demonstration figure, which must never be used for a real claim; the locally published standard must be "
            "stated, and no amount is presumed"))
        return None
    q.lines.append(Say("未载明当地补偿标准，补偿标准表中也没有适用的标准，不推定数额",
                       "no local compensation standard is stated and the schedules hold none that applies, so no "
                       "amount is presumed"))
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
    total, per = money(q.amount), money(rate)
    q.lines.append(Say(f"补偿额＝受损面积{zh_num(values[0])}亩×{per.zh}/亩＝{total.zh}（一次性补偿）",
                       f"compensation = {zh_num(values[0])} mu damaged × {per.en} per mu = {total.en} (one-time)"))
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
    total, per = money(q.amount), money(rate)
    q.lines.append(Say(f"补偿额＝{zh_num(values[0])}株×{per.zh}/株＝{total.zh}（一次性补偿）",
                       f"compensation = {zh_num(values[0])} trees × {per.en} per tree = {total.en} (one-time)"))
    return q
