"""The engine's vocabulary for people: every step is a (Chinese, English) pair, and no code reaches the text.

Pure data and pure functions (no Flask), so the explanation, its English twin and the findings are built
from one source. Codes (enum values, rule ids, parameter names, JSON paths) map to words here; a test
checks that every code of the bundled rule table has its words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from casework.domain.contract import DATE_CACHE_SIZE, FACT_FIELDS, TOP_FIELDS, FieldSpec
from casework.domain.money import format_money, format_number


class Say(NamedTuple):
    """One sentence in both languages; built together so the two never drift apart."""

    zh: str
    en: str


EMPTY = Say("", "")


def join(parts: Iterable[Say], zh_sep: str = "；", en_sep: str = "; ") -> Say:
    """Joins pairs language by language."""
    items = [p for p in parts if p.zh]
    return Say(zh_sep.join(p.zh for p in items), en_sep.join(p.en for p in items))


# -- dates, money, numbers ----------------------------------------------------------------
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


@lru_cache(maxsize=DATE_CACHE_SIZE)
def zh_date(day: date) -> str:
    """2025年7月17日."""
    return f"{day.year}年{day.month}月{day.day}日"


@lru_cache(maxsize=DATE_CACHE_SIZE)
def en_date(day: date) -> str:
    """17 July 2025."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


@lru_cache(maxsize=DATE_CACHE_SIZE)
def day(d: date) -> Say:
    """A date in both languages."""
    return Say(zh_date(d), en_date(d))


def days(ds: Iterable[date]) -> Say:
    """Several dates: 2025年1月2日、2025年3月4日 / 2 January 2025, 4 March 2025."""
    items = list(ds)
    return Say("、".join(zh_date(d) for d in items), ", ".join(en_date(d) for d in items))


def money(amount: Decimal) -> Say:
    """4800.00元 / CNY 4,800.00."""
    text = format_money(amount)
    return Say(f"{text}元", f"CNY {_grouped(text)}")


def _grouped(text: str) -> str:
    whole, _, cents = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ",".join(groups) + (f".{cents}" if cents else "")


def num(value: Decimal) -> str:
    """A quantity without needless zeros (the same in both languages)."""
    return format_number(value)


# -- codes of the contract ------------------------------------------------------------------
CATEGORY: dict[str, Say] = {
    "appliance": Say("居民用户家用电器损坏", "damage to a residential customer's household appliances"),
    "outage": Say("停电损失", "loss from a power outage"),
    "power_quality": Say("电压、频率质量损失", "loss from voltage or frequency quality"),
    "crop": Say("青苗补偿", "compensation for growing crops"),
    "trees": Say("林木砍伐、修剪", "felling or pruning of trees"),
    "land_tower": Say("杆塔、线路占地", "land occupied by towers or lines"),
    "injury": Say("人身损害（含触电）", "personal injury (including electric shock)"),
    "service_dispute": Say("其他服务纠纷", "other service dispute"),
}
CAUSE: dict[str, Say] = {
    "utility_fault": Say("供电企业责任", "the utility's fault"),
    "force_majeure": Say("不可抗力", "force majeure"),
    "third_party": Say("第三人原因", "a third party"),
    "victim_fault": Say("受害人过错", "the victim's fault"),
    "victim_intent": Say("受害人故意", "the victim's intent"),
    "product_quality": Say("产品质量问题", "a product quality defect"),
    "unknown": Say("原因不明", "an unknown cause"),
}
OWNER: dict[str, Say] = {
    "utility": Say("供电企业", "the utility"), "customer": Say("用户", "the customer"),
    "third_party": Say("第三方", "a third party"), "village_collective": Say("村集体", "the village collective"),
}
FAULT: dict[str, Say] = {
    "phase_neutral_swapped": Say("相线与零线接错或三相相序接反",
                                 "phase and neutral wired the wrong way round, or the three-phase sequence reversed"),
    "neutral_broken": Say("零线断线", "a broken neutral conductor"),
    "phase_neutral_contact": Say("相线与零线互碰", "phase and neutral conductors touching"),
    "hv_onto_lv": Say("高压线路导线掉落或放电到220/380伏线路",
                      "a high-voltage conductor falling or discharging onto a 220/380 V line"),
    "other": Say("其他故障", "another fault"),
}
APPLIANCE_CLASS: dict[str, Say] = {
    "electronic": Say("电子类", "electronic"), "motor": Say("电机类", "motor-driven"),
    "resistive_heating": Say("电阻电热类", "resistive heating"), "light_source": Say("电光源类", "light source"),
}
OUTAGE_CAUSE: dict[str, Say] = {
    "utility_accident": Say("供电企业电力运行事故", "an accident in the utility's power operation"),
    "planned_maintenance": Say("计划检修", "planned maintenance"),
    "temporary_maintenance": Say("临时检修", "temporary maintenance"),
    "grid_fault_or_rationing": Say("电网故障或限电", "a grid fault or rationing"),
    "natural_disaster": Say("自然灾害", "a natural disaster"),
    "customer_fault": Say("用户责任", "the customer's fault"),
    "disconnection_arrears_or_violation": Say("因欠费或违约用电停止供电",
                                              "supply stopped for arrears or a breach of the terms of use"),
}
CONDUCT: dict[str, Say] = {
    "none": Say("无过错", "no fault"), "gross_negligence": Say("重大过失", "gross negligence"),
    "intent": Say("故意", "intent"), "unauthorised_entry": Say("未经许可进入高度危险区域",
                                                              "entering a high-danger area without permission"),
}


