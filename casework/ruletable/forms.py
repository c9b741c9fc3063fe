"""Forms for keeping the rule table and the holiday calendar."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp


class DraftForm(FlaskForm):
    version = StringField(_l("新版本号"), validators=[DataRequired(_l("此项必填")), Length(max=40),
                                                  Regexp(r"^[0-9A-Za-z._-]+$", message=_l("只能使用字母、数字、点、下划线和连字符"))],
                          description=_l("例如 2025.2"))
    summary = TextAreaField(_l("修改说明"), validators=[DataRequired(_l("请说明修改什么、为什么修改")), Length(max=2000)])
    submit = SubmitField(_l("新建草稿"))


class ParameterForm(FlaskForm):
    name = HiddenField(validators=[DataRequired()])
    effective_from = HiddenField(validators=[DataRequired()])
    # empty when a structure is edited box by box (the view composes it from the part-* fields)
    value = StringField(_l("取值"), validators=[Optional(), Length(max=2000)])
    verified = BooleanField(_l("已核实"))
    submit = SubmitField(_l("保存参数"))


class UploadForm(FlaskForm):
    file = FileField(_l("规则表文件（JSON）"), validators=[FileRequired(_l("请选择文件"))])
    submit = SubmitField(_l("用文件替换草稿内容"))


class DecisionForm(FlaskForm):
    comment = TextAreaField(_l("审批意见"), validators=[Length(max=2000)])
    approve = SubmitField(_l("批准并发布"))
    reject = SubmitField(_l("退回修改"))


class CalendarDayForm(FlaskForm):
    day = DateField(_l("日期"), validators=[DataRequired(_l("请输入日期"))])
    kind = SelectField(_l("类型"), choices=lambda: [("holiday", str(_l("法定休假日"))), ("workday", str(_l("调休上班日")))])
    name = StringField(_l("名称"), validators=[DataRequired(_l("此项必填")), Length(max=40)])
    submit = SubmitField(_l("保存"))
