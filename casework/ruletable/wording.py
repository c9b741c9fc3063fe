"""The rule table in words: what each parameter is, its value as a person reads it, where a provision's text
was copied from. The pages show these, never a parameter's name, a unit code or a mirror path.

Parameter names are the engine's; their words live here until a shared catalogue (domain/rules/words.py)
takes them over. A parameter this module does not know is shown by its citation, never by its name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.domain.rules.model import Parameter
from casework.ruletable.store import TableError
from casework.ui.filters import day, language

#: What each parameter is, in the trade's words.
TITLE = {
    "ha_full_price_months": _l("全额赔偿的购买期限"),
    "ha_life_years": _l("各类家用电器的平均使用年限"),
    "ha_floor_rate": _l("最低赔偿比例（占原价）"),
    "ha_age_unit": _l("折旧的计算单位"),
    "ha_no_invoice_price_basis": _l("无购货发票时的价格依据"),
    "ha_repair_cap": _l("修复费用的上限（本单位政策，非法律规定）"),
    "ha_report_days": _l("居民用户投诉索赔期限"),
    "ha_investigation_hours": _l("供电企业赴现场调查时限"),
    "accident_multiplier_two_part": _l("事故停电赔偿倍数（两部制电价）"),
    "accident_multiplier_single_part": _l("事故停电赔偿倍数（单一制及其他电价）"),
    "accident_min_hours": _l("停电时间的最少计算时长"),
    "accident_price_base": _l("事故停电赔偿的电价基数"),
    "quality_comp_rate": _l("电压、频率不合格的赔偿比例"),
    "notice_planned_hours": _l("计划检修停电的提前通知时间"),
    "notice_temporary_hours": _l("临时检修停电的提前通知时间"),
    "limitation_years": _l("诉讼时效期间"),
    "longstop_years": _l("最长权利保护期间"),
    "gpcl_limitation_years": _l("民法通则规定的诉讼时效期间"),
    "gpcl_cutover_date": _l("民法总则施行日"),
    "hv_threshold_kv": _l("高压与低压的电压分界"),
    "restore_period": _l("原因消除后恢复供电的期限"),
    "zone_half_width_m": _l("架空电力线路保护区（导线边线向外延伸距离）"),
    "temp_land_use_max_years": _l("临时用地的最长期限"),
    "voltage_tol_220v_plus": _l("220伏单相供电电压的允许正偏差"),
    "voltage_tol_220v_minus": _l("220伏单相供电电压的允许负偏差"),
    "voltage_tol_three_phase": _l("三相供电电压的允许偏差"),
    "voltage_tol_35kv_sum": _l("35千伏以上供电电压正、负偏差绝对值之和的限度"),
    "voltage_tol_abnormal": _l("电力系统非正常状况下的电压最大允许偏差"),
    "voltage_single_phase_v": _l("单相供电的额定电压"),
    "voltage_three_phase_max_kv": _l("适用±7%允许偏差的最高三相供电电压"),
    "voltage_sum_min_kv": _l("适用偏差绝对值之和限度的最低供电电压"),
    "frequency_nominal_hz": _l("电网额定频率"),
    "frequency_tol_large_grid": _l("装机容量300万千瓦以上电网的频率允许偏差"),
    "frequency_tol_small_grid": _l("装机容量不足300万千瓦电网的频率允许偏差"),
    "frequency_tol_abnormal": _l("电力系统非正常状况下的频率允许偏差"),
    "restore_limit": _l("原因消除后恢复供电的期限"),
}

UNIT = {
    "month": _l("个月"), "year": _l("年"), "day": _l("日"), "hour": _l("小时"), "times": _l("倍"),
    "kV": _l("千伏"), "metre": _l("米"), "hertz": _l("赫兹"), "volt": _l("伏"),
}

#: Keys and codes inside structured values.
WORD = {
    "electronic": _l("电子类"), "motor": _l("电机类"), "resistive_heating": _l("电阻电热类"),
    "light_source": _l("电光源类"), "general": _l("一般建设项目"),
    "energy_infrastructure": _l("能源、交通、水利等基础设施"), "min_kv": _l("最低电压（千伏）"),
    "max_kv": _l("最高电压（千伏）"), "metres": _l("距离（米）"),
}
#: Values that are codes, per parameter.
CHOICES: dict[str, list[tuple[str, Any]]] = {
    "ha_age_unit": [("month", _l("按已满月数计算")), ("year", _l("按已满年数计算"))],
    "ha_repair_cap": [("irreparable_value", _l("以该电器不可修复时可得的赔偿额为限")), ("original_price", _l("以原价为限")),
                      ("none", _l("不设上限"))],
}


def title(param: Parameter) -> str:
    """The parameter in words; an unknown one by what it rests on, never by its name."""
    known = TITLE.get(param.name)
    if known is not None:
        return str(known)
    return _("依据%(source)s的参数", source=param.source.label()) if param.source else _("未命名的参数")


def _unit(param: Parameter) -> str:
    return str(UNIT.get(param.unit or "", ""))


def _word(key: str) -> str:
    return str(WORD.get(key, key))


def value_words(param: Parameter) -> str:
    """The value as a person reads it: 10%, 7日, 电子类10年；电机类12年, 2017年10月1日, 按已满月数计算."""
    value, unit = param.value, _unit(param)
    gap, sep = (" ", "; ") if language() == "en" else ("", "；")
    for code, words in CHOICES.get(param.name, []):
        if value == code:
            return str(words)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if param.unit == "ratio":
        return f"{float(value) * 100:g}%"
    if isinstance(value, dict):
        return sep.join(f"{_word(k)}{gap}{v}{gap}{unit}".strip() for k, v in value.items())
    if isinstance(value, list):
        return sep.join(_zone(item, unit, gap) if isinstance(item, dict) else str(item) for item in value)
    if is_date(value):
        return day(date.fromisoformat(value))
    return f"{value}{gap}{unit}".strip()


def _zone(item: dict[str, Any], unit: str, gap: str) -> str:
    if set(item) == {"min_kv", "max_kv", "metres"}:
        return f"{item['min_kv']}—{item['max_kv']}{gap}{_('千伏')}: {item['metres']}{gap}{unit}".replace(
            ": ", "：" if not gap else ": ")
    return ", ".join(f"{_word(k)} {v}" for k, v in item.items())


def is_date(text: Any) -> bool:
    """An ISO date string (a parameter such as 民法总则施行日), to be shown as 2017年10月1日."""
    if not isinstance(text, str) or len(text) != 10:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Part:
    """One input of a structured parameter's edit form: its form field name, label and current value."""

    field: str
    label: str
    value: str