def word(table: Mapping[str, Say], code: object) -> Say:
    """The words of a code; an unknown code reads as "another" rather than leaking."""
    found = table.get(str(code))
    return found if found is not None else Say("其他", "other")


# -- instruments and articles ---------------------------------------------------------------
INSTRUMENT_EN: dict[str, str] = {
    "中华人民共和国民法典": "Civil Code of the PRC",
    "中华人民共和国电力法": "Electric Power Law of the PRC",
    "中华人民共和国土地管理法": "Land Administration Law of the PRC",
    "中华人民共和国土地管理法实施条例": "Regulations for the Implementation of the Land Administration Law",
    "居民用户家用电器损坏处理办法": "Measures for Handling Damage to Residential Customers' Household Appliances",
    "供电营业规则": "Rules for Power Supply Business",
    "电力供应与使用条例": "Regulations on Electricity Supply and Use",
    "电力设施保护条例": "Regulations on the Protection of Electric Power Facilities",
    "电力设施保护条例实施细则": "Implementing Rules of the Regulations on the Protection of Electric Power Facilities",
    "供电监管办法": "Measures for the Supervision of Power Supply",
    "最高人民法院关于适用《民法总则》诉讼时效制度若干问题的解释":
        "SPC Interpretation on the Limitation Rules of the General Provisions of the Civil Law",
    "最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释":
        "SPC Interpretation on Compensation for Personal Injury",
    "最高人民法院关于审理触电人身损害赔偿案件若干问题的解释":
        "SPC Interpretation on Compensation for Electric Shock Injury (repealed)",
    "河南省供用电条例": "Henan Province Regulations on Power Supply and Use",
    "浙江省电网设施建设保护和供用电秩序维护条例":
        "Zhejiang Province Regulations on the Construction and Protection of Grid Facilities and the Order of Power "
        "Supply and Use",
    "上海市供用电条例": "Shanghai Municipality Regulations on Power Supply and Use",
    "济南市电力管理条例": "Jinan Municipality Regulations on Electric Power Administration",
}
_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_PART = re.compile(r"第([零一二两三四五六七八九十百千]+)(条|款|项)")


def cn_number(text: str) -> int:
    """一千二百四十 → 1240; 十六 → 16; 二百零一 → 201."""
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
    return total + digit


@lru_cache(maxsize=512)
def article_en(article: str) -> str:
    """第一百八十八条第二款 → Art. 188(2); 第十六条第四项 → Art. 16, item 4."""
    out = ""
    for numeral, kind in _PART.findall(article):
        n = cn_number(numeral)
        out += f"Art. {n}" if kind == "条" else (f"({n})" if kind == "款" else f", item {n}")
    return out or article


def citation(instrument: str, version: str | None, articles: list[str]) -> Say:
    """《供电营业规则》（2024年版）第九十七条 / Rules for Power Supply Business (2024), Art. 97."""
    ver_zh = f"（{version}年版）" if version else ""
    ver_en = f" ({version})" if version else ""
    name_en = INSTRUMENT_EN.get(instrument, instrument)
    arts_en = ", ".join(article_en(a) for a in articles if a)
    return Say(f"《{instrument}》{ver_zh}{'、'.join(articles)}", f"{name_en}{ver_en}{', ' if arts_en else ''}{arts_en}")


