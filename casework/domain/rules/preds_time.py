"""Limitation predicates: 3 years with restarts, 20-year longstop, the 2017 transition, counting."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import NamedTuple

from casework.domain.calendar import HolidayCalendar, period_end_years
from casework.domain.contract import date_or_none
from casework.domain.rules.context import NOT_APPLICABLE, Ctx, Verdict, no, yes
from casework.domain.rules.model import Rule
from casework.domain.rules.registry import predicate
from casework.domain.rules.words import EMPTY, TEXT_EN, Say, day, days


class Limitation(NamedTuple):
    """The computed limitation period of one case (a NamedTuple: cheap to build, and never changed once built)."""

    end: date
    years: int
    start: date
    restarts: tuple[date, ...] = ()
    late: tuple[date, ...] = ()
    transition: Say = EMPTY


def _chain(start: date, years: int, events: list[date], cal: HolidayCalendar) -> Limitation:
    """民法典 第一百九十五条: an interruption inside the running period restarts it from that day."""
    end = period_end_years(start, years, cal)
    if not events:  # the usual case: nothing interrupted the period
        return Limitation(end, years, start)
    restarts: list[date] = []
    late: list[date] = []
    for when in events:
        if when <= start:
            continue
        if when <= end:
            start, end = when, period_end_years(when, years, cal)
            restarts.append(when)
        else:
            late.append(when)
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
        end = day(old.end)
        why = Say(f"按民法通则{old_years}年时效，已于{end.zh}在民法总则施行前届满",
                  f"under the {old_years}-year period of the General Principles of the Civil Law it expired on "
                  f"{end.en}, before the General Provisions took effect")
        return Limitation(old.end, old_years, old.start, old.restarts, late, why)
    new = _chain(old.start, years, [d for d in events if d > old.start], cal)
    why = Say(f"民法总则施行时{old_years}年时效尚未届满，适用{years}年时效",
              f"the {old_years}-year period had not expired when the General Provisions took effect, so the "
              f"{years}-year period applies")
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
        return Verdict("missing", EMPTY, ("report_date",), lim.end)
    start, end, rp = day(lim.start), day(lim.end), day(report)
    span = Say(f"诉讼时效自{start.zh}起算{lim.years}年，至{end.zh}届满",
               f"the {lim.years}-year limitation period ran from {start.en} and expired on {end.en}")
    if report > lim.end:
        return yes(Say(f"{span.zh}，请求人{rp.zh}才提出请求；须供电企业提出时效抗辩，法院不主动适用",
                       f"{span.en}; the claimant claimed only on {rp.en}; the utility must plead limitation, as a "
                       "court will not apply it of its own motion"), lim.end)
    return no(Say(f"{span.zh}，请求人{rp.zh}提出请求，未超过诉讼时效",
                  f"{span.en}; the claimant claimed on {rp.en}, within the limitation period"), lim.end)


@predicate("longstop_expired")
def p_longstop_expired(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法典 第一百八十八条第二款: 自权利受到损害之日起超过二十年的，人民法院不予保护."""
    years = int(ctx.param("longstop_years"))
    end = period_end_years(ctx.event_date, years, ctx.cal)
    ctx.cache["periods_counted"] = True
    report = ctx.report_date
    if report is None:
        return Verdict("missing", EMPTY, ("report_date",), end)
    if report > end:
        dd, rp = day(end), day(report)
        return yes(Say(f"自损害发生之日起{years}年至{dd.zh}届满，请求人{rp.zh}才提出请求",
                       f"the {years} years from the day of the damage ended on {dd.en}, and the claimant claimed "
                       f"only on {rp.en}"), end)
    return no(due=end)


@predicate("limitation_interrupted")
def p_limitation_interrupted(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法典 第一百九十五条: 诉讼时效中断……诉讼时效期间重新计算."""
    lim = limitation(ctx)
    if not lim.restarts:
        return NOT_APPLICABLE
    when, start = days(lim.restarts), day(lim.start)
    return yes(Say(f"诉讼时效于{when.zh}中断，自{start.zh}重新计算",
                   f"the limitation period was interrupted on {when.en} and runs again from {start.en}"))


@predicate("limitation_late_interruption")
def p_limitation_late_interruption(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法典 第一百九十二条第二款: agreeing to perform after expiry waives the defence."""
    lim = limitation(ctx)
    if not lim.late:
        return NOT_APPLICABLE
    when = days(lim.late)
    return yes(Say(f"{when.zh}的事由发生在时效届满之后，不能中断时效；若系供电企业同意履行，则不得再以时效抗辩，须人工核查",
                   f"what happened on {when.en} came after the limitation period expired and cannot interrupt it; if "
                   "the utility then agreed to perform, it can no longer plead limitation, which must be checked by hand"))


@predicate("limitation_transition")
def p_limitation_transition(ctx: Ctx, rule: Rule) -> Verdict:
    """最高人民法院关于适用《民法总则》诉讼时效制度若干问题的解释 第二条、第三条."""
    lim = limitation(ctx)
    if not lim.transition.zh:
        return NOT_APPLICABLE
    knew = day(ctx.knew_date)
    return yes(Say(f"请求人于{knew.zh}知道损害，早于民法总则施行日；{lim.transition.zh}",
                   f"the claimant knew of the damage on {knew.en}, before the General Provisions of the Civil Law took "
                   f"effect; {lim.transition.en}"))


@predicate("periods_counted")
def p_periods_counted(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法典 第二百零一条、第二百零二条、第二百零三条 — applied to every period above."""
    if not ctx.cache.get("periods_counted"):
        return NOT_APPLICABLE
    return yes(_COUNTING)


_COUNTING = Say("期间开始的当日不计入；按年、月计算的到对应日，无对应日的为月末日；最后一日是法定休假日的顺延至其后第一个工作日",
                "the first day of a period is not counted; a period in years or months ends on the corresponding day, "
                "or the month's last day when there is none; a last day that is a statutory rest day moves to the next "
                "working day")
TEXT_EN[_COUNTING.zh] = _COUNTING.en  # a general note, the same for every claim (words.is_general)
