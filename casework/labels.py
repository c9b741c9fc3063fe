"""Human names, in Chinese with English translations, for the codes the domain stores."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

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
}

ACTION = {
    "case.open": _l("登记案件"),
    "case.edit": _l("修改案件"),
    "case.view_identifiers": _l("查看完整身份信息"),
    "login": _l("登录系统"),
    "login.failed": _l("登录失败"),
    "login.throttled": _l("登录受限"),
    "logout": _l("退出登录"),
    "user.create": _l("创建用户"),
    "user.update": _l("修改用户"),
    "user.password_reset": _l("重置密码"),
    "user.password_changed": _l("本人修改密码"),
    "user.sessions_ended": _l("结束登录会话"),
    "unit.create": _l("创建单位"),
}