# -- rule titles ----------------------------------------------------------------------------
#: English titles of the bundled rules, by id (a variant shares its rule's title unless listed as id#variant).
RULE_TITLE_EN: dict[str, str] = {
    "ha_exemptions": "Exemptions for appliance damage",
    "ha_scope": "Scope of the Appliance Measures",
    "ha_repair": "Repair of repairable appliances",
    "ha_irreparable_new": "Full price within six months",
    "ha_irreparable_depreciated": "Depreciated value after six months",
    "ha_floor_10pct": "Ten per cent of the original price",
    "ha_life_classes": "Average service life of each class of appliance",
    "ha_foreign_ccy": "Conversion of a purchase in foreign currency",
    "ha_register_evidence": "Joint registration of evidence",
    "ha_no_invoice": "Proof of price without a purchase invoice",
    "ha_title_transfer": "Damaged appliances pass to the utility once paid",
    "ha_dispute": "Mediation when no agreement is reached",
    "ha_third_party_assist": "Assistance in claiming against a third party",
    "supply_area_boundary": "Power supply business area",
    "employer_scope#off_duty": "Acts of an employee outside a work task",
    "employer_scope#on_duty": "Employer's liability for an employee's work task",
    "force_majeure_civil": "Force majeure",
    "victim_intent": "Victim's intent",
    "third_party_tort": "Harm caused by a third party",
    "third_party_tort#other_user": "Liability of the customer who caused the poor voltage (recourse)",
    "fault_liability_property": "Fault liability for property damage",
    "property_damage_measure": "Measure of property loss",
    "lim_not_applicable_injunctive": "No limitation period for a claim to remove an obstruction",
    "ha_report_7d": "Complaint and claim within seven days",
    "ha_investigate_24h": "On-site investigation within twenty-four hours",
    "lim_transition_gpcl": "Two-year limitation before the General Provisions of the Civil Law",
    "lim_interruption": "Interruption of the limitation period",
    "lim_waiver_after_expiry": "Agreement to perform after the limitation period expired",
    "lim_20y_longstop": "Twenty-year longest protection period",
    "lim_3y_general": "Three-year limitation period",
    "period_counting": "Counting of periods",
    "hv_exempt": "Exemptions for high-voltage harm",
    "hv_strict_liability": "Strict liability for high-voltage operations",
    "lv_fault_liability": "Fault liability for low-voltage electric shock",
    "hv_reduce_gross_neg": "Reduction for the victim's gross negligence",
    "hv_unauthorised_entry": "Entering a high-danger area without permission",
    "contrib_fault_tort": "Reduction for the victim's fault",
    "spc2001_repealed": "The electric-shock interpretation has been repealed",
    "pi_quantum": "Calculation of personal injury damages",
    "climb_tower_prohibited": "Climbing a tower without permission",
    "land_expropriation": "Land lawfully expropriated",
    "crop_damage_construction#construction": "One-time compensation for crops damaged by construction",
    "crop_damage_construction#maintenance": "Compensation for crops damaged by maintenance work",
    "crop_rate_local": "Local compensation standard",
    "crop_payee": "Crop compensation belongs to the owner of the crops",
    "temp_land_use": "Temporary use of land",
    "tower_land_one_time#recurring": "Only one-time compensation for tower land",
    "tower_land_one_time#paid": "One-time compensation already paid",
    "tower_land_one_time#later_acquirer": "Land right acquired after the tower was built",
    "tower_land_one_time#unpaid": "Unpaid one-time compensation",
    "trees_new_in_zone": "Trees planted after the protection zone was designated",
    "trees_clearance_cost": "Pruning costs borne by the owner of the trees",
    "trees_preexisting": "One-time compensation for trees existing before the protection zone",
    "zone_widths": "Width of the protection zone of overhead lines",
    "unlawful_structure_removal": "Compulsory felling of plants endangering safety in the protection zone",
    "liability_by_ownership": "Liability for accidents follows ownership",
    "boundary_2024": "Liability for accidents follows ownership",
    "boundary_place": "Property boundary point",
    "boundary_defaults_1996": "Boundary point where none is agreed (1996 Rules)",
    "accident_liability_general#user_fault": "Exemption from liability for a power accident: the customer's own fault",
    "accident_liability_general#no_clause": "Liability for a power operation accident",
    "customer_caused_outage": "Outage caused by the customer",
    "fault_outage_sequence": "Outages for faults or rationing follow the rationing order",
    "notice_planned_7d": "Seven days' notice of planned maintenance",
    "notice_temp_24h": "Twenty-four hours' notice of temporary maintenance",
    "accident_outage_1996": "Compensation for an outage from a power accident (1996 Rules)",
    "accident_outage_2024": "Compensation for an outage from a power accident (2024 Rules)",
    "no_notice_outage": "Interruption of supply without prior notice",
    "disaster_repair_duty": "Repair not made in time after a natural disaster",
    "restore_3d_1996": "Supply restored within three days after the cause is removed",
    "restore_24h_2024": "Supply restored within twenty-four hours after the cause is removed",
    "notice_2024": "Notice of outages (2024 Rules)",
    "contract_breach_general": "Scope of damages for breach of contract",
    "quality_breach": "Failure to ensure the quality of supply",
    "voltage_limits": "No voltage deviation limit when the power factor falls short",
    "voltage_20pct_1996": "Voltage quality clause (1996 Rules)",
    "frequency_20pct_1996": "Frequency quality clause (1996 Rules)",
    "quality_pct_2024#voltage": "Voltage quality clause (2024 Rules)",
    "quality_pct_2024#frequency": "Frequency quality clause (2024 Rules)",
    "tower_land_one_time#recurring_henan": "Only one-time compensation for tower land",
    "tower_land_one_time#paid_henan": "One-time compensation already paid",
    "tower_land_one_time#later_acquirer_henan": "Land right acquired after the tower was built",
    "tower_land_one_time#unpaid_henan": "Unpaid one-time compensation",
    "tower_land_one_time#recurring_zhejiang": "Only one-time compensation for tower land",
    "tower_land_one_time#paid_zhejiang": "One-time compensation already paid",
    "tower_land_one_time#later_acquirer_zhejiang": "Land right acquired after the tower was built",
    "tower_land_one_time#unpaid_zhejiang": "Unpaid one-time compensation",
    "tower_land_one_time#recurring_shanghai": "Only one-time compensation for tower land",
    "tower_land_one_time#paid_shanghai": "One-time compensation already paid",
    "tower_land_one_time#later_acquirer_shanghai": "Land right acquired after the tower was built",
    "tower_land_one_time#unpaid_shanghai": "Unpaid one-time compensation",
    "tower_land_one_time#recurring_jinan": "Only one-time compensation for tower land",
    "tower_land_one_time#paid_jinan": "One-time compensation already paid",
    "tower_land_one_time#later_acquirer_jinan": "Land right acquired after the tower was built",
    "tower_land_one_time#unpaid_jinan": "Unpaid one-time compensation",
    "quality_breach#other_user": "Poor voltage caused by another customer, with no quality clause in the contract",
    "third_party_tort#other_user_tort": "Counter-argument: the third party answers in tort",
    "voltage_limits#measured": "Measured voltage within the permitted deviation",
    "frequency_limits": "Measured frequency within the permitted deviation",
    "stop_supply_procedure": "Supply stopped without the required procedure",
    "restore_3d_1996#late": "Supply restored late after the cause was removed",
    "restore_24h_2024#late": "Supply restored late after the cause was removed",
}


