"""Limitation predicates: 3 years with interruptions and suspension, the waiver after expiry, the 20-year
longstop, the 2017 transition, and the counting of each period shown as it was done."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from casework.domain.calendar import Counted, HolidayCalendar, add_months, count_months
from casework.domain.contract import date_or_none
from casework.domain.rules.context import NOT_APPLICABLE, Ctx, Verdict, no, yes
from casework.domain.rules.model import Rule
from casework.domain.rules.registry import predicate
from casework.domain.rules.words import (
    EMPTY,
    LIMITATION_EVENT,
    SUSPENSION_GROUND,
    Say,
    day,
    holiday,
    join,
    weekday,
    word,
)

#: Kinds of `limitation_events` that interrupt (民法典 第一百九十五条); "interruption" is an untyped date of
#: `limitation_interruptions`.
INTERRUPTING = frozenset({"interruption", "claim", "acknowledgement", "promise_to_pay", "suit"})
SUSPENSION = "suspension"


class Event(NamedTuple):
    """One limitation event of the input: a date of `limitation_interruptions` (kind "interruption") or an
    entry of `limitation_events` (its position kept for the missing-fact path)."""

    when: date
    kind: str
    until: date | None = None
    ground: str | None = None
    position: int | None = None


class Effect(NamedTuple):
    """What the counting did with one event: `what` is one of restart, before_start, after_report, late,
    waiver, late_ack (interruptions), suspended, no_suspension, too_late, open (suspensions)."""

    event: Event
    what: str
    end: date  # the period's last day as it stood after the event (for late events: the day it expired)


class Limitation(NamedTuple):
    """The computed limitation period of one case (a NamedTuple: cheap to build, and never changed once built)."""

    end: date
    years: int
    start: date
    restarts: tuple[date, ...] = ()
    late: tuple[date, ...] = ()
    transition: Say = EMPTY
    effects: tuple[Effect, ...] = ()
    #: The day the utility agreed to perform after the period had expired (民法典 第一百九十二条第二款).
    waiver: date | None = None
    #: Facts still needed: the end of an obstacle that may suspend the period (JSON paths).
    gaps: tuple[str, ...] = ()
    #: How the last day was counted (for the explanation and the calendar's coverage).
    counting: Counted | None = None


def _events(ctx: Ctx) -> tuple[Event, ...]:
    """The plain dates and the typed events, by date; a plain date also given as a typed event is dropped."""
    typed: list[Event] = []
    raw_typed = ctx.top("limitation_events")
    if isinstance(raw_typed, list):
        for i, item in enumerate(raw_typed):
            if not isinstance(item, Mapping):
                continue
            when, kind = date_or_none(item.get("date")), item.get("kind")
            if when is None or kind not in LIMITATION_EVENT or kind == "interruption":
                continue
            ground = item.get("ground")
            typed.append(Event(when, str(kind), date_or_none(item.get("until")),
                               str(ground) if ground in SUSPENSION_GROUND else None, i))
    raw = ctx.top("limitation_interruptions")
    plain = sorted({d for d in (date_or_none(v) for v in raw) if d}) if isinstance(raw, list) and raw else []
    seen = {e.when for e in typed if e.kind != SUSPENSION}
    events = typed + [Event(d, "interruption") for d in plain if d not in seen]
    return tuple(sorted(events, key=lambda e: (e.when, e.kind != SUSPENSION, e.position or 0)))


def limitation(ctx: Ctx) -> Limitation:
    """民法典 第一百八十八条 (3 years from knowledge) with its interruptions (第一百九十五条), suspension
    (第一百九十四条) and the waiver after expiry (第一百九十二条第二款), and the 民法总则 transition.

    最高人民法院关于适用《民法总则》诉讼时效制度若干问题的解释 第二条、第三条: a 2-year period that
    had run out before 2017-10-01 stays run out; one still running became 3 years.
    """
    cached: Limitation | None = ctx.cache.get("limitation")
    if cached is not None:
        return cached
    events = _events(ctx)
    report = ctx.report_date
    knew = ctx.knew_date
    years = int(ctx.param("limitation_years"))
    months = int(ctx.param("suspension_months")) if any(e.kind == SUSPENSION for e in events) else 6
    cutover = _iso(str(ctx.param("gpcl_cutover_date")))
    old_years = int(ctx.param("gpcl_limitation_years")) if knew < cutover else None
    # A pure function of these values and the calendar; many cases share them (the same day of knowledge).
    key = ("limitation", knew, events, report, years, months, cutover, old_years)
    lim: Limitation | None = ctx.cal.memo.get(key)
    if lim is None:
        lim = ctx.cal.memo[key] = _limitation(knew, events, report, years, months, cutover, old_years, ctx.cal)
    ctx.cache["limitation"] = lim
    if lim.counting is not None:
        what = Say(f"{lim.years}年诉讼时效期间", f"the {lim.years}-year limitation period")
        if lim.counting.length != 12 * lim.years:  # the period ended by a suspension's six months
            what = Say(f"诉讼时效中止后的{lim.counting.length}个月", f"the {lim.counting.length} months after the suspension")
        counted(ctx, what, lim.counting, decisive=True)
    return lim


class _Run(NamedTuple):
    start: date
    end: date
    counting: Counted


def _chain(run: _Run, years: int, months: int, events: tuple[Event, ...], report: date | None,
           cal: HolidayCalendar) -> tuple[_Run, list[Effect], date | None, list[str]]:
    """Apply the events in date order to a running period."""
    effects: list[Effect] = []
    waiver: date | None = None
    gaps: list[str] = []
    for ev in events:
        if ev.kind == SUSPENSION:
            run = _suspend(run, ev, months, report, cal, effects, gaps)
            continue
        if ev.when <= run.start:
            effects.append(Effect(ev, "before_start", run.end))
        elif ev.when <= run.end:
            if report is not None and ev.when > report:
                effects.append(Effect(ev, "after_report", run.end))
                continue
            # 第一百九十五条: 从中断、有关程序终结时起 — a suit restarts from the end of its proceedings when known.
            begin = ev.until if ev.kind == "suit" and ev.until and ev.until > ev.when else ev.when
            count = count_months(begin, 12 * years, cal)
            run = _Run(begin, count.end, count)
            effects.append(Effect(ev, "restart", run.end))
        elif ev.kind == "promise_to_pay":
            effects.append(Effect(ev, "waiver", run.end))
            waiver = waiver or ev.when
        else:
            effects.append(Effect(ev, "late_ack" if ev.kind == "acknowledgement" else "late", run.end))
    return run, effects, waiver, gaps


def _suspend(run: _Run, ev: Event, months: int, report: date | None, cal: HolidayCalendar,
             effects: list[Effect], gaps: list[str]) -> _Run:
    """民法典 第一百九十四条: an obstacle in the last six months suspends the period, which then ends six months
    after the obstacle ends (自中止时效的原因消除之日起满六个月，诉讼时效期间届满)."""
    if report is not None and ev.when > report:
        effects.append(Effect(ev, "after_report", run.end))
        return run
    if ev.when > run.end:
        effects.append(Effect(ev, "too_late", run.end))
        return run
    if ev.until is None:
        effects.append(Effect(ev, "open", run.end))
        if ev.position is not None:
            gaps.append(f"limitation_events[{ev.position}].until")
        return run
    window = add_months(run.end, -months) + timedelta(days=1)  # the first day of the last six months
    if ev.until < window:
        effects.append(Effect(ev, "no_suspension", run.end))
        return run
    count = count_months(ev.until, months, cal)
    if count.end <= run.end:
        effects.append(Effect(ev, "no_suspension", run.end))
        return run
    effects.append(Effect(ev, "suspended", count.end))
    return _Run(run.start, count.end, count)


def _limitation(knew: date, events: tuple[Event, ...], report: date | None, years: int, months: int, cutover: date,
                old_years: int | None, cal: HolidayCalendar) -> Limitation:
    """The period itself; `old_years` is given when knowledge came before the 民法总则 (the cutover)."""
    if old_years is None:
        count = count_months(knew, 12 * years, cal)
        run, effects, waiver, gaps = _chain(_Run(knew, count.end, count), years, months, events, report, cal)
        return _made(run, years, effects, waiver, gaps)
    count = count_months(knew, 12 * old_years, cal)
    early = tuple(e for e in events if e.when < cutover)
    old, effects, waiver, gaps = _chain(_Run(knew, count.end, count), old_years, months, early, report, cal)
    later = tuple(e for e in events if e.when >= cutover)
    if old.end < cutover:
        # Expired under the 民法通则: what came after can no longer interrupt or suspend it.
        rest, more, late_waiver, _ = _chain(old, old_years, months, later, report, cal)
        end = day(old.end)
        why = Say(f"按民法通则{old_years}年时效，已于{end.zh}在民法总则施行前届满",
                  f"under the {old_years}-year period of the General Principles of the Civil Law it expired on "
                  f"{end.en}, before the General Provisions took effect")
        return _made(rest, old_years, effects + more, waiver or late_waiver, gaps, why)
    again = count_months(old.start, 12 * years, cal)
    restart = _Run(old.start, again.end, again)
    new, more, new_waiver, more_gaps = _chain(restart, years, months, tuple(e for e in later if e.when > old.start),
                                              report, cal)
    why = Say(f"民法总则施行时{old_years}年时效尚未届满，适用{years}年时效",
              f"the {old_years}-year period had not expired when the General Provisions took effect, so the "
              f"{years}-year period applies")
    return _made(new, years, effects + more, waiver or new_waiver, gaps + more_gaps, why)


def _made(run: _Run, years: int, effects: list[Effect], waiver: date | None, gaps: list[str],
          why: Say = EMPTY) -> Limitation:
    restarts = tuple(e.event.when for e in effects if e.what == "restart")
    late = tuple(e.event.when for e in effects if e.what in ("late", "late_ack", "waiver"))
    return Limitation(run.end, years, run.start, restarts, late, why, tuple(effects), waiver, tuple(gaps), run.counting)


@lru_cache(maxsize=64)
def _iso(text: str) -> date:
    return date.fromisoformat(text)


# -- the counting of each period, shown -------------------------------------------------------------------------
class Period(NamedTuple):
    what: Say
    counting: Counted
    decisive: bool


def counted(ctx: Ctx, what: Say, count: Counted, *, decisive: bool) -> None:
    """Record a period the assessment counted (民法典 第二百零一条–第二百零三条): for the counting step, and —
    when its last day falls in a year the holiday calendar does not cover — for the officer to check by hand."""
    periods: list[Period] = ctx.cache.setdefault("periods", [])
    if any(p.counting == count for p in periods):
        return
    periods.append(Period(what, count, decisive))
    ctx.cache["periods_counted"] = True
    if ctx.cal.covers(count.end) and ctx.cal.covers(count.last):
        return
    uncovered: list[Period] = ctx.cache.setdefault("uncovered_periods", [])
    uncovered.append(Period(what, count, decisive))
    notes: list[Say] = ctx.cache.setdefault("unverified_notes", [])
    note = _uncovered_note(ctx.cal, uncovered)
    at = ctx.cache.get("uncovered_note_at")
    if at is None:
        ctx.cache["uncovered_note_at"] = len(notes)
        notes.append(note)
    else:
        notes[at] = note


def _uncovered_note(cal: HolidayCalendar, periods: list[Period]) -> Say:
    said = join((Say(f"{p.what.zh}的最后一日{day(p.counting.end).zh}", f"the last day of {p.what.en} "
                     f"({day(p.counting.end).en})") for p in periods), "、", " and ")
    many = len(periods) > 1
    span = cal.coverage_years()
    if span is None:
        where = Say("系统未载入任何年度的国务院办公厅节假日安排", "no State Council holiday arrangement is loaded")
    else:
        where = Say(f"节假日日历只载有{span[0]}年至{span[1]}年的国务院办公厅节假日安排",
                    f"the holiday calendar holds the State Council arrangements for {span[0]} to {span[1]} only")
    return Say(f"{where.zh}，{said.zh}超出该范围，仅按周末推算，未计入尚未载入的法定节假日和调休上班日，"
               "该年度安排公布并导入后须重新核对",
               f"{where.en}; {said.en} {'fall' if many else 'falls'} outside it and {'were' if many else 'was'} "
               "counted with weekends only, without holidays or adjusted working days not yet loaded; check again "
               "once that year's arrangement is published and imported")


def _counting_say(cal: HolidayCalendar, p: Period) -> Say:
    """第7日为2025年5月31日，适逢端午节假期，顺延至2025年6月3日（民法典第二百零三条）."""
    c = p.counting
    start, last, end = day(c.start), day(c.last), day(c.end)
    wd = weekday(c.last)
    if c.unit == "d":
        head = Say(f"{p.what.zh}自{start.zh}的次日起算（开始的当日不计入），第{c.length}日为{last.zh}（{wd.zh}）",
                   f"{p.what.en} runs from the day after {start.en} (the first day is not counted); day {c.length} "
                   f"is {last.en} ({wd.en})")
    else:
        head = Say(f"{p.what.zh}自{start.zh}起算，到期月的对应日为{last.zh}（{wd.zh}）",
                   f"{p.what.en} runs from {start.en}; the corresponding day of the last month is {last.en} "
                   f"({wd.en})")
    if c.moved:
        ewd = weekday(c.end)
        if c.last in cal.holidays:
            name = holiday(cal.name(c.last))
            why = Say(f"适逢{name.zh}假期", f"which falls in the {name.en} holiday")
        else:
            why = Say("系休息日", "a rest day")
        return Say(f"{head.zh}，{why.zh}，顺延至{end.zh}（{ewd.zh}）（民法典第二百零三条）",
                   f"{head.en}, {why.en}, so the period runs to {end.en} ({ewd.en}) (Civil Code, Art. 203)")
    if cal.is_adjusted_workday(c.last):
        name = holiday(cal.name(c.last))
        return Say(f"{head.zh}，虽逢{wd.zh}，但系{name.zh}调休上班日，不是法定休假日，期间于该日届满",
                   f"{head.en}; though a {wd.en}, it is a working day adjusted for the {name.en} holiday, not a "
                   "statutory rest day, so the period ends that day")
    return Say(f"{head.zh}，为工作日，期间于该日届满", f"{head.en}, a working day, so the period ends that day")


# -- predicates ----------------------------------------------------------------------------------------------------
@predicate("limitation_expired")
def p_limitation_expired(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法典 第一百八十八条; 第一百九十三条: barred only if the utility pleads it.

    Not this row when the 民法通则 two-year period governs (that is `limitation_expired_gpcl`), nor when the
    utility agreed to perform after expiry (第一百九十二条第二款, said by the waiver row)."""
    lim = limitation(ctx)
    if lim.years != int(ctx.param("limitation_years")):
        return NOT_APPLICABLE
    return _expired(ctx, lim)


