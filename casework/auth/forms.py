"""Forms for logging in, changing a password, and administering users and units."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Regexp
from wtforms.widgets import HiddenInput

from casework.auth.models import UNIT_KINDS
from casework.domain.access import Role
from casework.ui.labels import ROLE, UNIT_KIND

_USERNAME = Regexp(r"^[a-z0-9][a-z0-9._-]*$", message=_l("只能使用小写字母、数字、点、下划线和连字符"))
_CODE = Regexp(r"^[A-Za-z0-9][A-Za-z0-9_-]*$", message=_l("只能使用字母、数字、下划线和连字符"))


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(_l("请输入用户名")), Length(max=64)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码")), Length(max=128)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("登录"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请输入当前密码"))],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("新密码"), validators=[DataRequired(_l("请输入新密码")), Length(max=128)],
                        description=_l("至少 8 个字符，可使用中文、空格或短语；不能是常见密码"),
                        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("确认新密码"), validators=[EqualTo("new", _l("两次输入的新密码不一致"))],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("修改密码"))


def _role_choices() -> list[tuple[str, str]]:
    return [(r.value, str(ROLE[r.value])) for r in Role]


class UserForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(_l("请输入用户名")), Length(max=64), _USERNAME])
    display_name = StringField(_l("姓名"), validators=[DataRequired(_l("请输入姓名")), Length(max=100)])
    role = SelectField(_l("角色"), choices=_role_choices, validators=[DataRequired()])
    unit_id = SelectField(_l("所属单位"), coerce=int, validate_choice=True)
    active = BooleanField(_l("启用"), default=True)
    submit = SubmitField(_l("保存"))


class UnitForm(FlaskForm):
    code = StringField(_l("单位编码"), validators=[DataRequired(_l("请输入单位编码")), Length(max=32), _CODE])
    name = StringField(_l("单位名称"), validators=[DataRequired(_l("请输入单位名称")), Length(max=100)])
    kind = SelectField(_l("层级"), choices=lambda: [(k, str(UNIT_KIND[k])) for k in UNIT_KINDS])
    parent_id = SelectField(_l("上级单位"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("新建单位"))


class LegalEntityForm(FlaskForm):
    """A unit's legal entity: the registered name (companies) and which unit's entity signs for it."""

    legal_name = StringField(_l("法人名称"), validators=[Length(max=100)],
                             description=_l("登记的法人全称，如“国网××县供电公司”；供电所不是法人，留空"))
    signing_unit_id = SelectField(_l("签章单位"), coerce=int, validate_choice=True,
                                  description=_l("文书中由哪个单位的法人签字盖章；默认为最近的有法人名称的上级公司"))
    submit = SubmitField(_l("保存法人信息"))


class ConfirmForm(FlaskForm):
    """A bare form for buttons that change state: it carries only the CSRF token."""

    submit = SubmitField(_l("确认"))


class CodeForm(FlaskForm):
    """The second step of a login: the authenticator's code, or one recovery code."""

    code = StringField(_l("验证码"), validators=[DataRequired(_l("请输入验证码")), Length(max=32)],
                       description=_l("身份验证器上的 6 位数字；手机丢失时可输入一个恢复码"),
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "none", "autofocus": True})
    submit = SubmitField(_l("验证"))


class EnrolForm(FlaskForm):
    code = StringField(_l("验证码"), validators=[DataRequired(_l("请输入验证码")), Length(max=8)],
                       description=_l("扫码后，输入身份验证器显示的 6 位数字"),
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField(_l("启用两步验证"))


class DecisionForm(FlaskForm):
    """Approve or reject one account request."""

    request_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)], widget=HiddenInput())
    approve = SubmitField(_l("批准"))
    reject = SubmitField(_l("拒绝"))
