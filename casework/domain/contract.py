"""The assessment contract's input shape: field descriptions and validation with JSON paths."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from casework.domain.money import MoneyError, parse_money, parse_quantity
from casework.domain.plausibility import implausible_dates

__all__ = [
    "CATEGORIES",
    "FACT_FIELDS",
    "TOP_FIELDS",
    "FieldError",
    "FieldSpec",
    "date_or_none",
    "format_date",
    "parse_date",
    "validate_case",
    "validate_cases",
    "validate_facts",
]



@dataclass(frozen=True)
class FieldSpec:
    """How one input field looks, for validation and for generating intake forms.

    `kind` is one of enum, bool, date, money, quantity, count, text, date_list, object,
    object_list. `choices` pairs each enum value with its Chinese label. `extension` marks
    keys casework reads beyond the contract (allowed: the contract may be extended).
    """

    kind: str
    label_zh: str
    label_en: str
    help_zh: str = ""
    choices: tuple[tuple[Any, str], ...] = ()
    required: bool = False
    items: Mapping[str, FieldSpec] | None = None
    extension: bool = False
    help_en: str = ""
    choices_en: tuple[tuple[Any, str], ...] = ()  # the same values, labelled in English
    #: For quantities: "positive" (> 0) or "non_negative" (>= 0); a value outside is invalid input, not a fact.
    sign: str = ""
    #: For quantities: the largest value allowed (a decimal string, inclusive), e.g. "1" for a share.
    at_most: str = ""

    @property
    def values(self) -> tuple[Any, ...]:
        """The allowed enum values, in display order."""
        return tuple(value for value, _ in self.choices)

    def help(self, english: bool) -> str:
        return (self.help_en or self.help_zh) if english else self.help_zh

    def options(self, english: bool) -> tuple[tuple[Any, str], ...]:
        return self.choices_en if english and self.choices_en else self.choices


def _f(kind: str, zh: str, en: str, help_zh: str = "", **kw: Any) -> FieldSpec:
    return FieldSpec(kind, zh, en, help_zh, **kw)


_CAUSES = (
    ("utility_fault", "供电企业责任"), ("force_majeure", "不可抗力"), ("third_party", "第三人原因"),
    ("victim_fault", "受害人过错"), ("victim_intent", "受害人故意"),
    ("product_quality", "产品质量问题"), ("unknown", "原因不明"),
)

TOP_FIELDS: dict[str, FieldSpec] = {
    "category": _f("enum", "案件类别", "Category", required=True, choices=(
        ("appliance", "居民家用电器损坏"), ("outage", "停电损失"), ("power_quality", "电压、频率质量损失"),
        ("crop", "青苗补偿"), ("trees", "林木砍伐、修剪"), ("land_tower", "杆塔、线路占地"),
        ("injury", "人身损害（含触电）"), ("service_dispute", "其他服务纠纷"))),
    "event_date": _f("date", "事发日期", "Event date", "损害或事件发生的日期；据此选择适用的规则版本", required=True),
    "report_date": _f("date", "报案日期", "Report date", "权利人首次向供电企业提出索赔的日期", required=True),
    "knew_date": _f("date", "知道损害及义务人之日", "Knowledge date", "权利人知道或应当知道损害及义务人的日期；缺省为损害发生日"),
    "limitation_interruptions": _f("date_list", "时效中断事由日期", "Limitation interruptions",
                                   "书面索赔、供电企业承认或同意赔偿、起诉等使诉讼时效重新计算的日期（民法典第一百九十五条）"),
    "holidays": _f("date_list", "补充法定节假日", "Extra holidays", "在系统节假日日历之外补充的法定休假日，逐日列出"),
    "facility_owner": _f("enum", "故障设施产权人", "Facility owner", "以产权分界点判断发生故障的设施归谁所有", choices=(
        ("utility", "供电企业"), ("customer", "用户"), ("third_party", "第三方"), ("village_collective", "村集体"))),
    "utility_maintains": _f("bool", "供电企业运行维护", "Utility maintains", "该设施由供电企业运行维护（自有或受托维护）"),
    "cause": _f("enum", "损害原因", "Cause", choices=_CAUSES),
    "cause_confirmed_by_authority": _f("bool", "免责事由经电力管理部门核实", "Cause confirmed by authority",
                                       "免责事由已经县级以上电力管理部门核实（家电办法第六条）"),
    "claimed_amount": _f("money", "请求金额", "Claimed amount", "权利人请求赔偿的金额（元）"),
    "facts": _f("object", "案件事实", "Facts", required=True),
    "in_supply_area": _f("bool", "在本企业供电营业区内", "Within supply area",
                         "损害地点在本供电企业批准的供电营业区内；为否时不属本企业业务（电力法第二十五条）", extension=True),
    "limitation_events": _f("object_list", "诉讼时效事由", "Limitation events",
                            "逐项列明请求、承认、同意履行、起诉等中断事由和中止事由，注明类别（民法典第一百九十二条、"
                            "第一百九十四条、第一百九十五条）", extension=True, items={
        "date": _f("date", "日期", "Date", "事由发生之日；中止事由为障碍开始之日", required=True),
        "kind": _f("enum", "类别", "Kind", required=True, choices=(
            ("claim", "权利人向供电企业提出履行请求"), ("acknowledgement", "供电企业承认债务"),
            ("promise_to_pay", "供电企业同意履行（同意赔偿）"), ("suit", "提起诉讼或者申请仲裁"),
            ("suspension", "不能行使请求权的障碍（诉讼时效中止）"))),
        "until": _f("date", "结束日", "Until", "中止事由：障碍消除之日；诉讼或仲裁：程序终结之日"),
        "ground": _f("enum", "中止事由", "Ground", "民法典第一百九十四条第一款所列障碍", choices=(
            ("force_majeure", "不可抗力"), ("no_legal_representative", "无民事行为能力人或者限制民事行为能力人没有法定代理人"),
            ("no_heir_or_administrator", "继承开始后未确定继承人或者遗产管理人"),
            ("controlled", "权利人被义务人或者其他人控制"), ("other", "其他导致不能行使请求权的障碍"))),
    }),
}

_APPLIANCE_ITEM: dict[str, FieldSpec] = {
    "name": _f("text", "电器名称", "Name"),
    "class": _f("enum", "电器类别", "Class", "决定平均使用年限（家电办法第十二条）", choices=(
        ("electronic", "电子类（10年）"), ("motor", "电机类（12年）"),
        ("resistive_heating", "电阻电热类（5年）"), ("light_source", "电光源类（2年）"))),
    "price": _f("money", "购置价格", "Price", "发票价；无发票时为经核实的购置日国家定价（同型号当时价格）"),
    "purchase_date": _f("date", "购置日期", "Purchase date", "以发票开具日期为准"),
    "invoice": _f("bool", "有购货发票", "Invoice"),
    "repairable": _f("bool", "可以修复", "Repairable"),
    "repair_cost": _f("money", "修复费用", "Repair cost", "可修复时必填"),
    "currency": _f("text", "购置币种", "Currency", "以外币购置时填写币种代码，如 USD", extension=True),
    "fx_rate": _f("quantity", "购置时外汇牌价", "FX rate", "一单位外币折合人民币，按购置时国家外汇牌价", extension=True),
}

_OUTAGE_CAUSES = (
    ("utility_accident", "供电企业电力运行事故"), ("planned_maintenance", "计划检修"),
    ("temporary_maintenance", "临时检修"), ("grid_fault_or_rationing", "电网故障或限电"),
    ("natural_disaster", "自然灾害"), ("customer_fault", "用户责任"),
    ("disconnection_arrears_or_violation", "因欠费或违约用电停止供电"),
)

FACT_FIELDS: dict[str, dict[str, FieldSpec]] = {
    "appliance": {
        "customer_type": _f("enum", "用户类别", "Customer type", choices=(
            ("residential", "居民用户"), ("non_residential", "非居民用户"))),
        "supply_voltage_v": _f("enum", "供电电压（伏）", "Supply voltage (V)", choices=((220, "220伏"), (380, "380伏"))),
        "fault_type": _f("enum", "故障类型", "Fault type", "家电办法第三条所列事件", choices=(
            ("phase_neutral_swapped", "相线与零线接错或三相相序接反"), ("neutral_broken", "零线断线"),
            ("phase_neutral_contact", "相线与零线互碰"), ("hv_onto_lv", "高压线路掉落或放电到220/380伏线路"),
            ("other", "其他"))),
        "appliances": _f("object_list", "损坏电器清单", "Appliances", items=_APPLIANCE_ITEM),
        "proven_loss": _f("money", "经证明的实际损失", "Proven loss",
                          "不适用家电办法时按损失发生时市场价格计算的损失（民法典第一千一百八十四条）", extension=True),
    },
    "outage": {
        "outage_cause": _f("enum", "停电原因", "Outage cause", choices=_OUTAGE_CAUSES),
        "notice_given_hours": _f("quantity", "提前通知小时数", "Notice given (hours)", "停电前多少小时通知或公告；未通知填空值"),
        "important_user": _f("bool", "重要用户", "Important user"),
        "contract_accident_clause": _f("bool", "合同订有电力运行事故责任条款", "Contract accident clause"),
        "tariff": _f("enum", "电价制度", "Tariff", choices=(("two_part", "两部制"), ("single_part", "单一制及其他"))),
        "avg_hourly_kwh": _f("quantity", "正常每小时平均用电量（千瓦时）", "Average hourly kWh"),
        "outage_hours": _f("quantity", "停电小时数", "Outage hours", "须大于零", sign="positive"),
        "energy_price": _f("quantity", "电价（元/千瓦时）", "Energy price", "2024年6月1日前为电度电价；其后为当期同类用户平均电量电价"),
        "proven_loss": _f("money", "经证明的实际损失", "Proven loss", "无法证明时填空值"),
        "repair_delayed": _f("bool", "未及时抢修", "Repair delayed", "自然灾害停电后供电企业未及时抢修（民法典第六百五十三条）"),
        # issue 15 part C: stopping supply for arrears or 违约用电, and late restoration
        "stop_notice_date": _f("date", "停电通知书送达日期", "Stop notice delivered on",
                               "因欠费或违约用电停止供电时，停电通知书送达用户的日期；未送达填空值", extension=True),
        "stop_reminder_given": _f("bool", "停电前三十分钟再次通知", "Reminder 30 minutes before",
                                  "停电前三十分钟已将停电时间再通知用户一次", extension=True),
        "stop_approved": _f("bool", "停电经本单位负责人批准", "Stop approved by the unit head",
                            "2024年6月1日前停止供电须报本单位负责人批准（1996年规则第六十七条）", extension=True),
        "restoration_delay_hours": _f("quantity", "原因消除后至恢复供电的小时数", "Hours to restoration",
                                      "引起停电或限电的原因消除后，到恢复供电经过的小时数", extension=True,
                                      sign="non_negative"),
        "cause_removed_date": _f("date", "停电原因消除日期", "Cause removed on", extension=True),
        "restored_date": _f("date", "恢复供电日期", "Supply restored on", extension=True),
        "restoration_delay_loss": _f("money", "逾期恢复供电造成的经证明的损失", "Proven loss from late restoration",
                                     "只计超过恢复供电期限的期间内的损失", extension=True),
    },
    "power_quality": {
        "quality_kind": _f("enum", "质量问题类别", "Quality kind", choices=(("voltage", "电压"), ("frequency", "频率"))),
        "contract_quality_clause": _f("bool", "合同订有质量责任条款", "Contract quality clause"),
        "power_factor_meets_standard": _f("bool", "用户功率因数达标", "Power factor meets standard"),
        "caused_by_other_user": _f("bool", "由其他用户原因引起", "Caused by another user"),
        "noncompliant_kwh": _f("quantity", "不合格累计时间内用电量（千瓦时）", "Non-compliant kWh"),
        "avg_price": _f("quantity", "当月平均电价（元/千瓦时）", "Month average price"),
        "proven_loss": _f("money", "经证明的实际损失", "Proven loss", "合同无质量责任条款时使用"),
        # issue 15 part C: what was measured, compared with the permitted deviation
        "nominal_voltage_v": _f("quantity", "额定供电电压（伏）", "Rated supply voltage (V)",
                                "如220、380、10000、35000", extension=True, sign="positive"),
        "measured_voltage_max_v": _f("quantity", "实测受电端最高电压（伏）", "Highest measured voltage (V)",
                                     extension=True, sign="positive"),
        "measured_voltage_min_v": _f("quantity", "实测受电端最低电压（伏）", "Lowest measured voltage (V)",
                                     extension=True, sign="non_negative"),
        "measured_frequency_max_hz": _f("quantity", "实测最高频率（赫兹）", "Highest measured frequency (Hz)",
                                        extension=True, sign="positive"),
        "measured_frequency_min_hz": _f("quantity", "实测最低频率（赫兹）", "Lowest measured frequency (Hz)",
                                        extension=True, sign="non_negative"),
        "grid_capacity": _f("enum", "电网装机容量", "Grid capacity", choices=(
            ("large_grid", "300万千瓦以上"), ("small_grid", "不足300万千瓦")), extension=True),
        "system_abnormal": _f("bool", "电力系统非正常状况", "Abnormal system state",
                              "测量期间电力系统处于非正常状况", extension=True),
    },
    "crop": {
        "work_kind": _f("enum", "作业类型", "Work kind", choices=(("construction", "新建、改建、扩建"), ("maintenance", "运行维护"))),
        "area_mu": _f("quantity", "受损面积（亩）", "Area (mu)"),
        "crop": _f("text", "作物名称", "Crop"),
        "region": _f("text", "行政区划代码", "Region code", "六位行政区划代码，用于查找当地补偿标准"),
        "growth_stage": _f("text", "生长期", "Growth stage"),
        "local_rate_per_mu": _f("money", "当地补偿标准（元/亩）", "Local rate per mu", "为空时按系统中的当地标准表查找"),
        "temporary_land_use": _f("bool", "属临时用地", "Temporary land use", "施工临时占用土地（土地管理法第五十七条）", extension=True),
    },
    "trees": {
        "reason": _f("enum", "砍伐修剪原因", "Reason", choices=(
            ("new_line_corridor", "新建线路通道"), ("protection_zone_clearance", "保护区内清障"))),
        "tree_count": _f("count", "株数", "Tree count"),
        "rate_per_tree": _f("money", "当地补偿标准（元/株）", "Rate per tree", "为空时按系统中的当地标准表查找"),
        "planted_date": _f("date", "种植（自然生长）日期", "Planted date"),
        "zone_designated_date": _f("date", "保护区划定公告日期", "Zone designated date",
                                   "保护区依法划定并公告之日；为规划线路事先划定的，填该公告日；新建线路事先未划定保护区的，"
                                   "填随线路划定保护区之日（此前种植的树木属划定前已有）"),
        "region": _f("text", "行政区划代码", "Region code", extension=True),
        "species": _f("text", "树种", "Species", extension=True),
        "size": _f("text", "规格", "Size", "如 胸径10-20厘米", extension=True),
        "action": _f("enum", "处理方式", "Action", choices=(("fell", "砍伐"), ("prune", "修剪")), extension=True),
        "line_voltage_kv": _f("quantity", "线路电压（千伏）", "Line voltage (kV)", extension=True),
    },
    "land_tower": {
        "claim_kind": _f("enum", "请求类型", "Claim kind", choices=(
            ("recurring_fee", "逐年占地费"), ("unpaid_one_time", "未付一次性补偿"), ("removal", "迁移杆塔线路"))),
        "facility_built_date": _f("date", "杆塔建成日期", "Facility built date"),
        "claimant_acquired_date": _f("date", "请求人取得土地权利日期", "Claimant acquired date"),
        "one_time_compensation_paid": _f("bool", "一次性补偿已支付", "One-time compensation paid", "查无记录填空值"),
        "local_compensation": _f("money", "按当地标准的一次性补偿额", "Local one-time compensation", extension=True),
        "land_expropriated": _f("bool", "土地已依法征收", "Land expropriated", extension=True),
        "region": _f("text", "行政区划代码", "Region code",
                     "杆塔所在地的六位行政区划代码，用于适用当地的杆塔用地规定（如河南省供用电条例）", extension=True),
    },
    "injury": {
        "voltage_kv": _f("quantity", "设施电压（千伏）", "Voltage (kV)"),
        "victim_conduct": _f("enum", "受害人行为", "Victim conduct", choices=(
            ("none", "无过错"), ("gross_negligence", "重大过失（如攀爬杆塔、线下放风筝）"),
            ("intent", "故意"), ("unauthorised_entry", "未经许可进入围栏或警示区域"))),
        "warnings_adequate": _f("bool", "已采取足够安全措施并充分警示", "Warnings adequate"),
        "assessed_damages": _f("money", "核定损失", "Assessed damages"),
        "prohibited_act": _f("enum", "受害人所为的禁止行为", "Prohibited act of the victim",
                             "受害人所为的电力设施保护条例第十四条禁止的行为；未查明的不填", choices=(
                                 ("climbing_tower", "擅自攀登杆塔"), ("kite_flying", "在架空电力线路两侧300米内放风筝"),
                                 ("none", "无")), extension=True),
    },
    "service_dispute": {
        "employee_involved": _f("bool", "涉及本企业员工", "Employee involved"),
        "employee_on_duty": _f("bool", "员工执行工作任务", "Employee on duty"),
        "description": _f("text", "情况说明", "Description"),
        "proven_loss": _f("money", "经证明的实际损失", "Proven loss", extension=True),
    },
}

# English for the intake form in English mode (issue 14: English means English): each help text and option
# label, keyed by field path and by enum value; a test checks that every one with Chinese has its English.
HELP_EN: dict[str, str] = {
    "event_date": "The day the damage or event happened; it selects the rule version that applies",
    "report_date": "The day the claimant first claimed compensation from the utility",
    "knew_date": "The day the claimant knew or should have known of the damage and who is liable; "
                 "defaults to the event date",
    "limitation_interruptions": "Days of a written claim, the utility's acknowledgement or agreement to pay, a "
                                "lawsuit, and so on, from which the limitation period runs again (Civil Code "
                                "Article 195)",
    "holidays": "Public holidays beyond the system's holiday calendar, one day per entry",
    "facility_owner": "Who owns the facility that failed, judged at the ownership boundary point",
    "utility_maintains": "The utility operates and maintains the facility (its own, or on commission)",
    "cause_confirmed_by_authority": "The ground of exemption was confirmed by the power administration at or "
                                    "above county level (Appliance Measures Article 6)",
    "claimed_amount": "The amount the claimant asks for (yuan)",
    "in_supply_area": "The place of damage lies within this utility's approved supply area; if not, the claim "
                      "is not this utility's business (Electric Power Law Article 25)",
    "class": "Decides the average service life (Appliance Measures Article 12)",
    "price": "The invoice price; without an invoice, the verified state price on the purchase date (same model "
             "at the time)",
    "purchase_date": "As on the invoice",
    "repair_cost": "Required when the appliance can be repaired",
    "currency": "The currency code when bought in a foreign currency, e.g. USD",
    "fx_rate": "Yuan per unit of the foreign currency, at the state rate on the purchase date",
    "fault_type": "The events listed in Appliance Measures Article 3",
    "appliance.proven_loss": "Where the Appliance Measures do not apply: the loss at market prices when it "
                             "occurred (Civil Code Article 1184)",
    "outage.proven_loss": "Leave empty if it cannot be proven",
    "power_quality.proven_loss": "Used when the contract has no quality liability clause",
    "notice_given_hours": "How many hours before the outage notice was given; leave empty if none",
    "energy_price": "Before 1 June 2024 the energy charge rate; after, the average energy price of the same "
                    "class of customer",
    "repair_delayed": "After an outage from a natural disaster the utility did not repair in time (Civil Code "
                      "Article 653)",
    "region": "The six-digit administrative division code, to find the local compensation standard",
    "local_rate_per_mu": "Leave empty to use the local standard held in the system",
    "temporary_land_use": "Land used temporarily for construction (Land Administration Law Article 57)",
    "rate_per_tree": "Leave empty to use the local standard held in the system",
    "size": "For example, trunk diameter 10–20 cm",
    "one_time_compensation_paid": "Leave empty if no record is found",
    "zone_designated_date": "The day the protection zone was designated and announced; for a zone designated in "
                            "advance for a planned line, that announcement; where no zone was designated before a new "
                            "line, the day the zone was designated with it (trees planted earlier stood before "
                            "designation)",
    "land_tower.region": "The six-digit administrative division code where the tower stands, to apply the local "
                         "rule on tower land (e.g. the Henan Province Regulations on Power Supply and Use)",
    "prohibited_act": "An act of the victim that Article 14 of the Regulations on the Protection of Electric Power "
                      "Facilities prohibits; leave empty if not established",
    "outage_hours": "Must be more than zero",
    "stop_notice_date": "When supply was stopped for arrears or a breach of the terms of use: the day the written "
                        "stop notice reached the customer; leave empty if none was delivered",
    "stop_reminder_given": "The customer was told the stop time again thirty minutes before",
    "stop_approved": "Before 1 June 2024 a stop had to be approved by the head of the unit (1996 Rules Article 67)",
    "restoration_delay_hours": "Hours from the removal of the cause of the outage or rationing to restoration",
    "restoration_delay_loss": "Only the loss in the time beyond the restoration period",
    "nominal_voltage_v": "For example 220, 380, 10000, 35000",
    "system_abnormal": "The power system was in an abnormal state while measured",
    "limitation_events": "Each claim, acknowledgement, agreement to pay, lawsuit or obstacle, with its kind, from "
                         "which the limitation period is interrupted, suspended or lost (Civil Code Articles 192, "
                         "194, 195)",
    "limitation_events.date": "The day it happened; for an obstacle, the day it began",
    "limitation_events.until": "For an obstacle, the day it ended; for a suit or arbitration, the day the "
                               "proceedings ended",
    "ground": "The obstacles listed in Civil Code Article 194(1)",
}
CHOICES_EN: dict[Any, str] = {
    "appliance": "Household appliance damage", "outage": "Outage loss", "power_quality": "Voltage or frequency loss",
    "crop": "Crop compensation", "trees": "Tree felling or pruning", "land_tower": "Land used by towers and lines",
    "injury": "Personal injury (incl. electric shock)", "service_dispute": "Other service dispute",
    "utility": "The utility", "customer": "The customer", "third_party": "A third party",
    "village_collective": "The village collective",
    "utility_fault": "The utility's responsibility", "force_majeure": "Force majeure",
    "victim_fault": "The victim's fault", "victim_intent": "The victim's intent",
    "product_quality": "Product quality defect", "unknown": "Cause unknown",
    "electronic": "Electronic (10 years)", "motor": "Motor-driven (12 years)",
    "resistive_heating": "Resistive heating (5 years)", "light_source": "Light source (2 years)",
    "residential": "Residential customer", "non_residential": "Non-residential customer",
    220: "220 V", 380: "380 V",
    "phase_neutral_swapped": "Phase and neutral swapped, or three-phase sequence reversed",
    "neutral_broken": "Broken neutral", "phase_neutral_contact": "Phase and neutral in contact",
    "hv_onto_lv": "High-voltage line fell or discharged onto a 220/380 V line", "other": "Other",
    "utility_accident": "Utility operating accident", "planned_maintenance": "Planned maintenance",
    "temporary_maintenance": "Unplanned maintenance", "grid_fault_or_rationing": "Grid fault or rationing",
    "natural_disaster": "Natural disaster", "customer_fault": "The customer's responsibility",
    "two_part": "Two-part tariff", "single_part": "Single-part and other tariffs",
    "voltage": "Voltage", "frequency": "Frequency",
    "construction": "New build, rebuild or extension", "maintenance": "Operation and maintenance",
    "new_line_corridor": "New line corridor", "protection_zone_clearance": "Clearance in a protection zone",
    "fell": "Fell", "prune": "Prune",
    "recurring_fee": "Yearly land-use fee", "unpaid_one_time": "Unpaid one-time compensation",
    "removal": "Moving the towers or lines",
    "none": "No fault", "gross_negligence": "Gross negligence (e.g. climbing a tower, flying a kite under lines)",
    "intent": "Intent", "unauthorised_entry": "Entry into a fenced or warning area without permission",
    "climbing_tower": "Climbing a tower without permission", "kite_flying": "Flying a kite within 300 m of an overhead line",
    "disconnection_arrears_or_violation": "Supply stopped for arrears or a breach of the terms of use",
    "large_grid": "3,000 MW or more", "small_grid": "Under 3,000 MW",
    "claim": "The claimant demanded performance from the utility", "acknowledgement": "The utility acknowledged the debt",
    "promise_to_pay": "The utility agreed to perform (to pay)", "suit": "A lawsuit or an application for arbitration",
    "suspension": "An obstacle to claiming (suspension of limitation)",
    "no_legal_representative": "A person without or with limited capacity had no legal representative",
    "no_heir_or_administrator": "No heir or estate administrator determined after succession opened",
    "controlled": "The claimant was controlled by the obligor or another person",
}

# -- part D of issue 15: party agreements, contract-damage deductions, who the claimant is ----------------
_AGREEMENT_ITEM: dict[str, FieldSpec] = {
    "kind": _f("enum", "约定类型", "Kind of agreement", required=True, choices=(
        ("settlement", "已签订的赔偿（和解）协议"), ("liquidated_damages", "合同约定的违约金"),
        ("rule_formula_agreed", "供用电合同另行约定的赔偿（2024年规则第九十七条至第九十九条）"))),
    "signed_date": _f("date", "签订日期", "Signed date"),
    "amount": _f("money", "约定金额", "Agreed amount", "协议或合同约定的赔偿额、违约金额（元）", required=True),
    "same_damage": _f("bool", "涉及本次请求的损害", "Covers this damage", "协议处理的正是本次请求的同一损害"),
    "paid": _f("bool", "已按协议支付", "Paid", "约定的款项已经支付"),
    "counterparty": _f("enum", "协议相对方", "Other party", choices=(
        ("claimant", "请求人本人"), ("village_collective", "村集体（村民委员会）"), ("other", "其他"))),
    "no_replant_undertaking": _f("bool", "约定不再在通道内种植树木", "No-replant undertaking",
                                 "协议中约定不再在线路通道内种植树木（电力设施保护条例实施细则第十六条（一））"),
}
TOP_FIELDS.update({
    "agreement": _f("object", "当事人的约定", "Agreement",
                    "已签订的赔偿（和解）协议，或供用电合同约定的违约金、另行约定的赔偿", items=_AGREEMENT_ITEM,
                    extension=True),
    "claimant_is_facility_owner": _f("bool", "请求人是故障设施的产权人", "Claimant owns the facility",
                                     "缺省时：人身损害的请求人不是产权人；家电、停电、电能质量的请求人是用户产权设施的产权人",
                                     extension=True),
})
_CONTRACT_DAMAGES: dict[str, FieldSpec] = {
    "customer_fault_share": _f("quantity", "用户过错比例", "Customer's fault share",
                               "用户对损失发生的过错比例，0至1之间，如 0.3（民法典第五百九十二条第二款）", extension=True,
                               sign="non_negative", at_most="1"),
    "unmitigated_loss": _f("money", "未采取适当措施致使扩大的损失", "Unmitigated loss",
                           "用户未采取适当措施防止损失扩大而扩大的部分（民法典第五百九十一条）", extension=True),
    "unforeseeable_loss": _f("money", "订立合同时不能预见的损失", "Unforeseeable loss",
                             "超出订立合同时预见到或者应当预见到的损失的部分（民法典第五百八十四条）", extension=True),
}
for _category in ("outage", "power_quality"):
    FACT_FIELDS[_category].update(_CONTRACT_DAMAGES)
HELP_EN.update({
    "agreement": "A signed compensation or settlement agreement, or liquidated damages or other compensation "
                 "agreed in the supply contract",
    "amount": "The compensation or liquidated damages agreed (yuan)",
    "same_damage": "The agreement deals with the very damage now claimed",
    "paid": "The agreed sum has been paid",
    "no_replant_undertaking": "The agreement includes the undertaking not to plant trees in the line corridor "
                              "again (Implementing Rules of the Protection Regulations, Art. 16(1))",
    "claimant_is_facility_owner": "By default an injured person does not own the facility, and a customer "
                                  "claiming for appliances, an outage or supply quality owns a customer-owned one",
    "customer_fault_share": "The customer's share of fault in the loss, between 0 and 1, e.g. 0.3 (Civil Code "
                            "Art. 592(2))",
    "unmitigated_loss": "The part of the loss increased because the customer took no proper measures to prevent "
                        "it (Civil Code Art. 591)",
    "unforeseeable_loss": "The part of the loss beyond what could be foreseen when the contract was made (Civil "
                          "Code Art. 584)",
})
CHOICES_EN.update({
    "settlement": "Signed compensation or settlement agreement", "liquidated_damages": "Liquidated damages in the contract",
    "rule_formula_agreed": "Compensation agreed otherwise in the supply contract (2024 Rules Arts. 97–99)",
    "claimant": "The claimant", "village_collective": "The village collective",
})


def _in_english(fields: dict[str, FieldSpec], category: str = "") -> None:
    from dataclasses import replace

    for key, spec in fields.items():
        items = dict(spec.items) if spec.items else None
        if items:
            _in_english(items, key)  # an item's help is keyed "list.item", or by the item's name alone
        help_en = HELP_EN.get(f"{category}.{key}", HELP_EN.get(key, ""))
        fields[key] = replace(spec, help_en=help_en, items=items,
                              choices_en=tuple((v, CHOICES_EN.get(v, text)) for v, text in spec.choices))


_in_english(TOP_FIELDS)
for _category, _fields in FACT_FIELDS.items():
    _in_english(_fields, _category)

CATEGORIES: tuple[str, ...] = tuple(FACT_FIELDS)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class FieldError:
    """One contract violation: the JSON path of the field and an English message."""

    path: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """The shape the HTTP API returns in `errors`."""
        return {"path": self.path, "message": self.message}


def parse_date(value: object) -> date:
    """Parse a strict `YYYY-MM-DD` string (fromisoformat alone would accept `20250101`)."""
    parsed = date_or_none(value)
    if parsed is None:
        raise ValueError("not a date (YYYY-MM-DD)")
    return parsed


def date_or_none(value: object) -> date | None:
    """`parse_date` for readers of facts, where a malformed date reads as absent: None, not an error."""
    return _date_from_text(value) if isinstance(value, str) else None


#: Enough for every day of about ninety years (claims span decades: event, report, purchase, planting
#: dates): with fewer entries a batch over thirty years of events evicts dates it is about to reuse.
DATE_CACHE_SIZE = 1 << 15


@lru_cache(maxsize=DATE_CACHE_SIZE)
def _date_from_text(value: str) -> date | None:
    # Cached: batches repeat the same dates, and the engine reads each case's dates several times.
    if not _DATE_RE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@lru_cache(maxsize=DATE_CACHE_SIZE)
def format_date(day: date) -> str:
    """The contract's `YYYY-MM-DD` (cached: date.isoformat is slow for its size and the same days recur)."""
    return day.isoformat()


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _check_value(spec: FieldSpec, value: Any, path: str, errors: list[FieldError]) -> None:
    """Append the errors of one present, non-null value against its spec."""
    kind = spec.kind
    if kind == "enum":
        allowed = spec.values
        if isinstance(value, bool) or value not in allowed:
            expected = ", ".join(str(v) for v in allowed)
            errors.append(FieldError(path, f"unknown value {value!r} (expected one of {expected})"))
    elif kind == "bool":
        if not isinstance(value, bool):
            errors.append(FieldError(path, "not a boolean"))
    elif kind == "date":
        try:
            parse_date(value)
        except ValueError as exc:
            errors.append(FieldError(path, str(exc)))
    elif kind == "money":
        try:
            parse_money(value)
        except MoneyError as exc:
            errors.append(FieldError(path, str(exc)))
    elif kind in ("quantity", "count"):
        try:
            number = parse_quantity(value)
        except MoneyError as exc:
            errors.append(FieldError(path, str(exc)))
        else:
            if kind == "count" and number != number.to_integral_value():
                errors.append(FieldError(path, "not a whole number"))
            if spec.sign == "positive" and number <= 0:
                errors.append(FieldError(path, "must be greater than zero"))
            elif spec.sign == "non_negative" and number < 0:
                errors.append(FieldError(path, "must not be negative"))
            if spec.at_most and number > Decimal(spec.at_most):
                errors.append(FieldError(path, f"must not be more than {spec.at_most}"))
    elif kind == "text":
        if not isinstance(value, str):
            errors.append(FieldError(path, "not a string"))
    elif kind == "date_list":
        if not isinstance(value, list):
            errors.append(FieldError(path, "not an array"))
            return
        for i, item in enumerate(value):
            try:
                parse_date(item)
            except ValueError as exc:
                errors.append(FieldError(f"{path}[{i}]", str(exc)))
    elif kind == "object_list":
        if not isinstance(value, list):
            errors.append(FieldError(path, "not an array"))
            return
        for i, item in enumerate(value):
            item_path = f"{path}[{i}]"
            if not isinstance(item, Mapping):
                errors.append(FieldError(item_path, "not an object"))
                continue
            _check_fields(spec.items or {}, item, item_path, errors, required=False)
    elif kind == "object" and not isinstance(value, Mapping):
        errors.append(FieldError(path, "not an object"))
    elif kind == "object" and spec.items:
        _check_fields(spec.items, value, path, errors, required=True)