def parts(param: Parameter) -> list[Part]:
    """A structure is edited one labelled box per number (never as JSON); a scalar has no parts."""
    value = param.value
    if isinstance(value, dict):
        return [Part(f"part-{k}", _word(k), str(v)) for k, v in value.items()]
    if isinstance(value, list) and all(isinstance(i, dict) for i in value):
        return [Part(f"part-{n}-{k}", f"{n + 1}. {_word(k)}", str(v))
                for n, item in enumerate(value) for k, v in item.items()]
    return []


def compose(old: Any, form: dict[str, str]) -> str:
    """The edited structure, as the text `store.set_parameter` reads, each number in its old type."""
    def typed(was: Any, field: str) -> Any:
        text = (form.get(field) or "").strip()
        try:
            if isinstance(was, bool):  # bool("false") is True
                return {"true": True, "false": False}[text.lower()]
            return int(text) if isinstance(was, int) else type(was)(text)
        except (KeyError, ValueError) as exc:
            raise TableError("bad_value") from exc

    if isinstance(old, dict):
        new: Any = {k: typed(v, f"part-{k}") for k, v in old.items()}
    else:
        new = [{k: typed(v, f"part-{n}-{k}") for k, v in item.items()} for n, item in enumerate(old)]
    return json.dumps(new, ensure_ascii=False)


def source_words(source: str) -> str:
    """Where a provision's text was copied from, for a legal officer."""
    if source.startswith("LawRefBook/Laws@"):
        path = source.split(":", 1)[-1].removesuffix(".md")
        folder, _slash, name = path.rpartition("/")
        name = ("民法典" + name) if folder == "民法典" else name
        # the file's date is the text's date: 电力法(2018-12-29) → 电力法（2018年12月29日文本）
        dated = re.sub(r"\((\d{4}-\d{2}-\d{2})\)$",
                       lambda m: _("（%(day)s文本）", day=day(date.fromisoformat(m.group(1)))), name)
        return _("LawRefBook 法律法规文本库：%(name)s", name=dated)
    if source.startswith("REFERENCE.md"):
        section = source.removeprefix("REFERENCE.md").strip().split(" ", 1)[0].lstrip("§")
        return _("规则表编制所据的法规研究资料，第%(section)s节", section=section)
    return _("规则表所引片段")
