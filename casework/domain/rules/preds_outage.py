"""Outages the utility makes or prolongs: stopping supply without the procedure, late restoration.

供电营业规则 2024 第七十条 / 1996 第六十七条 (and 电力供应与使用条例 第三十九条): supply may be stopped for arrears
or 违约用电 only after a stop notice delivered three to seven days before, the time repeated thirty minutes
before (and, in 1996, the unit head's approval); 2024 第七十二条 / 1996 第六十九条: once the cause is removed,
supply is restored within twenty-four hours / three days. Both are read only when their optional facts are given.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from casework.domain.rules.context import NOT_APPLICABLE, Ctx, Verdict, missing, no, yes
from casework.domain.rules.model import Rule
from casework.domain.rules.preds_common import arg_detail, zh_num
from casework.domain.rules.registry import predicate
from casework.domain.rules.words import Say, day

STOP_CAUSE = "disconnection_arrears_or_violation"
_HOURS_PER_DAY = Decimal(24)


class Late(NamedTuple):
    """Whether supply came back after the restoration period (None: cannot tell), in words, and what is missing."""

    late: bool | None
    said: Say
    gaps: tuple[str, ...] = ()


def _limit(ctx: Ctx) -> tuple[Decimal, str]:
    row = ctx.rules.params.get("restore_limit") or ctx.table.parameter("restore_limit", ctx.event_date)
    return Decimal(str(ctx.param("restore_limit"))), str(row[0].unit)


def restoration(ctx: Ctx) -> Late | None:
    """None when no restoration fact is given (the case is read as before); else the comparison with the period.

    The period runs from the removal of the cause: in hours for 2024 ("二十四小时内" includes the 24th hour,
    2024 第一百零九条), in days for 1996 (the day of removal is not counted, so day 3 is the last).
    """
    hours: Decimal | None = ctx.fact("restoration_delay_hours", "qty")
    removed: date | None = ctx.fact("cause_removed_date", "date")
    restored: date | None = ctx.fact("restored_date", "date")
    if hours is None and removed is None and restored is None:
        return None
    limit, unit = _limit(ctx)
    dates = removed is not None and restored is not None
    if unit == "hour":
        period = Say(f"{zh_num(limit)}小时", f"{zh_num(limit)} hours")
        if hours is not None:
            return _by_hours(hours, limit, period)
        if dates:
            assert removed is not None and restored is not None
            gap = (restored - removed).days
            if gap <= 0:
                return Late(False, Say(f"原因于{day(removed).zh}消除，当日即恢复供电，未超过{period.zh}",
                                       f"the cause was removed on {day(removed).en} and supply came back the same "
                                       f"day, within {period.en}"))
            if gap >= 2:
                return Late(True, Say(f"原因于{day(removed).zh}消除，至{day(restored).zh}才恢复供电，超过{period.zh}",
                                      f"the cause was removed on {day(removed).en} and supply came back only on "
                                      f"{day(restored).en}, after more than {period.en}"))
        return Late(None, Say("", ""), ("facts.restoration_delay_hours",))
    period = Say(f"{zh_num(limit)}日", f"{zh_num(limit)} days")
    if dates:
        assert removed is not None and restored is not None
        last = removed + timedelta(days=int(limit))
        late = restored > last
        return Late(late, Say(
            f"原因于{day(removed).zh}消除，{period.zh}期限自次日起算，至{day(last).zh}届满；{day(restored).zh}恢复供电，"
            + ("已逾期" if late else "未逾期"),
            f"the cause was removed on {day(removed).en}; the {period.en} run from the next day and end on "
            f"{day(last).en}; supply came back on {day(restored).en}, " + ("too late" if late else "in time")))
    if hours is not None:
        if hours <= limit * _HOURS_PER_DAY:
            return _by_hours(hours, limit * _HOURS_PER_DAY, period)
        if hours > (limit + 1) * _HOURS_PER_DAY:
            return _by_hours(hours, (limit + 1) * _HOURS_PER_DAY, period)
    return Late(None, Say("", ""), ("facts.cause_removed_date", "facts.restored_date"))


def _by_hours(hours: Decimal, limit_hours: Decimal, period: Say) -> Late:
    late = hours > limit_hours
    if late:
        return Late(True, Say(f"原因消除后{zh_num(hours)}小时才恢复供电，超过{period.zh}的恢复期限",
                              f"supply came back {zh_num(hours)} hours after the cause was removed, beyond the "
                              f"{period.en} allowed"))
    return Late(False, Say(f"原因消除后{zh_num(hours)}小时恢复供电，未超过{period.zh}的恢复期限",
                           f"supply came back {zh_num(hours)} hours after the cause was removed, within the "
                           f"{period.en} allowed"))


def late_restoration(ctx: Ctx) -> bool:
    """True only when the facts show supply came back after the period (a zero rule then yields to the delay)."""
    found = restoration(ctx)
    return found is not None and found.late is True


@predicate("restoration_late")
def p_restoration_late(ctx: Ctx, rule: Rule) -> Verdict:
    """供电营业规则 2024 第七十二条 / 1996 第六十九条 with 电力法 第五十九条第一款: late restoration is a breach.

    2024 adds that where supply cannot come back within 24 hours the utility must explain why; the duty to explain
    does not, on the article's words, excuse the delay.
    """
    found = restoration(ctx)
    if found is None:
        return NOT_APPLICABLE
    if found.late is None:
        return missing(*found.gaps)
    if not found.late:
        return no(found.said)
    return yes(Say(f"{found.said.zh}，对逾期期间造成的损失承担赔偿责任",
                   f"{found.said.en}, so the utility is liable for the loss in the time beyond it"))


@predicate("outage_zero_unless_late")
def p_outage_zero_unless_late(ctx: Ctx, rule: Rule) -> Verdict:
    """A fact takes one of the listed values (args: fact, values, detail) — unless supply came back late, when the
    delay is a breach of its own (供电营业规则 2024 第七十二条 / 1996 第六十九条)."""
    key = rule.args["fact"]
    value = ctx.fact(key)
    if value is None:
        return missing(f"facts.{key}")
    if value not in rule.args["values"]:
        return NOT_APPLICABLE
    if late_restoration(ctx):
        return no(Say("停电本身虽不予赔偿，但原因消除后逾期恢复供电，逾期部分另依恢复供电的规定处理",
                      "the outage itself is not compensated, but supply came back late after the cause was removed, "
                      "and the delay is judged under the rule on restoring supply"))
    return yes(arg_detail(rule))


@predicate("stop_without_procedure")
def p_stop_without_procedure(ctx: Ctx, rule: Rule) -> Verdict:
    """供电营业规则 2024 第七十条 / 1996 第六十七条; 电力法 第二十九条、第五十九条第二款; 民法典 第六百五十二条.

    A stop for arrears or 违约用电 without the notice delivered 3–7 days before ("三至七日内" includes both ends,
    2024 第一百零九条), without the reminder 30 minutes before, or (1996) without the unit head's approval, is an
    interruption without the required notice: the proven loss is owed, with no multiplier.
    """
    cause = ctx.fact("outage_cause")
    if cause is None:
        return missing("facts.outage_cause")
    if cause != STOP_CAUSE:
        return NOT_APPLICABLE
    if not ctx.has_fact("stop_notice_date"):
        return missing("facts.stop_notice_date")
    notice: date | None = ctx.fact("stop_notice_date", "date")
    reminder = ctx.fact("stop_reminder_given", "bool")
    needs_approval = bool(rule.args.get("approval"))
    approved = ctx.fact("stop_approved", "bool") if needs_approval else True
    lo, hi = int(rule.args["notice_min_days"]), int(rule.args["notice_max_days"])
    faults: list[Say] = []
    if notice is None:
        faults.append(Say("停电通知书未送达用户", "no stop notice reached the customer"))
    else:
        ahead = (ctx.event_date - notice).days
        if not lo <= ahead <= hi:
            faults.append(Say(f"停电通知书于{day(notice).zh}送达，为停电前{ahead}日，不在停电前{lo}至{hi}日内",
                              f"the stop notice reached the customer on {day(notice).en}, {ahead} days before the "
                              f"stop, not within {lo} to {hi} days before it"))
    if reminder is False:
        faults.append(Say("停电前三十分钟未再次通知停电时间", "the stop time was not repeated thirty minutes before"))
    if approved is False:
        faults.append(Say("停电未报经本单位负责人批准", "the stop was not approved by the head of the unit"))
    if faults:
        said = Say("；".join(f.zh for f in faults), "; ".join(f.en for f in faults))
        return yes(Say(f"因欠费或违约用电停止供电，但{said.zh}，未按规定程序停电，按中断供电未事先通知处理",
                       f"supply was stopped for arrears or a breach of the terms of use, but {said.en}; the procedure "
                       "was not followed, so this is an interruption without the required notice"))
    gaps = [p for p, v in (("facts.stop_reminder_given", reminder), ("facts.stop_approved", approved)) if v is None]
    if gaps:
        return missing(*gaps)
    assert notice is not None
    return no(Say(f"停电通知书于{day(notice).zh}（停电前{(ctx.event_date - notice).days}日）送达，停电前三十分钟再次通知"
                  + ("，并经本单位负责人批准" if needs_approval else "")
                  + "，已按规定程序停电；停电事由本身（如欠费逾期超过三十日经催交仍未交付）是否成立须另行核实",
                  f"the stop notice reached the customer on {day(notice).en} "
                  f"({(ctx.event_date - notice).days} days before), the time was repeated thirty minutes before"
                  + (" and the head of the unit approved" if needs_approval else "")
                  + ", so the procedure was followed; whether the ground itself holds (such as arrears more than "
                  "thirty days overdue after a demand to pay) is to be checked separately"))


def temporary_notice_regime(ctx: Ctx) -> Say:
    """Which 24-hour rule applied to temporary maintenance (issue 15, defect 11).

    电力供应与使用条例 第二十八条（二）: 提前24小时通知重要用户; 供电监管办法 第十三条（二）: 提前24小时公告;
    供电营业规则 2024 第七十一条（二）: 提前二十四小时通知重要用户或公告.
    """
    important = ctx.fact("important_user", "bool")
    new_rules = ctx.rules.versions.get("供电营业规则", ("", None))[0] == "2024"  # 第七十一条（二）: 或公告
    either = "单独通知或者公告均可" if new_rules else "应当单独通知，同时应公告停电区域、线路和时间"
    either_en = ("either an individual notice or an announcement will do" if new_rules
                 else "it must be notified individually, and the area, line and time must also be announced")
    if important is True:
        return Say(f"用户为重要用户：临时检修须提前24小时通知重要用户，{either}",
                   f"the customer is an important user: temporary maintenance must be notified 24 hours ahead to "
                   f"important users, and {either_en}")
    if important is False:
        return Say("用户不是重要用户：个别通知的要求只针对重要用户，对其他用户以提前24小时公告停电区域、线路和时间为准",
                   "the customer is not an important user: the individual notice is owed only to important users, "
                   "and for other users the announcement of the area, line and time 24 hours ahead counts")
    return Say("未载明用户是否为重要用户：无论是否重要用户，均须提前24小时通知或公告",
               "the case does not say whether the customer is an important user: either way, 24 hours' notice or "
               "announcement is required")
