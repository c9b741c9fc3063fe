"""Land predicates: trees before/after a protection zone, pruning, tower-land one-time compensation."""

from __future__ import annotations

from datetime import date

from casework.domain.rules.context import NOT_APPLICABLE, Ctx, Verdict, missing, no, yes
from casework.domain.rules.model import Rule
from casework.domain.rules.registry import predicate
from casework.domain.rules.words import Say, day, en

_ZONE = "protection_zone_clearance"
_ONE_TIME_CLAIMS = ("unpaid_one_time", "removal")


def _planted_after_zone(ctx: Ctx) -> tuple[bool | None, tuple[str, ...]]:
    """电力法 第五十三条第三款 protects only plants 在依法划定电力设施保护区前已经种植的.

    Planting on the very day of designation is not "before" it, so it counts as new.
    """
    planted: date | None = ctx.fact("planted_date", "date")
    zone: date | None = ctx.fact("zone_designated_date", "date")
    gaps = tuple(p for p, v in (("facts.planted_date", planted), ("facts.zone_designated_date", zone)) if v is None)
    if planted is None or zone is None:
        return None, gaps
    return planted >= zone, ()


@predicate("trees_new_in_zone")
def p_trees_new_in_zone(ctx: Ctx, rule: Rule) -> Verdict:
    """电力设施保护条例实施细则 第十八条第二款: 已划定的电力设施保护区域内新种植或自然生长的……应当予以砍伐，并不予支付……
    任何费用 — whatever the reason for the felling (a new line's corridor or a clearance), so the reason is not asked.

    A zone designated in advance for a planned line counts from its announcement; where the zone was designated only
    with the new line, `zone_designated_date` is that date and trees planted before it stood before designation.
    """
    after, gaps = _planted_after_zone(ctx)
    if after is None:
        return missing(*gaps)
    pl, zn = _dates_said(ctx)
    if after:
        return yes(Say(f"树木于{pl.zh}种植，不早于保护区划定公告日{zn.zh}，属保护区内新种植",
                       f"the trees were planted on {pl.en}, not before the protection zone was designated and "
                       f"announced on {zn.en}, so they are new planting inside the zone"))
    return no(Say(f"树木于{pl.zh}种植，早于保护区划定公告日{zn.zh}",
                  f"the trees were planted on {pl.en}, before the protection zone was designated and announced on "
                  f"{zn.en}"))


def _dates_said(ctx: Ctx) -> tuple[Say, Say]:
    planted, zone = ctx.fact("planted_date", "date"), ctx.fact("zone_designated_date", "date")
    return day(planted), day(zone)


@predicate("trees_pruned")
def p_trees_pruned(ctx: Ctx, rule: Rule) -> Verdict:
    """电力设施保护条例实施细则 第十六条第四项: 修剪或砍伐……所需费用由树木所有者负担 (pruning only)."""
    if ctx.fact("reason") != _ZONE or ctx.fact("action") != "prune":
        return NOT_APPLICABLE
    after, gaps = _planted_after_zone(ctx)
    if after is None:
        return missing(*gaps)
    if after:
        return NOT_APPLICABLE  # new trees already fall under 第十八条
    return yes(Say("对保护区内不符合安全距离的原有树木进行修剪，修剪费用由树木所有者负担，不予补偿",
                   "existing trees in the protection zone too close to the line were pruned; the owner of the trees "
                   "bears the cost and no compensation is paid"))


@predicate("trees_preexisting")
def p_trees_preexisting(ctx: Ctx, rule: Rule) -> Verdict:
    """电力法 第五十三条第三款 (在依法划定电力设施保护区前已经种植的植物……应当修剪或者砍伐); 电力设施保护条例 第二十四条;
    实施细则 第十六条第一项 (付给树木所有者一次性补偿费用): one-time compensation, for trees that stood before the zone
    was designated only — for a new line's corridor too (细则 第十八条 pays nothing for new planting, whatever the reason).
    """
    reason = ctx.fact("reason")
    if reason is None:
        return missing("facts.reason")
    after, gaps = _planted_after_zone(ctx)
    if after is None:
        return missing(*gaps)
    if after:
        return NOT_APPLICABLE
    pl, zn = _dates_said(ctx)
    stood = Say(f"树木于{pl.zh}种植，早于保护区划定公告日{zn.zh}，属划定前已有的树木",
                f"the trees were planted on {pl.en}, before the protection zone was designated and announced on "
                f"{zn.en}, so they stood before designation")
    if reason == "new_line_corridor":
        return yes(Say(f"{stood.zh}；新建架空电力线路穿过林区需砍伐通道，应付给树木所有者一次性补偿",
                       f"{stood.en}; a new overhead line crossing woodland needed a corridor felled, so the owner of "
                       "the trees is paid one-time compensation"))
    return yes(Say(f"{stood.zh}；妨碍电力设施安全须砍伐，给予一次性补偿",
                   f"{stood.en}; they endangered the facility and had to be felled, so one-time compensation is paid"))


def _one_time_claim(ctx: Ctx) -> tuple[str | None, Verdict | None]:
    kind = ctx.fact("claim_kind")
    if kind is None:
        return None, missing("facts.claim_kind")
    if kind not in _ONE_TIME_CLAIMS:
        return kind, no()
    return kind, None


def _paid(ctx: Ctx) -> bool | None:
    # null means "no record found": the payment cannot be established either way.
    paid: bool | None = ctx.fact("one_time_compensation_paid", "bool")
    return paid