@predicate("limitation_expired_gpcl")
def p_limitation_expired_gpcl(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法通则 第一百三十五条 (二年), kept by 最高人民法院关于适用《民法总则》诉讼时效制度若干问题的
    解释 第三条 when it had expired before 2017-10-01."""
    if ctx.knew_date >= _iso(str(ctx.param_peek("gpcl_cutover_date"))):
        return NOT_APPLICABLE
    lim = limitation(ctx)
    if lim.years != int(ctx.param("gpcl_limitation_years")):
        return NOT_APPLICABLE
    ctx.cache.setdefault("unverified_notes", []).append(_GPCL_TEXT)
    return _expired(ctx, lim)


#: REFERENCE.md §6: 民法通则 Art. 135 is quoted from memory, UNVERIFIED as text; the two years are confirmed.
_GPCL_TEXT = Say("《中华人民共和国民法通则》第一百三十五条的条文系凭记忆引用，尚未核实（二年诉讼时效期间本身已由最高人民法院"
                 "关于适用《民法总则》诉讼时效制度若干问题的解释第二条、第三条确认）",
                 "the text of Art. 135 of the General Principles of the Civil Law is cited from memory and not yet "
                 "verified (the two-year period itself is confirmed by Arts. 2 and 3 of the SPC interpretation on the "
                 "limitation rules of the General Provisions)")


def _expired(ctx: Ctx, lim: Limitation) -> Verdict:
    report = ctx.report_date
    if report is None:
        return Verdict("missing", EMPTY, ("report_date",), lim.end)
    if report > lim.end and lim.gaps:
        return Verdict("missing", EMPTY, lim.gaps, lim.end)
    start, end, rp = day(lim.start), day(lim.end), day(report)
    span = Say(f"诉讼时效自{start.zh}起算{lim.years}年，至{end.zh}届满",
               f"the {lim.years}-year limitation period ran from {start.en} and expired on {end.en}")
    if report > lim.end:
        if lim.waiver is not None:
            return no(due=lim.end)  # the waiver row says why the defence is lost
        return yes(Say(f"{span.zh}，请求人{rp.zh}才提出请求；须供电企业提出时效抗辩，法院不主动适用",
                       f"{span.en}; the claimant claimed only on {rp.en}; the utility must plead limitation, as a "
                       "court will not apply it of its own motion"), lim.end)
    return no(Say(f"{span.zh}，请求人{rp.zh}提出请求，未超过诉讼时效",
                  f"{span.en}; the claimant claimed on {rp.en}, within the limitation period"), lim.end)


@predicate("longstop_expired")
def p_longstop_expired(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法典 第一百八十八条第二款: 自权利受到损害之日起超过二十年的，人民法院不予保护."""
    years = int(ctx.param("longstop_years"))
    count = count_months(ctx.event_date, 12 * years, ctx.cal)
    end = count.end
    counted(ctx, Say(f"{years}年最长权利保护期间", f"the {years}-year longest protection period"), count,
            decisive=False)
    report = ctx.report_date
    if report is None:
        return Verdict("missing", EMPTY, ("report_date",), end)
    if report > end:
        dd, rp = day(end), day(report)
        return yes(Say(f"自损害发生之日起{years}年至{dd.zh}届满，请求人{rp.zh}才提出请求",
                       f"the {years} years from the day of the damage ended on {dd.en}, and the claimant claimed "
                       f"only on {rp.en}"), end)
    return no(due=end)


def _event_say(ev: Event) -> Say:
    when = day(ev.when)
    if ev.kind == "interruption":
        return Say(f"{when.zh}的时效中断事由", f"the interrupting event of {when.en}")
    kind = LIMITATION_EVENT[ev.kind]
    return Say(f"{when.zh}{kind.zh}", f"on {when.en} {kind.en}")


def _interruption_say(e: Effect, report: date | None) -> Say:
    what, end = _event_say(e.event), day(e.end)
    if e.what == "restart":
        ev = e.event
        if ev.kind == "suit" and ev.until and ev.until > ev.when:
            until = day(ev.until)
            return Say(f"{what.zh}，在诉讼时效期间内，诉讼时效中断，自程序终结之日{until.zh}起重新计算，至{end.zh}届满",
                       f"{what.en}, within the limitation period: the period was interrupted and runs again from the "
                       f"end of the proceedings on {until.en}, to {end.en}")
        if ev.kind == "suit":
            return Say(f"{what.zh}，在诉讼时效期间内，诉讼时效中断；未提供程序终结之日，暂自起诉之日起重新计算，至{end.zh}届满",
                       f"{what.en}, within the limitation period: the period was interrupted; the end of the "
                       f"proceedings was not given, so it is counted again from the filing, to {end.en}")
        return Say(f"{what.zh}，在诉讼时效期间内，诉讼时效中断，自该日起重新计算，至{end.zh}届满",
                   f"{what.en}, within the limitation period: the period was interrupted and runs again from that "
                   f"day, to {end.en}")
    if e.what == "before_start":
        return Say(f"{what.zh}，不晚于诉讼时效起算之日，不影响时效的计算",
                   f"{what.en}, not after the day the period started, which does not change the counting")
    rp = day(report) if report else day(e.event.when)
    return Say(f"{what.zh}，发生在首次请求（{rp.zh}）之后，而首次请求时诉讼时效尚未届满（至{end.zh}），"
               "对本次请求是否超过诉讼时效没有影响",
               f"{what.en}, after the first claim ({rp.en}), when the period had not yet expired (it ran to "
               f"{end.en}); it does not bear on whether this claim is out of time")


@predicate("limitation_interrupted")
def p_limitation_interrupted(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法典 第一百九十五条: 诉讼时效中断……诉讼时效期间重新计算 — every interrupting event given,
    and what it did."""
    lim = limitation(ctx)
    shown = [e for e in lim.effects if e.event.kind in INTERRUPTING and e.what in ("restart", "before_start",
                                                                                   "after_report")]
    if not shown:
        return NOT_APPLICABLE
    return yes(join(_interruption_say(e, ctx.report_date) for e in shown))


def _suspension_say(e: Effect, months: int) -> Say:
    ev = e.event
    when, end = day(ev.when), day(e.end)
    ground = word(SUSPENSION_GROUND, ev.ground) if ev.ground else LIMITATION_EVENT[SUSPENSION]
    what = Say(f"自{when.zh}起{ground.zh}", f"from {when.en}, {ground.en}")
    if e.what == "open":
        return Say(f"{what.zh}，未提供障碍消除之日：障碍在诉讼时效期间的最后{months}个月内存在的，诉讼时效中止，"
                   f"至障碍消除之日起满{months}个月届满，须补充该日期",
                   f"{what.en}; the day the obstacle ended was not given: an obstacle within the last {months} "
                   f"months suspends the period until {months} months after it ends, so that day is needed")
    if e.what == "after_report":
        return Say(f"{what.zh}，发生在首次请求之后，对本次请求是否超过诉讼时效没有影响",
                   f"{what.en}, after the first claim; it does not bear on whether this claim is out of time")
    if e.what == "too_late":
        return Say(f"{what.zh}，发生在诉讼时效期间届满（{end.zh}）之后，不发生中止",
                   f"{what.en}, after the limitation period expired ({end.en}); no suspension")
    until = day(ev.until) if ev.until else when
    if e.what == "no_suspension":
        return Say(f"{what.zh}，至{until.zh}消除，不在诉讼时效期间（至{end.zh}）的最后{months}个月内，不发生中止",
                   f"{what.en}, ending on {until.en}, not within the last {months} months of the period (which ran "
                   f"to {end.en}); no suspension")
    return Say(f"{what.zh}，至{until.zh}消除，在诉讼时效期间的最后{months}个月内，诉讼时效中止，"
               f"自中止时效的原因消除之日起满{months}个月，至{end.zh}届满",
               f"{what.en}, ending on {until.en}, within the last {months} months of the period: the period was "
               f"suspended and expires {months} months after the obstacle ended, on {end.en}")


@predicate("limitation_suspended")
def p_limitation_suspended(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法典 第一百九十四条: 在诉讼时效期间的最后六个月内，因下列障碍，不能行使请求权的，诉讼时效
    中止……自中止时效的原因消除之日起满六个月，诉讼时效期间届满."""
    lim = limitation(ctx)
    shown = [e for e in lim.effects if e.event.kind == SUSPENSION]
    if not shown:
        return NOT_APPLICABLE
    months = int(ctx.param("suspension_months"))
    return yes(join(_suspension_say(e, months) for e in shown))


def _late_say(e: Effect) -> Say:
    what, end = _event_say(e.event), day(e.end)
    if e.what == "waiver":
        return Say(f"{what.zh}，发生在诉讼时效期间届满（{end.zh}）之后：诉讼时效期间届满后义务人同意履行的，"
                   "不得以诉讼时效期间届满为由抗辩，供电企业已不能主张时效抗辩",
                   f"{what.en}, after the limitation period expired ({end.en}): an obligor who agrees to perform "
                   "after expiry may not plead that the period has expired, so the utility has lost the defence")
    if e.what == "late_ack":
        return Say(f"{what.zh}，发生在诉讼时效期间届满（{end.zh}）之后，不能中断时效；承认债务是否构成同意履行、"
                   "从而丧失时效抗辩，须人工核查",
                   f"{what.en}, after the limitation period expired ({end.en}), which cannot interrupt it; whether "
                   "the acknowledgement amounts to an agreement to perform, losing the defence, must be checked by hand")
    if e.event.kind == "interruption":
        return Say(f"{what.zh}发生在诉讼时效期间届满（{end.zh}）之后，不能中断时效；若系供电企业同意履行，则不得再以时效"
                   "抗辩，须人工核查",
                   f"{what.en} came after the limitation period expired ({end.en}) and cannot interrupt it; if the "
                   "utility then agreed to perform, it can no longer plead limitation, which must be checked by hand")
    return Say(f"{what.zh}，发生在诉讼时效期间届满（{end.zh}）之后，不能使已届满的诉讼时效中断",
               f"{what.en}, after the limitation period expired ({end.en}), which cannot interrupt an expired period")


@predicate("limitation_late_interruption")
def p_limitation_late_interruption(ctx: Ctx, rule: Rule) -> Verdict:
    """中华人民共和国民法典 第一百九十二条第二款: agreeing to perform after expiry waives the defence — whenever
    the agreement was made, before or after the claim."""
    lim = limitation(ctx)
    shown = [e for e in lim.effects if e.what in ("late", "late_ack", "waiver")]
    if not shown:
        return NOT_APPLICABLE
    said = join(_late_say(e) for e in shown)
    report = ctx.report_date
    if lim.waiver is not None and report is not None and report > lim.end:
        start, end, rp = day(lim.start), day(lim.end), day(report)
        said = Say(f"诉讼时效自{start.zh}起算{lim.years}年，至{end.zh}届满，请求人{rp.zh}才提出请求；{said.zh}",
                   f"the {lim.years}-year limitation period ran from {start.en} and expired on {end.en}, and the "
                   f"claimant claimed only on {rp.en}; {said.en}")
    risky = lim.waiver is not None or any(e.what == "late_ack" or e.event.kind == "interruption" for e in shown)
    return yes(said, flags=("litigation_risk",) if risky else ())


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
    """中华人民共和国民法典 第二百零一条、第二百零二条、第二百零三条 — the counting of each period that bears on the
    claim, shown day by day: one whose last day is close to the day of the claim (the counting decides)."""
    periods: list[Period] = ctx.cache.get("periods", [])
    report = ctx.report_date
    if report is None:
        return NOT_APPLICABLE
    bearing = [p for p in periods if p.decisive and p.counting.last <= report <= p.counting.end + timedelta(days=1)]
    if not bearing:
        return NOT_APPLICABLE
    return yes(join(_counting_say(ctx.cal, p) for p in bearing))
