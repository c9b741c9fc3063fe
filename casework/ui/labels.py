"""Human names, in Chinese with English translations, for the codes the domain stores."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

CATEGORY = {
    "appliance": _l("家电损坏"),
    "outage": _l("停电损失"),
    "power_quality": _l("电压质量"),
    "crop": _l("青苗补偿"),
    "trees": _l("林木补偿"),
    "land_tower": _l("杆塔占地"),
    "injury": _l("人身损害"),
    "service_dispute": _l("服务纠纷"),
}

STATE = {
    "draft": _l("草稿"),
    "registered": _l("已登记"),
    "assessed": _l("已审查"),
    "evidence_complete": _l("证据齐全"),
    "decision_pending": _l("待审批"),
    "settled": _l("已和解"),
    "paid": _l("已支付"),
    "rejected": _l("已驳回"),
    "in_litigation": _l("诉讼中"),
    "judged": _l("已判决"),
    "closed": _l("已结案"),
    "withdrawn": _l("已撤回"),
}

ROLE = {
    "field": _l("供电所人员"),
    "legal": _l("法务专员"),
    "legal_head": _l("法务负责人"),
    "auditor": _l("审计人员"),
    "admin": _l("系统管理员"),
}

ACCOUNT_REQUEST = {
    "grant": _l("授予或提升角色"),
    "reset": _l("重置密码"),
}

UNIT_KIND = {
    "province": _l("省公司"),
    "city": _l("市公司"),
    "county": _l("县公司"),
    "station": _l("供电所"),
}

FIELD = {
    "claimant_name": _l("索赔人姓名"),
    "claimant_id_number": _l("身份证号"),
    "claimant_phone": _l("联系电话"),
    "claimant_address": _l("索赔人住址"),
    "claimant_bank_account": _l("银行账号"),
    "address": _l("事发地点"),
    "event_on": _l("事发日期"),
    "reported_on": _l("报案日期"),
    "claimed_amount": _l("索赔金额"),
    "description": _l("情况说明"),
    "number": _l("案件编号"),
    "category": _l("类别"),
    "state": _l("状态"),
    "unit": _l("所属单位"),
    "outcome": _l("审查结论"),
    "amount": _l("应赔金额"),
    "version": _l("规则表版本"),
    "event": _l("操作"),
    "reason": _l("理由"),
    "assignee": _l("承办人"),
    "kind": _l("证据类别"),
    "name": _l("文件名"),
    "size": _l("大小（字节）"),
    "sha256": _l("SHA-256"),
    "media_type": _l("文件类型"),
    "withdrawn": _l("已撤回"),
}

ACTION = {
    "case.open": _l("登记案件"),
    "case.edit": _l("修改案件"),
    "case.view_identifiers": _l("查看完整身份信息"),
    "case.denied": _l("越权访问案件"),
    "login": _l("登录系统"),
    "login.failed": _l("登录失败"),
    "login.throttled": _l("登录受限"),
    "logout": _l("退出登录"),
    "user.create": _l("创建用户"),
    "user.update": _l("修改用户"),
    "user.password_reset": _l("重置密码"),
    "user.password_changed": _l("本人修改密码"),
    "user.sessions_ended": _l("结束登录会话"),
    "login.code_failed": _l("两步验证失败"),
    "user.second_factor_enrolled": _l("启用两步验证"),
    "user.second_factor_reset": _l("重置两步验证"),
    "user.recovery_code_used": _l("使用恢复码登录"),
    "account.request": _l("提交账号申请"),
    "account.approve": _l("批准账号申请"),
    "account.reject": _l("拒绝账号申请"),
    "unit.create": _l("创建单位"),
    "unit.update": _l("修改单位法人信息"),
    "case.rule_check": _l("法律依据审查"),
    "case.transition": _l("状态变更"),
    "case.assign": _l("分派承办人"),
    "rules.publish": _l("发布规则表"),
    "rules.draft": _l("起草规则表"),
    "rules.parameter": _l("修改参数"),
    "rules.replace": _l("替换规则表草稿"),
    "rules.submit": _l("提交规则表审批"),
    "rules.return": _l("退回规则表"),
    "rules.recheck": _l("全部复查"),
    "calendar.set": _l("修改节假日"),
    "calendar.remove": _l("删除节假日"),
    "calendar.import": _l("导入节假日安排"),
    "token.create": _l("创建接口令牌"),
    "token.revoke": _l("吊销接口令牌"),
    "evidence.upload": _l("上传证据"),
    "evidence.view": _l("查看证据"),
    "evidence.download": _l("下载证据"),
    "evidence.withdraw": _l("撤回证据"),
    "evidence.denied": _l("越权访问证据"),
    "evidence.waive": _l("免除证据项"),
    "evidence.unwaive": _l("撤销免除"),
    "evidence.quarantine": _l("隔离无主文件"),
    "decision.propose": _l("提出处理意见"),
    "decision.approve": _l("批准处理意见"),
    "decision.return": _l("退回处理意见"),
    "decision.payment": _l("登记付款"),
    "decision.litigation": _l("登记诉讼进展"),
    "document.generate": _l("生成文书"),
    "document.download": _l("下载文书"),
    "document.denied": _l("越权访问文书"),
    "dossier.seal": _l("封存案卷"),
    "dossier.download": _l("下载案卷"),
    "export.case": _l("导出案件"),
    "file.damaged": _l("文件损坏"),
    "file.restored": _l("文件已恢复"),
    "store.staging_cleared": _l("清理未完成的上传"),
    "audit.anchor": _l("锚定审计链"),
    "backup.create": _l("备份数据"),
    "backup.fail": _l("备份失败"),
    "backup.restore": _l("从备份恢复"),
}

# A stored file whose bytes are no longer what was recorded: why its download is refused.
DAMAGE_TITLE = _l("文件未通过完整性校验")
DAMAGE = {
    "changed": _l("该文件的内容与登记时的 SHA-256 校验值不符，可能已被篡改或损坏。系统已将其标记为损坏并暂停下载，"
                  "以免提供被改动的文件。请联系系统管理员从备份恢复该文件。"),
    "missing": _l("该文件在存储中缺失，已标记为损坏并暂停下载。请联系系统管理员从备份恢复该文件。"),
}

OUTCOME = {
    "liable": _l("应当赔偿"),
    "not_liable": _l("不承担赔偿责任"),
    "reduced": _l("应赔偿，但法院可能酌减"),
    "time_barred": _l("已超过时限"),
    "outside_service_boundary": _l("不属于供电企业业务范围"),
    "insufficient_facts": _l("事实不足，无法判断"),
}

FLAG = {
    "litigation_risk": _l("诉讼风险：对方仍可能起诉并获法院受理"),
    "limitation_plea_required": _l("须由供电企业主张诉讼时效抗辩"),
    "unverified_parameter": _l("使用了尚未核实的参数"),
    "court_discretion": _l("赔偿数额由法院裁量"),
}

DEADLINE = {
    "report_window": _l("报损期限"),
    "on_site_investigation": _l("现场调查期限"),
    "limitation": _l("诉讼时效届满"),
    "limitation_longstop": _l("最长权利保护期间届满"),
    "notice_period": _l("停电通知期限"),
    "internal_first_check": _l("内部时限：首次法律审查"),
    "internal_decision": _l("内部时限：作出处理决定"),
}

METHOD = {
    "repair": _l("按修复费用"),
    "full_price": _l("按原价"),
    "depreciated": _l("按折旧后价格"),
    "floor_10pct": _l("按原价 10%"),
}

TABLE_STATUS = {
    "draft": _l("草稿"),
    "submitted": _l("待审批"),
    "published": _l("现行"),
    "superseded": _l("已被取代"),
}

EVENT = {
    "submit": _l("提交登记"),
    "confirm_check": _l("确认审查结论"),
    "complete_evidence": _l("证据已齐全"),
    "propose": _l("提出处理意见"),
    "approve_settlement": _l("批准和解"),
    "approve_rejection": _l("批准驳回"),
    "approve_escalation": _l("批准提起或应诉"),
    "return_proposal": _l("退回处理意见"),
    "record_payment": _l("登记付款"),
    "record_judgment": _l("登记判决"),
    "close": _l("结案"),
    "withdraw": _l("撤回"),
    "reopen": _l("重新打开"),
}

# Why a transition is refused, in words (reason codes from casework.domain.lifecycle).
REFUSAL = {
    "wrong_state": _l("案件当前状态不允许此操作"),
    "role": _l("您的角色不能执行此操作"),
    "report_before_event": _l("报案日期早于事发日期，请更正"),
    "not_checked": _l("尚未进行法律依据审查"),
    "insufficient_facts": _l("法律依据审查显示事实不足，请先补充事实"),
    "no_proposal": _l("还没有处理意见"),
    "own_proposal": _l("不能审批自己提出的处理意见"),
    "needs_head": _l("此处理意见须由法律部门负责人审批"),
    "no_payment": _l("尚未登记付款"),
    "no_judgment": _l("尚未登记判决"),
    "reason_required": _l("请填写理由"),
    # The evidence guard when no evidence stage reported what is missing (fail closed).
    "evidence:not_reported": _l("证据清单未能核对，暂不能确认证据齐全；请联系系统管理员"),
}

MISSING_PREFIX = _l("缺少：")
EVIDENCE_PREFIX = _l("缺少证据：")

EVIDENCE_KIND = {
    "registration_record": _l("损坏登记笔录（用户签字）"),
    "appliance_photos": _l("损坏电器照片"),
    "purchase_proof": _l("购货发票或购置价格、日期证明"),
    "repair_assessment": _l("维修检测意见"),
    "complaint_record": _l("报修、投诉记录"),
    "outage_record": _l("停电记录"),
    "notice_record": _l("停电通知记录"),
    "consumption_history": _l("用电量记录"),
    "loss_proof": _l("损失证明"),
    "quality_measurement": _l("电压（频率）测量记录"),
    "damage_photos": _l("损坏照片"),
    "site_photos": _l("现场照片"),
    "area_measurement": _l("面积测量记录"),
    "land_contract": _l("土地承包合同"),
    "rate_schedule": _l("当地补偿标准"),
    "tree_inventory": _l("林木清点记录"),
    "ownership_proof": _l("林木权属证明"),
    "planting_date_proof": _l("种植时间证明"),
    "construction_records": _l("施工记录"),
    "compensation_records": _l("补偿记录"),
    "land_right_proof": _l("土地权属证明"),
    "medical_records": _l("病历及医疗费票据"),
    "scene_photos": _l("事故现场照片"),
    "warning_signs": _l("警示标志照片"),
    "police_report": _l("公安或安监部门记录"),
    "correspondence": _l("往来函件"),
    "supply_contract": _l("供用电合同"),
    "other": _l("其他材料"),
}

# Why a whole upload was refused (nothing of it kept).
UPLOAD_ERROR = {
    "file_too_large": _l("文件超过大小上限，未保存。"),
    "too_many_files": _l("一次上传的文件过多，请分批上传。"),
    "too_many_parts": _l("表单内容过多。"),
    "field_too_large": _l("备注过长。"),
    "unexpected_file": _l("表单内容无效。"),
    "incomplete": _l("上传中断，未保存任何文件，请重试。"),
    "no_space": _l("服务器存储空间不足，未保存任何文件。请通知系统管理员。"),
}

# Why one file was refused, by the inspection of its content.
UPLOAD_REFUSAL = {
    "empty": _l("文件为空"),
    "executable": _l("可执行程序，不能作为证据"),
    "active_content": _l("含有网页、脚本或宏，不能作为证据"),
    "unknown_type": _l("不支持的文件类型（支持照片、PDF、文本/CSV、Excel、MP4 视频）"),
    "truncated": _l("文件不完整或已损坏"),
    "too_many_pixels": _l("图片像素过多"),
    "archive_unsafe": _l("压缩结构异常，可能有害"),
    "not_text": _l("不是可读的文本文件"),
}

# Warnings kept with an accepted file.
EVIDENCE_FLAG = {
    "pdf_javascript": _l("PDF 含脚本"),
    "pdf_launch": _l("PDF 含启动外部程序的动作"),
    "pdf_embedded_file": _l("PDF 内嵌文件"),
    "pdf_open_action": _l("PDF 含打开时自动执行的动作"),
    "pdf_encrypted": _l("PDF 已加密"),
}

YES = _l("是")
NO = _l("否")

DECISION_KIND = {
    "settle": _l("和解赔偿"),
    "reject": _l("不予赔偿"),
    "escalate": _l("移交诉讼"),
}

PAYMENT_METHOD = {
    "bank_transfer": _l("银行转账"),
    "cash": _l("现金"),
    "offset": _l("抵扣电费"),
}

LITIGATION_ROLE = {
    "defendant": _l("被告"),
    "plaintiff": _l("原告"),
}

LITIGATION_STEP = {
    "court_number": _l("法院案号"),
    "hearing": _l("开庭"),
    "judgment": _l("判决"),
    "appeal": _l("上诉"),
    "enforcement": _l("执行"),
}

# How a lawsuit ended for the utility (litigation_entry.result, on a judgment).
JUDGMENT_RESULT = {
    "won": _l("胜诉"),
    "partly": _l("部分胜诉"),
    "lost": _l("败诉"),
    "mediated": _l("调解或和解结案"),
    "withdrawn": _l("对方撤诉"),
}

# The approved decision as the case keeps it (case_record.decision_kind, domain.summary.DECISIONS).
DECIDED = {
    "settled": _l("已和解赔偿"),
    "rejected": _l("不予赔偿"),
    "court": _l("移交诉讼"),
}

SIMILAR_WHY = {
    "same_claimant": _l("同一索赔人"),
    "same_event": _l("同一事件"),
    "same_place": _l("同一地点"),
    "same_kind_nearby": _l("同类、金额相近"),
}

PROPOSAL_STATUS = {
    "open": _l("待审批"),
    "approved": _l("已批准"),
    "returned": _l("已退回"),
}

DECISION_PROBLEM = {
    "required": _l("必填"),
    "amount": _l("请填写正确的金额"),
    "reason_too_short": _l("须写明理由：至少两句、50 字以上，说明为何在法定依据之外支付或与类似案件处理不同"),
    "no_settlement": _l("没有已批准的和解"),
    "not_in_litigation": _l("案件不在诉讼中"),
}

# The claim's facts (domain/contract.py enums), by fact name: the case page, the history and the dossier word
# them through here, so English mode has English. Values as the contract stores them (voltages as numbers).
FACT_CHOICE: dict[str, dict[object, object]] = {
    "facility_owner": {"utility": _l("供电企业"), "customer": lazy_pgettext("facility owner", "用户"), "third_party": _l("第三方"),
                       "village_collective": _l("村集体")},
    "cause": {"utility_fault": _l("供电企业责任"), "force_majeure": _l("不可抗力"), "third_party": _l("第三人原因"),
              "victim_fault": _l("受害人过错"), "victim_intent": _l("受害人故意"),
              "product_quality": _l("产品质量问题"), "unknown": _l("原因不明")},
    "customer_type": {"residential": _l("居民用户"), "non_residential": _l("非居民用户")},
    "supply_voltage_v": {220: _l("220伏"), 380: _l("380伏")},
    "fault_type": {"phase_neutral_swapped": _l("相线与零线接错或三相相序接反"), "neutral_broken": _l("零线断线"),
                   "phase_neutral_contact": _l("相线与零线互碰"),
                   "hv_onto_lv": _l("高压线路掉落或放电到220/380伏线路"), "other": _l("其他")},
    "class": {"electronic": _l("电子类（10年）"), "motor": _l("电机类（12年）"),
              "resistive_heating": _l("电阻电热类（5年）"), "light_source": _l("电光源类（2年）")},
    "outage_cause": {"utility_accident": _l("供电企业电力运行事故"), "planned_maintenance": _l("计划检修"),
                     "temporary_maintenance": _l("临时检修"), "grid_fault_or_rationing": _l("电网故障或限电"),
                     "natural_disaster": _l("自然灾害"), "customer_fault": _l("用户责任"),
                     "disconnection_arrears_or_violation": _l("因欠费或违约用电停止供电")},
    "tariff": {"two_part": _l("两部制"), "single_part": _l("单一制及其他")},
    "quality_kind": {"voltage": _l("电压"), "frequency": _l("频率")},
    "grid_capacity": {"large_grid": _l("300万千瓦以上"), "small_grid": _l("不足300万千瓦")},
    "work_kind": {"construction": _l("新建、改建、扩建"), "maintenance": _l("运行维护")},
    "reason": {"new_line_corridor": _l("新建线路通道"), "protection_zone_clearance": _l("保护区内清障")},
    "action": {"fell": _l("砍伐"), "prune": _l("修剪")},
    "claim_kind": {"recurring_fee": _l("逐年占地费"), "unpaid_one_time": _l("未付一次性补偿"),
                   "removal": _l("迁移杆塔线路")},
    "victim_conduct": {"none": _l("无过错"), "gross_negligence": _l("重大过失（如攀爬杆塔、线下放风筝）"),
                       "intent": _l("故意"), "unauthorised_entry": _l("未经许可进入围栏或警示区域")},
    "prohibited_act": {"climbing_tower": _l("擅自攀登杆塔"), "kite_flying": _l("在架空电力线路两侧300米内放风筝"),
                       "none": _l("无")},
}

NOT_FILLED = _l("未填写")
OTHER = _l("其他")
SYSTEM_ACTOR = _l("系统")

# The letters a case can have (decision/letters.py KINDS).
LETTER_KIND = {
    "settlement_agreement": _l("和解协议"),
    "rejection_letter": _l("不予赔偿告知书"),
    "referral_memo": _l("诉讼移交函"),
}

# What a damaged or restored stored file's entry says went wrong (evidence/fixity.py).
FILE_PROBLEM = {
    "changed": _l("内容与校验值不符"),
    "missing": _l("文件缺失"),
}

# Retention actions (export/retention.py APPLY), by data class.
RETENTION_CLASS = {
    "identifiers": _l("删除身份信息"),
    "bank_accounts": _l("删除银行账号"),
    "evidence": _l("删除证据文件"),
}

# Actions recorded on a case that the catalogue above does not name yet (kept apart to keep merges simple).
ACTION.update({
    "retention.hold": _l("设置保全（暂停到期删除）"),
    "retention.release": _l("解除保全"),
    "retention.identifiers": _l("到期删除身份信息"),
    "retention.bank_accounts": _l("到期删除银行账号"),
    "retention.evidence": _l("到期删除证据文件"),
    "export.batch.request": _l("申请批量导出"),
    "export.batch.run": _l("执行批量导出"),
    "export.batch.finish": _l("批量导出完成"),
    "export.batch.fail": _l("批量导出失败"),
    "export.batch.download": _l("下载批量导出"),
    "pii.rotate": _l("更换个人信息密钥"),
    "bench.seed": _l("生成演示数据"),
})

NOT_APPLICABLE = _l("不适用")
UNASSIGNED = _l("未分派")
GPS = _l("GPS 位置")

# i14-c2: the on-site investigation as a recorded action, and its history entry.
ACTION.update({"case.site_visit": _l("记录现场调查")})
FIELD.update({
    "visited_at": _l("调查时间"),
    "visitors": _l("调查人员"),
    "place": _l("调查地点"),
    "attendees": _l("在场人员"),
    "notes": _l("调查情况"),
    "gps": _l("现场定位"),
    "duty_due_on": _l("下一期限"),
})

# i16-grid: where on the network a claim happened, and the asset register it is chosen from.
FIELD.update({
    "grid_line": _l("线路"),
    "grid_district": _l("台区"),
    "grid_tower": _l("杆塔号"),
    "customer_number": _l("户号"),
    "meter_number": _l("表号"),
})
ACTION.update({"assets.import": _l("导入资产台账")})
#: A hotspot's claims in the later half of the period against the earlier half (domain.hotspots).
TREND = {"rising": _l("上升"), "flat": _l("持平"), "falling": _l("下降")}
ASSET_KIND = {"line": _l("线路"), "district": _l("台区"), "tower": _l("杆塔")}
ASSET_PROBLEM = {
    "empty_file": _l("文件是空的，第一行应为表头"),
    "no_rows": _l("文件只有表头，没有资产"),
    "too_many_rows": _l("行数过多（最多 %(detail)s 行），请按单位分开导入"),
    "too_large": _l("文件过大（最大 16 MB）"),
    "encoding": _l("无法识别文件编码：请保存为 UTF-8 或 GB18030 编码的 CSV，或 XLSX"),
    "not_a_table": _l("无法读取为表格：请上传 CSV 或 XLSX 文件"),
    "missing_column": _l("缺少“%(detail)s”列"),
    "kind_missing": _l("未填写类型"),
    "kind_unknown": _l("类型“%(detail)s”无法识别，应为 线路、台区 或 杆塔"),
    "name_missing": _l("未填写名称"),
    "unit_outside": _l("单位编码“%(detail)s”不存在，或不在导入的单位之下"),
    "duplicate": _l("与第 %(detail)s 行重复（同一单位、同一类型、同一名称）"),
    "too_long": _l("“%(detail)s”过长"),
    "control_characters": _l("“%(detail)s”包含无法显示的控制字符"),
}
ASSET_LINE = _l("第 %(line)s 行")
ASSET_FILE = _l("文件")


def asset_problem(problem: Any) -> str:
    """One import problem as a person reads it: where (the row, or the file), then what is wrong."""
    where = ASSET_LINE % {"line": problem.line} if problem.line else ASSET_FILE
    text = ASSET_PROBLEM.get(problem.code)
    what = text % {"detail": problem.detail} if text is not None else problem.code
    return f"{where}：{what}"

# -- the claims summary's figures (casework analytics rebuild reports them) ------------------------------
SUMMARY_FIGURE = {
    "cases": _l("案件数"),
    "withdrawn": _l("撤回数"),
    "check_liable": _l("审查结论为应当赔偿的案件数"),
    "check_reduced": _l("审查结论为可能酌减的案件数"),
    "check_not_liable": _l("审查结论为不承担责任的案件数"),
    "check_time_barred": _l("审查结论为已超过时限的案件数"),
    "check_outside_service_boundary": _l("审查结论为不属于业务范围的案件数"),
    "check_insufficient_facts": _l("审查结论为事实不足的案件数"),
    "check_other": _l("审查结论为其他的案件数"),
    "check_none": _l("尚未审查的案件数"),
    "decided_settled": _l("决定和解的案件数"),
    "decided_rejected": _l("决定不予赔偿的案件数"),
    "decided_court": _l("移交诉讼的案件数"),
    "goodwill": _l("酌情补偿的案件数"),
    "claimed_amount": _l("索赔金额"),
    "assessed_amount": _l("审查应赔金额"),
    "settled_amount": _l("和解金额"),
    "paid_amount": _l("已付金额"),
    "paid_above_assessed_amount": _l("超出审查金额的已付金额"),
}

# -- the analytics PDF report (analytics.report_views) ------------------------------------------------
ACTION.update({"analytics.report": _l("下载统计分析报告"), "analytics.download": _l("下载统计表格"),
               "analytics.rebuild": _l("重新汇总统计数据")})
