"""The case edit form. It binds only the declared fields and carries the version it was loaded with."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, StopValidation, ValidationError

from casework.domain.personal import id_number_problem, normalise_id_number, normalise_phone, phone_problem
from casework.ui.labels import FIELD

_CONTROL = {chr(c) for c in range(32)} - {"\n", "\r", "\t"}


def without_controls(text: str) -> str:
    """Free text with invisible control characters removed (tabs and line breaks kept): nobody types them,
    PostgreSQL cannot store NUL, and a reason or a note should not fail for a stray byte."""
    return "".join(ch for ch in text if ch not in _CONTROL)


def iso_day(text: str) -> date | None:
    """A YYYY-MM-DD form or query value as a date; None for anything else (blank, malformed, impossible)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def no_control_characters(_form: Any, field: Any) -> None:
    if field.data and any(ch in _CONTROL for ch in str(field.data)):
        raise ValidationError(_l("包含无法显示的控制字符，请删除后重试"))


def valid_id_number(_form: Any, field: Any) -> None:
    if field.data:
        field.data = normalise_id_number(field.data)
        if id_number_problem(field.data):
            raise ValidationError(_l("身份证号无效：应为 18 位，末位校验码须正确"))


def valid_phone(_form: Any, field: Any) -> None:
    if field.data:
        field.data = normalise_phone(field.data)
        if phone_problem(field.data):
            raise ValidationError(_l("电话号码无效：手机号为 11 位，座机请带区号"))


def finite_amount(_form: Any, field: Any) -> None:
    """Decimal accepts NaN and Infinity; a claim amount never is."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation(_l("请输入有效金额，例如 1800.00"))


def _text(label: Any, max_len: int, *extra: Any, required: bool = False, **kw: Any) -> StringField:
    first = DataRequired(_l("此项必填")) if required else Optional()
    return StringField(label, validators=[first, Length(max=max_len, message=_l("不能超过 %(max)d 个字符")),
                                          no_control_characters, *extra], **kw)


class CaseEditForm(FlaskForm):
    version = HiddenField(validators=[DataRequired()])
    claimant_name = _text(FIELD["claimant_name"], 100, required=True)
    claimant_id_number = _text(FIELD["claimant_id_number"], 18, valid_id_number,
                               description=_l("留空表示不修改"), render_kw={"autocomplete": "off"})
    claimant_phone = _text(FIELD["claimant_phone"], 20, valid_phone, description=_l("留空表示不修改"),
                           render_kw={"inputmode": "tel", "autocomplete": "off"})
    claimant_address = _text(FIELD["claimant_address"], 255)
    claimant_bank_account = _text(FIELD["claimant_bank_account"], 34, description=_l("留空表示不修改"),
                                  render_kw={"inputmode": "numeric", "autocomplete": "off"})
    address = _text(FIELD["address"], 255)
    event_on = DateField(FIELD["event_on"], validators=[Optional()])
    reported_on = DateField(FIELD["reported_on"], validators=[Optional()])
    claimed_amount = DecimalField(
        FIELD["claimed_amount"], places=2, validators=[Optional(), finite_amount, NumberRange(min=0, max=9_999_999_999,
                                                                             message=_l("金额须在 0 到 99 亿元之间"))],
        render_kw={"inputmode": "decimal"},
    )
    description = TextAreaField(FIELD["description"], validators=[Optional(), Length(max=5000), no_control_characters])
    grid_line = _text(FIELD["grid_line"], 100, render_kw={"autocomplete": "off"})
    grid_district = _text(FIELD["grid_district"], 100, render_kw={"autocomplete": "off"})
    grid_tower = _text(FIELD["grid_tower"], 40, render_kw={"autocomplete": "off"})
    customer_number = _text(FIELD["customer_number"], 40, render_kw={"inputmode": "numeric", "autocomplete": "off"})
    meter_number = _text(FIELD["meter_number"], 40, render_kw={"inputmode": "numeric", "autocomplete": "off"})
    submit = SubmitField(_l("保存"))

    def changes(self) -> dict[str, Any]:
        """Only the declared case fields, never anything else the request carried (no mass assignment)."""
        fields = ("claimant_name", "claimant_id_number", "claimant_phone", "claimant_address",
                  "claimant_bank_account", "address", "event_on", "reported_on", "claimed_amount", "description",
                  "grid_line", "grid_district", "grid_tower", "customer_number", "meter_number")
        out: dict[str, Any] = {}
        for name in fields:
            value = getattr(self, name).data
            out[name] = value.strip() if isinstance(value, str) else value
            if out[name] == "":
                out[name] = None
        return out

    def loaded_version(self) -> int:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1

