"""The register import form: which unit, which file."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import ValidationError


class UnitChoice(SelectField):
    """A unit from the list the viewer may import for, refused in Chinese otherwise."""

    def pre_validate(self, form: Any) -> None:
        if self.data not in {str(value) for value, _label in self.choices or []}:
            raise ValidationError(_l("请从列表中选择"))


class ImportForm(FlaskForm):
    unit_id = UnitChoice(_l("台账所属单位"), choices=[])
    file = FileField(_l("台账文件（CSV 或 XLSX）"), validators=[FileRequired(_l("请选择文件"))])
