"""What a refused account operation tells the user, keyed by the service's error key."""

from flask_babel import lazy_gettext as _l

ACCOUNT_ERRORS = {
    "too_short": _l("密码至少需要 8 个字符"),
    "too_long": _l("密码不能超过 128 个字符"),
    "too_common": _l("这个密码太常见，容易被猜中，请换一个"),
    "contains_username": _l("密码不能包含用户名"),
    "context_word": _l("密码不能包含“供电”“电力”等与本单位相关的词"),
    "wrong_current_password": _l("当前密码不正确"),
    "same_password": _l("新密码不能与当前密码相同"),
    "username_taken": _l("该用户名已被使用"),
    "unit_code_taken": _l("该单位编码已被使用"),
    "unit_level": _l("层级不符：省公司之下为市公司，市公司之下为县公司，县公司之下为供电所"),
    "not_yourself": _l("不能停用自己的账号或取消自己的管理员角色"),
    "not_own_factor": _l("不能重置自己的两步验证，请另一位管理员操作"),
    "factor_exists": _l("已设置两步验证"),
    "awaiting_approval": _l("该账号尚待批准，批准后才会生成一次性密码"),
    "not_your_decision": _l("您不能批准此申请：申请人和账号本人不能批准，且须由负责该单位的法务负责人（管理员账号须由另一位管理员）批准"),
}