def _check_fields(
    specs: Mapping[str, FieldSpec],
    obj: Mapping[str, Any],
    prefix: str,
    errors: list[FieldError],
    *,
    required: bool,
) -> None:
    for name, spec in specs.items():
        path = _join(prefix, name)
        value = obj.get(name)
        if value is None:
            # null means "not given" for every optional field; a few facts give null a meaning
            # (no notice, no record) that the engine reads, but it is never a type error.
            if required and spec.required:
                errors.append(FieldError(path, "required"))
            continue
        _check_value(spec, value, path, errors)


def validate_facts(category: str, facts: object, path: str = "facts") -> list[FieldError]:
    """Type and enum check of only the facts present: used for half-filled drafts."""
    if category not in FACT_FIELDS:
        return [FieldError("category", f"unknown category {category!r}")]
    if not isinstance(facts, Mapping):
        return [FieldError(path, "not an object")]
    errors: list[FieldError] = []
    _check_fields(FACT_FIELDS[category], facts, path, errors, required=False)
    return errors


def validate_case(obj: object, path: str = "case") -> list[FieldError]:
    """Full contract validation of one case object; an empty list means it is acceptable."""
    if not isinstance(obj, Mapping):
        return [FieldError(path or "case", "not an object")]
    errors: list[FieldError] = []
    _check_fields(TOP_FIELDS, obj, path, errors, required=True)
    category = obj.get("category")
    facts = obj.get("facts")
    if isinstance(category, str) and category in FACT_FIELDS and isinstance(facts, Mapping):
        errors.extend(validate_facts(category, facts, _join(path, "facts")))
        errors.extend(_check_contract_terms(obj, category, facts, path))
    errors.extend(_order_errors(obj, path))
    errors.extend(_limitation_event_errors(obj.get("limitation_events"), _join(path, "limitation_events")))
    return errors