def rule_title_en(rule_id: str, variant: str | None, title_zh: str) -> str:
    """The English title of a rule row; a row the list does not know keeps its Chinese title."""
    key = f"{rule_id}#{variant}" if variant else rule_id
    return RULE_TITLE_EN.get(key) or RULE_TITLE_EN.get(rule_id) or title_zh


# -- parameters -----------------------------------------------------------------------------
#: What each parameter of the rule table means, for the officer who must check it.
PARAMETER: dict[str, Say] = {
    "ha_full_price_months": Say("家用电器全额赔偿的期限", "period within which an appliance is paid at full price"),
    "ha_life_years": Say("各类家用电器的平均使用年限", "average service life of each class of appliance"),
    "ha_floor_rate": Say("超过使用年限的赔偿比例", "share of the price paid for an appliance past its service life"),
    "ha_age_unit": Say("计算电器已使用时间的单位", "unit in which an appliance's age is counted"),
    "ha_no_invoice_price_basis": Say("无购货发票时的价格依据", "basis of the price where there is no purchase invoice"),
    "ha_report_days": Say("家电损坏投诉索赔期限", "period for complaining and claiming for appliance damage"),
    "ha_investigation_hours": Say("现场调查期限", "period for the on-site investigation"),
    "accident_multiplier_two_part": Say("两部制电价用户的事故停电赔偿倍数",
                                        "multiple for accident outages, two-part tariff"),
    "accident_multiplier_single_part": Say("单一制电价用户的事故停电赔偿倍数",
                                           "multiple for accident outages, single-part tariff"),
    "accident_min_hours": Say("事故停电的最低计算时间", "minimum time counted for an accident outage"),
    "accident_price_base": Say("事故停电赔偿的电价依据", "price on which accident-outage compensation is based"),
    "quality_comp_rate": Say("供电质量违约的赔偿比例", "compensation rate for poor supply quality"),
    "notice_planned_hours": Say("计划检修停电的通知期限", "notice period for planned maintenance outages"),
    "notice_temporary_hours": Say("临时检修停电的通知期限", "notice period for temporary maintenance outages"),
    "limitation_years": Say("诉讼时效期间", "limitation period"),
    "longstop_years": Say("最长权利保护期间", "longest protection period"),
    "gpcl_limitation_years": Say("民法总则施行前的诉讼时效期间",
                                 "limitation period before the General Provisions of the Civil Law"),
    "gpcl_cutover_date": Say("民法总则施行日", "date the General Provisions of the Civil Law took effect"),
    "hv_threshold_kv": Say("高压的电压界限", "voltage from which a facility counts as high voltage"),
    "restore_period": Say("原因消除后恢复供电的期限", "period for restoring supply after the cause is removed"),
    "zone_half_width_m": Say("架空电力线路保护区的宽度", "width of the protection zone of overhead lines"),
    "temp_land_use_max_years": Say("临时用地的最长期限", "longest period of temporary land use"),
    "voltage_tol_220v_plus": Say("220伏单相供电电压的允许正偏差", "permitted upward deviation of 220 V single-phase supply"),
    "voltage_tol_220v_minus": Say("220伏单相供电电压的允许负偏差",
                                  "permitted downward deviation of 220 V single-phase supply"),
    "voltage_tol_three_phase": Say("三相供电电压的允许偏差", "permitted deviation of three-phase supply voltage"),
    "voltage_tol_35kv_sum": Say("35千伏以上供电电压正、负偏差绝对值之和的限度",
                                "limit on the sum of the absolute deviations at 35 kV and above"),
    "voltage_tol_abnormal": Say("电力系统非正常状况下的电压最大允许偏差",
                                "largest permitted voltage deviation in an abnormal system state"),
    "voltage_single_phase_v": Say("单相供电的额定电压", "rated voltage of single-phase supply"),
    "voltage_three_phase_max_kv": Say("适用±7%允许偏差的最高三相供电电压",
                                      "highest three-phase supply voltage with the ±7% deviation"),
    "voltage_sum_min_kv": Say("适用偏差绝对值之和限度的最低供电电压",
                              "lowest supply voltage with the limit on the sum of deviations"),
    "frequency_nominal_hz": Say("电网额定频率", "rated frequency of the grid"),
    "frequency_tol_large_grid": Say("装机容量300万千瓦以上电网的频率允许偏差",
                                    "permitted frequency deviation on grids of 3,000 MW or more"),
    "frequency_tol_small_grid": Say("装机容量不足300万千瓦电网的频率允许偏差",
                                    "permitted frequency deviation on grids under 3,000 MW"),
    "frequency_tol_abnormal": Say("电力系统非正常状况下的频率允许偏差",
                                  "permitted frequency deviation in an abnormal system state"),
    "restore_limit": Say("原因消除后恢复供电的期限", "period for restoring supply after the cause is removed"),
}
_UNIT: dict[str, Say] = {
    "month": Say("个月", " months"), "year": Say("年", " years"), "day": Say("日", " days"),
    "hour": Say("小时", " hours"), "times": Say("倍", " times"), "kV": Say("千伏", " kV"), "metre": Say("米", " m"),
    "hertz": Say("赫兹", " Hz"), "volt": Say("伏", " V"),
}
#: Chinese values stored in the rule table, and other data texts, in English.
TEXT_EN: dict[str, str] = {
    "购置日同型号商品的市场价格（替代已不存在的“国家定价”）":
        "the market price of the same model on the purchase date (in place of the former state price)",
    "电度电价（按国家规定的目录电价）": "the energy price (the state catalogue price)",
    "当期同类用户平均电量电价": "the current average energy price of the same class of customer",
    "三日": "three days",
    "二十四小时": "twenty-four hours",
    "month": "completed months",
}