def _acquired_after_built(ctx: Ctx) -> tuple[bool | None, tuple[str, ...]]:
    built: date | None = ctx.fact("facility_built_date", "date")
    acquired: date | None = ctx.fact("claimant_acquired_date", "date")
    gaps = tuple(
        p for p, v in (("facts.facility_built_date", built), ("facts.claimant_acquired_date", acquired)) if v is None
    )
    if built is None or acquired is None:
        return None, gaps
    return acquired > built, ()


def _region_fits(ctx: Ctx, rule: Rule) -> bool:
    """Whether this tower row speaks for the land of the claim.

    A provincial row (args `regions`: division-code prefixes, 41 = 河南, 3701 = 济南) applies only to land in its
    province or city; the national row only where no provincial row in force covers the land (or no region is
    given). So each quotation sits under the article that holds it: the provincial wording under the provincial
    regulation REFERENCE.md §9.4 names, 电力设施保护条例 第二十四条 alone elsewhere.
    """
    region = ctx.fact("region", "str") or ""
    mine = rule.args.get("regions")
    if mine:
        return bool(region) and any(region.startswith(str(prefix)) for prefix in mine)
    return not region or not any(
        other.id == rule.id and other.predicate == rule.predicate and other.args.get("regions")
        and any(region.startswith(str(prefix)) for prefix in other.args["regions"])
        for other in ctx.rules.merits
    )


def _local(rule: Rule, verdict: Verdict) -> Verdict:
    """A provincial row's finding starts with what its regulation says about tower land."""
    said = rule.args.get("local")
    if not said or not verdict.detail.zh:
        return verdict
    return verdict._replace(detail=Say(f"{said}；{verdict.detail.zh}", f"{en(str(said))}; {verdict.detail.en}"))


@predicate("tower_recurring")
def p_tower_recurring(ctx: Ctx, rule: Rule) -> Verdict:
    """电力设施保护条例 第二十四条 and the provincial rules: one-time compensation, never annual fees."""
    if not _region_fits(ctx, rule):
        return NOT_APPLICABLE
    kind = ctx.fact("claim_kind")
    if kind is None:
        return missing("facts.claim_kind")
    if kind == "recurring_fee":
        if rule.args.get("local"):
            return _local(rule, yes(Say("国家规定只给予一次性补偿，逐年占地费没有法律依据",
                                        "national law gives only one-time compensation, and an annual occupation fee "
                                        "has no legal basis")))
        return yes(Say("杆塔、线路走廊不实行征地，国家和地方规定只给予一次性补偿，逐年占地费没有法律依据",
                       "land under towers and line corridors is not expropriated; national and local rules give only "
                       "one-time compensation, and an annual occupation fee has no legal basis"))
    return NOT_APPLICABLE


@predicate("tower_paid")
def p_tower_paid(ctx: Ctx, rule: Rule) -> Verdict:
    """One-time compensation already paid: nothing further is owed (电力设施保护条例 第二十四条; the provincial rule)."""
    if not _region_fits(ctx, rule):
        return NOT_APPLICABLE
    _, early = _one_time_claim(ctx)
    if early is not None:
        return early
    paid = _paid(ctx)
    if paid is None:
        return missing("facts.one_time_compensation_paid")
    if paid:
        return _local(rule, yes(Say("一次性补偿已经支付", "the one-time compensation has been paid")))
    return no(Say("未查到一次性补偿已支付", "no record shows the one-time compensation was paid"))


@predicate("tower_later_acquirer")
def p_tower_later_acquirer(ctx: Ctx, rule: Rule) -> Verdict:
    """The one-time compensation belonged to whoever held the land right when the tower was built."""
    if not _region_fits(ctx, rule):
        return NOT_APPLICABLE
    _, early = _one_time_claim(ctx)
    if early is not None:
        return early
    if _paid(ctx) is not False:
        return NOT_APPLICABLE
    later, gaps = _acquired_after_built(ctx)
    if later is None:
        return missing(*gaps)
    if later:
        return _local(rule, yes(Say("请求人在杆塔建成后才取得土地权利，一次性补偿请求权属于建设时的权利人",
                                    "the claimant acquired the land right only after the tower was built; the "
                                    "one-time compensation belongs to whoever held the right at construction")))
    return NOT_APPLICABLE


@predicate("tower_unpaid")
def p_tower_unpaid(ctx: Ctx, rule: Rule) -> Verdict:
    """Unpaid one-time compensation is owed to the right-holder at construction (电力设施保护条例 第二十四条; the
    provincial rule where the land lies: 河南 第二十六条, 浙江 第八条, 上海 第三十二条, 济南 第十六条)."""
    if not _region_fits(ctx, rule):
        return NOT_APPLICABLE
    kind, early = _one_time_claim(ctx)
    if early is not None:
        return early
    paid = _paid(ctx)
    if paid is None:
        return missing("facts.one_time_compensation_paid")
    if paid:
        return NOT_APPLICABLE
    later, gaps = _acquired_after_built(ctx)
    if later is None:
        return missing(*gaps)
    if later:
        return NOT_APPLICABLE
    said = Say("杆塔建设时应给予的一次性补偿未支付，请求人为当时的土地权利人",
               "the one-time compensation due when the tower was built was not paid, and the claimant held the land "
               "right at that time")
    if kind == "removal":
        said = Say(said.zh + "；迁移请求本身不适用诉讼时效，但国家只规定一次性补偿，迁移须另行协商",
                   said.en + "; the claim to move it is not subject to limitation, but the law provides only one-time "
                   "compensation, so moving it must be negotiated separately")
    return _local(rule, yes(said))
