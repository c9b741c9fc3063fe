"""Limitation predicates: 3 years with restarts, 20-year longstop, the 2017 transition, counting."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import NamedTuple

from casework.domain.calendar import HolidayCalendar, period_end_years
from casework.domain.contract import date_or_none
from casework.domain.rules.context import NOT_APPLICABLE, Ctx, Verdict, no, yes
from casework.domain.rules.model import Rule
from casework.domain.rules.preds_common import zh_date
from casework.domain.rules.registry import predicate


class Limitation(NamedTuple):
    """The computed limitation period of one case (a NamedTuple: cheap to build, and never changed once built)."""

    end: date
    years: int
    start: date
    restarts: tuple[date, ...] = ()
    late: tuple[date, ...] = ()
    transition: str = ""


def _chain(start: date, years: int, events: list[date], cal: HolidayCalendar) -> Limitation:
    """民法典 第一百九十五条: an interruption inside the running period restarts it from that day."""
    end = period_end_years(start, years, cal)
    if not events:  # the usual case: nothing interrupted the period
        return Limitation(end, years, start)
    restarts: list[date] = []
    late: list[date] = []
    for day in events:
        if day <= start:
            continue
        if day <= end:
            start, end = day, period_end_years(day, years, cal)
            restarts.append(day)
        else:
            late.append(day)
    return Limitation(end, years, start, tuple(restarts), tuple(late))


def limitation(ctx: Ctx) -> Limitation:
    """民法典 第一百八十八条 (3 years from knowledge) with restarts, and the 民法总则 transition.

    最高人民法院关于适用《民法总则》诉讼时效制度若干问题的解释 第二条、第三条: a 2-year period that
    had run out before 2017-10-01 stays run out; one still running became 3 years.
    """
    cached: Limitation | None = ctx.cache.get("limitation")
    if cached is not None:
        return cached
    raw = ctx.top("limitation_interruptions")
    events = sorted({d for d in (date_or_none(v) for v in raw) if d}) if isinstance(raw, list) and raw else []
    report = ctx.report_date
    if report is not None and events:
        events = [d for d in events if d <= report]
    knew = ctx.knew_date
    years = int(ctx.param("limitation_years"))
    cutover = _iso(str(ctx.param("gpcl_cutover_date")))
    old_years = int(ctx.param("gpcl_limitation_years")) if knew < cutover else None
    # A pure function of these values and the calendar; many cases share them (the same day of knowledge).
    key = ("limitation", knew, tuple(events), years, cutover, old_years)
    lim: Limitation | None = ctx.cal.memo.get(key)
    if lim is None:
        lim = ctx.cal.memo[key] = _limitation(knew, events, years, cutover, old_years, ctx.cal)
    ctx.cache["limitation"] = lim
    ctx.cache["periods_counted"] = True
    return lim


def _limitation(
    knew: date, events: list[date], years: int, cutover: date, old_years: int | None, cal: HolidayCalendar
) -> Limitation:
    """The period itself; `old_years` is given when knowledge came before the 民法总则 (the cutover)."""
    if old_years is None:
        return _chain(knew, years, events, cal)
    old = _chain(knew, old_years, [d for d in events if d < cutover], cal)
    if old.end < cutover:
        late = old.late + tuple(d for d in events if d >= cutover and d not in old.late)
        why = f"按民法通则{old_years}年时效，已于{zh_date(old.end)}在民法总则施行前届满"
        return Limitation(old.end, old_years, old.start, old.restarts, late, why)
    new = _chain(old.start, years, [d for d in events if d > old.start], cal)
    why = f"民法总则施行时{old_years}年时效尚未届满，适用{years}年时效"
    return Limitation(new.end, years, new.start, old.restarts + new.restarts, new.late, why)


@lru_cache(maxsize=64)
def _iso(text: str) -> date:
    return date.fromisoformat(text)


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


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