def param_name(name: str) -> Say:
    """The words of a parameter; an unlisted one reads as "a parameter of the rule table"."""
    found = PARAMETER.get(name)
    return found if found is not None else Say("规则表中的一项参数", "a parameter of the rule table")


def param_value(value: Any, unit: str | None) -> Say:
    """A parameter's value in words: 7日, 10%, 电子类10年…"""
    if isinstance(value, bool):
        return Say("是", "yes") if value else Say("否", "no")
    if isinstance(value, Mapping):
        parts = []
        for key, item in value.items():
            label = APPLIANCE_CLASS.get(str(key)) or Say("", "")
            inner = param_value(item, unit)
            parts.append(Say(f"{label.zh}{inner.zh}", f"{label.en} {inner.en}".strip()))
        return join(parts, "，", ", ")
    if isinstance(value, list):
        return Say("按电压等级分列的数值", "values by voltage level")
    text = str(value)
    if unit == "ratio":
        pct = format_number(Decimal(text) * 100)
        return Say(f"{pct}%", f"{pct}%")
    if text == "month":
        return Say("已满月数", "completed months")
    if text in PARAMETER_CODE:
        return PARAMETER_CODE[text]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return day(date.fromisoformat(text))
    suffix = _UNIT.get(unit or "")
    if suffix is not None and re.fullmatch(r"[\d.]+", text):
        return Say(f"{text}{suffix.zh}", f"{text}{suffix.en}")
    return Say(text, TEXT_EN.get(text, text))


# -- facts ----------------------------------------------------------------------------------
_STEP = re.compile(r"^\[?(\w+)\]?(?:\[(\d+)\])?$")


@lru_cache(maxsize=1024)
def fact_label(category: str, path: str) -> Say:
    """'facts.appliances[0].purchase_date' → 损坏电器清单 第1项 购置日期 / the labels in English."""
    specs: Mapping[str, FieldSpec] | None = TOP_FIELDS
    zh: list[str] = []
    en: list[str] = []
    for part in path.split("."):
        match = _STEP.match(part)
        name, index = (match.group(1), match.group(2)) if match else (part, None)
        if name == "facts":
            specs = FACT_FIELDS.get(category, {})
            continue
        spec = (specs or {}).get(name)
        zh.append(spec.label_zh if spec else _unknown_zh(name))
        en.append(spec.label_en if spec else _unknown_en(name))
        if index is not None:
            zh.append(f"第{int(index) + 1}项")
            en.append(f"#{int(index) + 1}")
        specs = dict(spec.items) if spec and spec.items else None
    return Say(" ".join(zh), " ".join(en))


_EXTRA_FACTS = {"category": Say("案件类别", "category"), "event_date": Say("损害发生日", "date of the damage"),
                "currency": Say("币种", "currency"), "fx_rate": Say("购置日汇率", "exchange rate on the purchase date")}


def _unknown_zh(name: str) -> str:
    return _EXTRA_FACTS.get(name, Say("一项事实", "a fact")).zh


def _unknown_en(name: str) -> str:
    return _EXTRA_FACTS.get(name, Say("一项事实", "a fact")).en


def facts_list(category: str, paths: Iterable[str]) -> Say:
    """Several missing facts as words, joined."""
    labels = [fact_label(category, p) for p in paths]
    return Say("、".join(s.zh for s in labels), "; ".join(s.en for s in labels))


def en(text: str) -> str:
    """The English of a Chinese data text (a rule row's detail or redirect); unknown texts stay as they are."""
    return TEXT_EN.get(text, text)


def is_general(said: Say) -> bool:
    """A rule row's own text, the same for every claim (a note), rather than words about this claim's facts."""
    return said.zh in TEXT_EN