#: How each contradiction reads: the comparison the later date fails against the event date.
_ORDER = {"report_before_event": ("before", "<"), "knew_before_event": ("before", "<"),
          "bought_after_event": ("after", ">")}


def _order_errors(obj: Mapping[str, Any], path: str) -> list[FieldError]:
    """Dates that cannot all be true (a report or knowledge before the event, a purchase after it), each named
    with the event date it contradicts. The rule is domain.plausibility's, the same the intake forms apply, so
    the CLI, the API and the forms refuse the same cases; a malformed date was already named above."""
    facts = obj.get("facts")
    rows = facts.get("appliances") if isinstance(facts, Mapping) else None
    rows = rows if isinstance(rows, list) else []
    purchases = [date_or_none(row.get("purchase_date")) if isinstance(row, Mapping) else None for row in rows]
    event = date_or_none(obj.get("event_date"))
    found = implausible_dates(event, report=date_or_none(obj.get("report_date")),
                              knew=date_or_none(obj.get("knew_date")), purchases=purchases)
    errors = []
    for item in found:
        assert event is not None  # nothing is found without an event date
        if item.row is not None:
            field, day = _join(path, f"facts.appliances[{item.row}].purchase_date"), purchases[item.row]
        else:
            field, day = _join(path, item.field), date_or_none(obj.get(item.field))
        word, sign = _ORDER[item.code]
        assert day is not None
        errors.append(FieldError(field, f"{word} {_join(path, 'event_date')} ({format_date(day)} {sign} "
                                        f"{format_date(event)})"))
    return errors


