"""Limitation predicates: 3 years with restarts, 20-year longstop, the 2017 transition, counting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from casework.domain.calendar import HolidayCalendar, period_end_years
from casework.domain.contract import parse_date
from casework.domain.rules.context import NOT_APPLICABLE, Ctx, Verdict, no, yes
from casework.domain.rules.model import Rule
from casework.domain.rules.preds_common import zh_date
from casework.domain.rules.registry import predicate


@dataclass
class Limitation:
    """The computed limitation period of one case."""

    end: date
    years: int
    start: date
    restarts: list[date] = field(default_factory=list)
    late: list[date] = field(default_factory=list)
    transition: str = ""


def _chain(start: date, years: int, events: list[date], cal: HolidayCalendar) -> Limitation:
    """民法典 第一百九十五条: an interruption inside the running period restarts it from that day."""
    lim = Limitation(period_end_years(start, years, cal), years, start)
    for day in events:
        if day <= lim.start:
            continue
        if day <= lim.end:
            lim.start, lim.end = day, period_end_years(day, years, cal)
            lim.restarts.append(day)
        else:
            lim.late.append(day)
    return lim


def limitation(ctx: Ctx) -> Limitation:
    """民法典 第一百八十八条 (3 years from knowledge) with restarts, and the 民法总则 transition.

    最高人民法院关于适用《民法总则》诉讼时效制度若干问题的解释 第二条、第三条: a 2-year period that
    had run out before 2017-10-01 stays run out; one still running became 3 years.
    """
    cached = ctx.cache.get("limitation")
    if isinstance(cached, Limitation):
        return cached
    raw = ctx.top("limitation_interruptions")
    events = sorted({d for d in (_date(v) for v in raw) if d}) if isinstance(raw, list) and raw else []
    report = ctx.report_date
    if report is not None:
        events = [d for d in events if d <= report]
    knew = ctx.knew_date
    years = int(ctx.param("limitation_years"))
    cutover = _iso(str(ctx.param("gpcl_cutover_date")))
    if knew < cutover:
        old_years = int(ctx.param("gpcl_limitation_years"))
        old = _chain(knew, old_years, [d for d in events if d < cutover], ctx.cal)
        if old.end < cutover:
            old.late.extend(d for d in events if d >= cutover and d not in old.late)
            old.transition = f"按民法通则{old_years}年时效，已于{zh_date(old.end)}在民法总则施行前届满"
            lim = old
        else:
            lim = _chain(old.start, years, [d for d in events if d > old.start], ctx.cal)
            lim.restarts[:0] = old.restarts
            lim.transition = f"民法总则施行时{old_years}年时效尚未届满，适用{years}年时效"
    else:
        lim = _chain(knew, years, events, ctx.cal)
    ctx.cache["limitation"] = lim
    ctx.cache["periods_counted"] = True
    return lim


@lru_cache(maxsize=64)
def _iso(text: str) -> date:
    return date.fromisoformat(text)


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _date(value: object) -> date | None:
    try:
        return parse_date(value)
    except ValueError:
        return None


@predicate("limitation_expired")
def p_limitation_expired(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法典 第一百八十八条; 第一百九十三条: barred only if the utility pleads it."""
    lim = limitation(ctx)
    report = ctx.report_date
    if report is None:
        return Verdict("missing", "", ("report_date",), lim.end)
    span = f"诉讼时效自{zh_date(lim.start)}起算{lim.years}年，至{zh_date(lim.end)}届满"
    if report > lim.end:
        return yes(f"{span}，{zh_date(report)}才提出请求；须供电企业提出时效抗辩，法院不主动适用", lim.end)
    return no(f"{span}，{zh_date(report)}提出请求，未超过诉讼时效", lim.end)


@predicate("longstop_expired")
def p_longstop_expired(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法典 第一百八十八条第二款: 自权利受到损害之日起超过二十年的，人民法院不予保护."""
    years = int(ctx.param("longstop_years"))
    end = period_end_years(ctx.event_date, years, ctx.cal)
    ctx.cache["periods_counted"] = True
    report = ctx.report_date
    if report is None:
        return Verdict("missing", "", ("report_date",), end)
    if report > end:
        return yes(f"自损害发生之日起{years}年至{zh_date(end)}届满，{zh_date(report)}才提出请求", end)
    return no(due=end)


@predicate("limitation_interrupted")
def p_limitation_interrupted(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法典 第一百九十五条: 诉讼时效中断……诉讼时效期间重新计算."""
    lim = limitation(ctx)
    if not lim.restarts:
        return NOT_APPLICABLE
    days = "、".join(zh_date(d) for d in lim.restarts)
    return yes(f"诉讼时效于{days}中断，自{zh_date(lim.start)}重新计算")


@predicate("limitation_late_interruption")
def p_limitation_late_interruption(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法典 第一百九十二条第二款: agreeing to perform after expiry waives the defence."""
    lim = limitation(ctx)
    if not lim.late:
        return NOT_APPLICABLE
    days = "、".join(zh_date(d) for d in lim.late)
    return yes(f"{days}的事由发生在时效届满之后，不能中断时效；若系供电企业同意履行，则不得再以时效抗辩，须人工核查")


@predicate("limitation_transition")
def p_limitation_transition(ctx: Ctx, rule: Rule) -> Verdict:
    """最高人民法院关于适用《民法总则》诉讼时效制度若干问题的解释 第二条、第三条."""
    lim = limitation(ctx)
    if not lim.transition:
        return NOT_APPLICABLE
    return yes(f"知道损害之日{zh_date(ctx.knew_date)}早于民法总则施行日；{lim.transition}")


@predicate("periods_counted")
def p_periods_counted(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法典 第二百零一条、第二百零二条、第二百零三条 — applied to every period above."""
    if not ctx.cache.get("periods_counted"):
        return NOT_APPLICABLE
    return yes("期间开始的当日不计入；按年、月计算的到对应日，无对应日的为月末日；最后一日是法定休假日的顺延至其后第一个工作日")