#: The rule table's own Chinese texts (a row's `args.detail`, its redirect, a rate table's name) in English.
TEXT_EN.update({
    "请求迁移杆塔、线路属于排除妨碍请求": "A claim to move a tower or line is a claim to remove an obstruction",
    "原触电人身损害赔偿司法解释已于2013年4月8日废止，其“在保护区内从事禁止行为即免责”等规定不再作为免责依据":
        "The former judicial interpretation on electric-shock injury was repealed on 8 April 2013; its rules such as "
        "\"no liability when the victim did a prohibited act in the protection zone\" are no longer a ground of exemption",
    "残疾赔偿金、死亡赔偿金按受诉法院所在地上一年度城镇居民人均可支配收入标准，按二十年计算；六十周岁以上的，年龄每增加一岁减少一年，七十五周岁以上的按五年计算":
        "Disability and death compensation are computed at the previous year's per-capita disposable income of urban "
        "residents where the court sits, for twenty years; from sixty years of age one year less for each year of age, "
        "and five years from seventy-five",
    "擅自攀登杆塔、在线路附近放风筝属电力设施保护条例第十四条禁止的行为，可作为受害人重大过失的证据":
        "Climbing a tower without permission or flying a kite near a line is prohibited by Article 14 of the Regulations "
        "on the Protection of Electric Power Facilities and may evidence the victim's gross negligence",
    "新建、改建或扩建电力设施作业损坏农作物，应给予一次性补偿":
        "Crops damaged by building, rebuilding or extending power facilities are compensated once",
    "供电设施维护作业损坏农作物，应负责修复或者给予合理的补偿":
        "Crops damaged by maintenance of supply facilities must be restored or reasonably compensated",
    "补偿费归青苗的所有权人（通常为承包经营者或实际耕作者），不归村集体":
        "The compensation belongs to the owner of the crops (usually the contractor or actual cultivator), "
        "not to the village collective",
    "临时用地须签订临时使用土地合同并支付临时使用土地补偿费，期限一般不超过二年（能源等基础设施不超过四年）":
        "Temporary land use requires a temporary land use contract and compensation; it normally lasts no more than "
        "two years (four for energy and similar infrastructure)",
    "分界点按供用电合同约定；没有约定或约定不明确的，以供电设施的产权分界处为履行地点，计量装置原则上装在产权分界处":
        "The boundary point is as the supply contract agrees; without a clear agreement, the property boundary of the "
        "supply facilities is the place of performance, and the meter is in principle installed there",
    "合同未约定分界点的，公用低压线路以接户线用户端最后支持物为分界点，支持物属供电企业；10千伏及以下以用户厂界外或配电室前第一断路器或第一支持物为分界点":
        "Where the contract fixes no boundary point, for public low-voltage lines it is the last support at the "
        "customer's end of the service line (the support belongs to the utility); at 10 kV and below it is the first "
        "breaker or first support outside the customer's premises or before the distribution room",
    "停电由用户责任造成，供电企业不承担赔偿责任；造成供电企业对外停电的，反由用户按少供电量乘以上月平均售电单价赔偿":
        "The outage was caused by the customer, so the utility is not liable; where it caused outages to others, the "
        "customer pays the energy not supplied times last month's average selling price",
    "发电、供电系统故障需要停电、限电的，无须事先通知，按事先确定的限电序位执行；对序位执行有异议的，可向电力管理部门投诉":
        "An outage or rationing needed for a generation or supply fault requires no prior notice and follows the "
        "rationing order fixed in advance; objections go to the power authority",
    "引起停电或限电的原因消除后，供电企业应在三日内恢复供电":
        "Once the cause of the outage or rationing is removed, the utility must restore supply within three days",
    "引起停电或限电的原因消除后，供电企业应在二十四小时内恢复供电，不能恢复的应向用户说明原因":
        "Once the cause of the outage or rationing is removed, the utility must restore supply within twenty-four "
        "hours, or explain to the customer why it cannot",
    "2024年规则同样要求计划检修提前七日、临时检修提前二十四小时通知或公告":
        "The 2024 Rules likewise require notice or announcement seven days before planned maintenance and "
        "twenty-four hours before temporary maintenance",
    "按实际损失赔偿，以订立合同时可以预见的损失为限（民法典第五百八十四条）；因未采取适当措施致使扩大的损失（第五百九十一条）和用户过错部分（第五百九十二条）应扣减":
        "Actual loss is compensated, up to what could be foreseen when the contract was made (Civil Code, Art. "
        "584); loss increased by a failure to take proper measures (Art. 591), and the customer's share of fault "
        "(Art. 592), are deducted",
    "损害地点所在供电营业区的供电企业": "the utility of the power supply business area where the damage occurred",
    "该员工本人（民法典第一千一百六十五条），可协商、报警或向人民法院起诉":
        "the employee personally (Civil Code, Art. 1165), by negotiation, a police report or a suit",
    "作出征收决定的县级以上地方人民政府（征地补偿安置程序）":
        "the local people's government at county level or above that decided the expropriation (land compensation "
        "and resettlement procedure)",
    "设施产权人即用户本人承担；用户可向为其安装、维护该设施的电工、物业或施工单位主张":
        "the owner of the facility, that is the customer; the customer may claim against the electrician, property "
        "manager or contractor who installed or maintains it",
    "该设施的产权人或管理人": "the owner or manager of the facility",
    "设施产权人村集体经济组织（村民委员会）":
        "the owner of the facility, the village collective economic organisation (villagers' committee)",
    "该设施的产权人": "the owner of the facility",
    "演示用虚构补偿标准表（FICTIONAL DEMO，数字为虚构，不得用于真实案件）":
        "fictional demonstration schedule of compensation standards (figures invented, never for real cases)",
    "经证明的实际损失": "the proven actual loss",
    "损失发生时的市场价格计算的实际损失": "the actual loss at market prices when the loss occurred",
    "核定的人身损害赔偿额": "the assessed personal injury damages",
    "按当地标准计算的一次性补偿额": "the one-time compensation at the local standard",
    "经证明的实际损失（法律未规定倍数）": "the proven actual loss (the law sets no multiple)",
    "因未及时抢修造成的经证明的损失": "the proven loss caused by the repair not made in time",
    "土地位于河南省：架空电力线路走廊（包括杆、塔基础）不实行征地，对杆、塔基础用地的土地承包经营权人或者建设用地使用权人给予一次性补偿":
        "the land lies in Henan Province: overhead line corridors (including tower and pole bases) are not "
        "expropriated, and the holder of the land contract right or construction land use right of the tower-base "
        "land is paid one-time compensation",
    "土地位于浙江省：不需要办理土地征收手续的杆（塔）基础、拉线基础用地，由电网设施建设单位给予权利人相应补偿":
        "the land lies in Zhejiang Province: for tower and stay foundations that need no expropriation, the grid "
        "builder pays the right-holders corresponding compensation",
    "土地位于上海市：架空电力线路（包括杆、塔基础）建设利用他人土地的，供电企业对相关土地权利人给予一次性经济补偿":
        "the land lies in Shanghai: where an overhead line (including tower and pole bases) uses others' land, the "
        "utility pays the land right-holders one-time economic compensation",
    "土地位于济南市：架空电力线路走廊和杆、塔基础不实行征地，电力企业对杆、塔基础用地的权利人依法给予补偿，具体办法和标准由市人民政府制定":
        "the land lies in Jinan: overhead line corridors and tower bases are not expropriated; the utility "
        "compensates the right-holders of the tower-base land according to law, by the method and standard the city "
        "government sets",
    "逾期恢复供电造成的经证明的损失": "the proven loss caused by restoring supply late",
})