_CONTRACT_CATEGORIES = ("outage", "power_quality")
_RULES_2024 = date(2024, 6, 1)


def _check_contract_terms(obj: Mapping[str, Any], category: str, facts: Mapping[str, Any], path: str) -> list[FieldError]:
    """What the field specs cannot say about the agreement and the deductions (part D of issue 15): across
    fields, and by category and date."""
    errors: list[FieldError] = []
    parts = [(k, facts.get(k)) for k in ("unforeseeable_loss", "unmitigated_loss") if facts.get(k) is not None]
    if parts and facts.get("proven_loss") is not None:
        try:
            over = sum((parse_money(v) for _, v in parts), Decimal(0)) > parse_money(facts.get("proven_loss"))
        except MoneyError:
            over = False
        if over:
            names = " and ".join(f"facts.{k}" for k, _ in parts)
            errors.append(FieldError(_join(path, f"facts.{parts[0][0]}"),
                                     f"{names} together exceed facts.proven_loss"))
    agreement = obj.get("agreement")
    kind = agreement.get("kind") if isinstance(agreement, Mapping) else None
    where = _join(path, "agreement.kind")
    if kind in ("liquidated_damages", "rule_formula_agreed") and category not in _CONTRACT_CATEGORIES:
        errors.append(FieldError(where, f"{kind!r} is a term of the supply contract: only for outage and "
                                        "power_quality claims"))
    event = date_or_none(obj.get("event_date"))
    if kind == "rule_formula_agreed" and event is not None and event < _RULES_2024:
        errors.append(FieldError(where, "'rule_formula_agreed' is the exception of the 2024 Rules (events from "
                                        "2024-06-01, see event_date); use 'liquidated_damages' before that"))
    return errors


def _limitation_event_errors(events: object, path: str) -> list[FieldError]:
    """Each limitation event names its day and kind; an end cannot come before its start (both fields named)."""
    if not isinstance(events, list):
        return []
    errors: list[FieldError] = []
    for i, item in enumerate(events):
        if not isinstance(item, Mapping):
            continue  # reported by the type check
        at = f"{path}[{i}]"
        for key in ("date", "kind"):
            if item.get(key) is None:
                errors.append(FieldError(f"{at}.{key}", "required"))
        start, until = date_or_none(item.get("date")), date_or_none(item.get("until"))
        if start is not None and until is not None and until < start:
            errors.append(FieldError(f"{at}.until", f"before {at}.date ({until.isoformat()} < {start.isoformat()})"))
    return errors


def validate_cases(items: object, path: str = "cases") -> list[FieldError]:
    """Validate a JSON array of cases; each error path names the case's index."""
    if not isinstance(items, list):
        return [FieldError(path, "not an array")]
    errors: list[FieldError] = []
    for i, item in enumerate(items):
        errors.extend(validate_case(item, f"{path}[{i}]"))
    return errors