#: Each outcome as the end of a sentence ("结论均为……"), for an explanation that compares branches.
OUTCOME: dict[str, Say] = {
    "liable": Say("供电企业应当赔偿", "the utility is liable"),
    "not_liable": Say("供电企业不承担赔偿责任", "the utility is not liable"),
    "reduced": Say("供电企业应当赔偿、但法院可酌情减轻", "the utility is liable, subject to a court's reduction"),
    "time_barred": Say("请求已超过期限", "the claim is out of time"),
    "outside_service_boundary": Say("不属于供电企业的业务范围", "the matter is not the utility's business"),
    "insufficient_facts": Say("事实不足", "the facts are not sufficient"),
}


def _fact_spec(category: str, path: str) -> FieldSpec | None:
    specs: Mapping[str, FieldSpec] | None = TOP_FIELDS
    spec: FieldSpec | None = None
    for part in path.split("."):
        match = _STEP.match(part)
        name = match.group(1) if match else part
        if name == "facts":
            specs = FACT_FIELDS.get(category, {})
            continue
        spec = (specs or {}).get(name)
        if spec is None:
            return None
        specs = dict(spec.items) if spec.items else None
    return spec


def fact_values(category: str, path: str) -> tuple[object, ...]:
    """Every value the contract allows for a yes/no or enumerated fact; () for any other kind of fact."""
    spec = _fact_spec(category, path)
    if spec is None:
        return ()
    if spec.kind == "bool":
        return (True, False)
    return spec.values if spec.kind == "enum" else ()


def fact_value(category: str, path: str, value: object) -> Say:
    """One value of a fact in words: 是/否, or the contract's label of an enumerated value."""
    if isinstance(value, bool):
        return Say("是", "yes") if value else Say("否", "no")
    spec = _fact_spec(category, path)
    zh = dict(spec.choices).get(value, "") if spec else ""
    en = dict(spec.options(True)).get(value, zh) if spec else ""
    return Say(zh or "其他", en or "other")
# -- part D of issue 15: agreements, contract-damage deductions, the repair-cap policy, redirects ---------
RULE_TITLE_EN.update({
    "agreement_settlement": "A signed compensation or settlement agreement",
    "agreement_settlement#limitation": "Limitation of a claim on the agreement",
    "agreement_settlement#village_payee": "Compensation under the agreement paid to the village collective",
    "agreement_settlement#no_replant": "Agreement not to plant trees in the corridor again",
    "liquidated_damages_agreed": "Agreed liquidated damages",
    "agreed_otherwise_2024": "Compensation the parties agreed otherwise (2024 Rules)",
    "contract_breach_general#foreseeability": "Foreseeability: unforeseeable loss deducted",
    "contract_breach_general#mitigation": "Mitigation: increased loss deducted",
    "contract_breach_general#customer_fault": "Customer's fault: damages reduced correspondingly",
})
PARAMETER.update({
    "ha_repair_cap": Say("修复费用的上限（本单位法律部门的政策，非法律规定）",
                         "cap on the repair cost (the legal department's policy, not law)"),
})
#: Coded parameter values in words.
PARAMETER_CODE: dict[str, Say] = {
    "irreparable_value": Say("以该电器不可修复时可得的赔偿额为限", "at most what the appliance would get if irreparable"),
    "original_price": Say("以原价为限", "at most the original price"),
    "none": Say("不设上限", "no cap"),
}
TEXT_EN.update({
    "依产权归属，该设施上发生事故的责任由其产权人即请求人自行承担；用户专用的供电设施由用户维护管理或者委托供电企业维护管理（电力供应与使用条例第十七条）：由电工、物业或施工单位为其安装、维护的，可依与该单位的合同向其主张；已委托供电企业维护的，应提供委托维护合同，据此重新判断":
        "by ownership, the owner, that is the claimant, bears the responsibility for an accident on it; a "
        "customer's dedicated supply facility is maintained by the customer or, on commission, by the utility "
        "(Regulations on Electricity Supply and Use, Art. 17): where an electrician, property manager or "
        "contractor installed or maintains it, the claimant may claim against them under that contract; where its "
        "maintenance was entrusted to the utility, the entrustment contract should be produced and the claim "
        "judged again on it",
    "该设施的产权人即该用户，或为其维护该设施的单位，按过错承担责任（民法典第一千一百六十五条）":
        "the owner of the facility, that is the customer, or whoever maintains it for the customer, liable for "
        "fault (Civil Code, Art. 1165)",
    "该设施的经营者，通常即其产权人该用户：从事高压活动造成他人损害的，经营者应当承担侵权责任（民法典第一千二百四十条）":
        "the operator of the facility, usually its owner, the customer: the operator of a high-voltage activity is "
        "liable in tort for harm it causes to others (Civil Code, Art. 1240)",
    "该设施的产权人或管理人即该用户，按过错承担侵权责任（民法典第一千一百六十五条）":
        "the owner or manager of the facility, that is the customer, liable in tort for fault (Civil Code, Art. 1165)",
    "该设施的经营者，通常即其产权人：从事高压活动造成他人损害的，经营者应当承担侵权责任（民法典第一千二百四十条）":
        "the operator of the facility, usually its owner: the operator of a high-voltage activity is liable in "
        "tort for harm it causes to others (Civil Code, Art. 1240)",
    "该设施的产权人或管理人，按过错承担侵权责任（民法典第一千一百六十五条）":
        "the owner or manager of the facility, liable in tort for fault (Civil Code, Art. 1165)",
    "该设施的经营者，通常即其产权人村集体经济组织（村民委员会）：从事高压活动造成他人损害的，经营者应当承担侵权责任（民法典第一千二百四十条）":
        "the operator of the facility, usually its owner, the village collective economic organisation "
        "(villagers' committee): the operator of a high-voltage activity is liable in tort for harm it causes to "
        "others (Civil Code, Art. 1240)",
    "设施产权人村集体经济组织（村民委员会），按过错承担侵权责任（民法典第一千一百六十五条）":
        "the owner of the facility, the village collective economic organisation (villagers' committee), liable "
        "in tort for fault (Civil Code, Art. 1165)",
})


# -- period counting and limitation events (issue 15, part A) ---------------------------------
_WEEKDAYS = (Say("星期一", "Monday"), Say("星期二", "Tuesday"), Say("星期三", "Wednesday"), Say("星期四", "Thursday"),
             Say("星期五", "Friday"), Say("星期六", "Saturday"), Say("星期日", "Sunday"))
#: The statutory holidays by their Chinese names (全国年节及纪念日放假办法), as the calendar names its periods.
HOLIDAY_EN: dict[str, str] = {
    "元旦": "New Year's Day", "春节": "Spring Festival", "清明节": "Qingming Festival", "劳动节": "Labour Day",
    "端午节": "Dragon Boat Festival", "中秋节": "Mid-Autumn Festival", "国庆节": "National Day",
}


def weekday(d: date) -> Say:
    """星期六 / Saturday."""
    return _WEEKDAYS[d.weekday()]


def holiday(name: str) -> Say:
    """A calendar period's name as a holiday: '春节（延长至2月2日…）' → 春节 / Spring Festival; '国庆节、中秋节' →
    国庆节、中秋节 / National Day and Mid-Autumn Festival. A name the list lacks reads as "a statutory holiday"."""
    base = name.split("（", 1)[0].split("(", 1)[0].strip()
    parts = [p for p in base.split("、") if p]
    if not parts:
        return Say("法定节假日", "a statutory holiday")
    english = [HOLIDAY_EN.get(p) for p in parts]
    if any(e is None for e in english):
        return Say(base, "a statutory holiday")
    return Say(base, " and ".join(e for e in english if e))


#: What each kind of limitation event is (contract `limitation_events[].kind`), and the untyped dates of
#: `limitation_interruptions` ("interruption").
LIMITATION_EVENT: dict[str, Say] = {
    "interruption": Say("时效中断事由", "an event interrupting the limitation period"),
    "claim": Say("权利人向供电企业提出履行请求", "the claimant demanded performance from the utility"),
    "acknowledgement": Say("供电企业承认债务", "the utility acknowledged the debt"),
    "promise_to_pay": Say("供电企业同意履行", "the utility agreed to perform"),
    "suit": Say("权利人提起诉讼或者申请仲裁", "the claimant sued or applied for arbitration"),
    "suspension": Say("出现不能行使请求权的障碍", "an obstacle arose that prevented the claimant from claiming"),
}
#: The obstacles of 民法典 第一百九十四条第一款 (contract `limitation_events[].ground`).
SUSPENSION_GROUND: dict[str, Say] = {
    "force_majeure": Say("不可抗力", "force majeure"),
    "no_legal_representative": Say("无民事行为能力人或者限制民事行为能力人没有法定代理人",
                                    "a person without or with limited capacity had no legal representative"),
    "no_heir_or_administrator": Say("继承开始后未确定继承人或者遗产管理人",
                                    "no heir or estate administrator had been determined"),
    "controlled": Say("权利人被义务人或者其他人控制", "the claimant was controlled by the obligor or another"),
    "other": Say("其他导致权利人不能行使请求权的障碍", "another obstacle prevented the claimant from claiming"),
}
INSTRUMENT_EN["中华人民共和国民法通则"] = "General Principles of the Civil Law of the PRC"
RULE_TITLE_EN["lim_transition_gpcl#bar"] = "Two-year limitation period (General Principles of the Civil Law)"
RULE_TITLE_EN["lim_suspension"] = "Suspension of the limitation period"
PARAMETER["suspension_months"] = Say("诉讼时效中止后的剩余期间", "period left after the cause of a suspension ends")
