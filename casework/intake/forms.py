"""Intake forms generated from the assessment contract's field specs (casework.domain.contract), one per category."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import DateInput, TextArea

from casework.cases.forms import no_control_characters, valid_id_number, valid_phone
from casework.cases.models import CONTRACT_COLUMNS_BY_FIELD, Case, column_value
from casework.cases.submissions import key_field, posted
from casework.domain.contract import FACT_FIELDS, TOP_FIELDS, FieldSpec, parse_date
from casework.domain.money import MoneyError, parse_money, parse_quantity
from casework.domain.plausibility import implausible_dates
from casework.domain.typed_numbers import TypedNumberError, plain_number
from casework.intake.service import Intake
from casework.ui.labels import FIELD

# Contract kinds one form control can hold; date lists and the facts object itself are not typed in.
SIMPLE = ("enum", "bool", "date", "money", "quantity", "count", "text")
# Facts where an explicit null means something other than "unknown" (the engine tests the key's presence):
# "no notice at all" is not the same as "we do not know yet whether there was notice".
NULL_MEANS = {"notice_given_hours": _l("停电前未通知也未公告")}
# Facts that are the case's own field of the same name (a service dispute's description): one box, stored in both.
SHARED = ("description",)
MAX_MONEY = Decimal("9999999999.99")  # Numeric(12, 2)
# domain.plausibility's codes in words; the dates named as everywhere else (事发日期, 报案日期).
IMPLAUSIBLE = {"report_before_event": _l("报案日期不能早于事发日期"),
               "knew_before_event": _l("知道损害之日不能早于事发日期"),
               "bought_after_event": _l("购置日期晚于事发日期，请核对购置年份")}
# What a claim cannot be submitted without (the lifecycle's missing_intake and the contract's required dates).
REQUIRED = frozenset({"claimant_name", "event_date", "report_date"})
# The controls above the facts, as the page shows them (the banner lists what to fix in this order).
PAGE_ORDER = ("claimant_name", "claimant_id_number", "claimant_phone", "claimant_address", "claimant_bank_account",
              "unit_id", "address", "gps_lat", "gps_lng", "grid_line", "grid_district", "grid_tower",
              "customer_number", "meter_number")
# Where on the grid (issue 16): free text, the register's names offered as suggestions (casework.assets).
GRID_FIELDS = ("grid_line", "grid_district", "grid_tower", "customer_number", "meter_number")


def english() -> bool:
    return str(get_locale() or "zh") == "en"


def spec_label(spec: FieldSpec) -> LazyString:
    """The contract's own label, in the viewer's language at the time the page renders."""
    return LazyString(lambda: spec.label_en if english() else spec.label_zh)


def _length(n: int) -> Length:
    return Length(max=n, message=_l("不能超过 %(max)d 个字符"))


class Choice(SelectField):
    """A select that refuses a value outside its list in Chinese (WTForms would say it in English)."""

    def pre_validate(self, form: Any) -> None:
        choices = self.choices() if callable(self.choices) else self.choices
        if self.data not in {str(choice[0]) for choice in choices or []}:
            raise ValidationError(_l("请从列表中选择"))


_UNSET: Any = object()


class ContractText(StringField):
    """A text control holding one contract value as typed; `spec` says how to read it, `value` is what it read."""

    def __init__(self, *args: Any, spec: FieldSpec, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec, self.value = spec, _UNSET


class ContractChoice(Choice):
    def __init__(self, *args: Any, spec: FieldSpec, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec, self.value = spec, _UNSET


_KEYBOARD = {"money": "decimal", "quantity": "decimal", "count": "numeric"}


def category_name(code: str) -> LazyString:
    """A category's full name as the intake pages show it, in the viewer's language."""
    return LazyString(lambda: dict(TOP_FIELDS["category"].options(english()))[code])


def _control(name: str, spec: FieldSpec) -> Any:
    """One contract field's control: enums and booleans are selects whose empty choice keeps the fact missing."""
    label = spec_label(spec)
    help_text = LazyString(lambda: spec.help(english())) if spec.help_zh else ""
    if spec.kind in ("enum", "bool"):
        empty = _l("请选择") if spec.kind == "enum" else _l("未知")

        def listed() -> list[tuple[str, Any]]:  # in the viewer's language when the page renders
            options = spec.options(english()) if spec.kind == "enum" else (("true", _l("是")), ("false", _l("否")))
            return [("", empty)] + [(str(v), text) for v, text in options]

        # A callable: WTForms 3.3 warns about literal tuples, and the labels follow the viewer's language.
        return ContractChoice(label, choices=listed, spec=spec, description=help_text, default="")
    checks = [Optional(), _length(2000), no_control_characters]
    if spec.kind == "date":
        return ContractText(label, checks, spec=spec, widget=DateInput(), description=help_text)
    if spec.kind in _KEYBOARD:
        return ContractText(label, checks, spec=spec, description=help_text,
                            render_kw={"inputmode": _KEYBOARD[spec.kind], "autocomplete": "off"})
    widget = TextArea() if name == "description" else None
    return ContractText(label, checks, spec=spec, description=help_text, widget=widget)


def read_value(spec: FieldSpec, text: str) -> Any:
    """The contract JSON value of what was typed; ValueError with a Chinese message when it cannot be one."""
    if spec.kind == "enum":
        return next(v for v, _label in spec.choices if str(v) == text)
    if spec.kind == "bool":
        return text == "true"
    if spec.kind == "date":
        try:
            parse_date(text)
        except ValueError:
            raise ValueError(_l("请输入有效日期，例如 2025-07-20")) from None
        return text
    if spec.kind not in _KEYBOARD:
        return text
    try:  # as a person types it: "4500元", "4,500", "¥1,800.00", "１８００"
        text = plain_number(text, currency=spec.kind == "money")
        number = parse_money(text) if spec.kind == "money" else parse_quantity(text)
    except TypedNumberError as exc:
        if exc.code == "negative":
            raise ValueError(_l("不能为负数")) from None
        raise ValueError(_l("请输入数字，例如 1800.00")) from None
    except MoneyError as exc:
        if "decimals" in str(exc):
            raise ValueError(_l("金额最多保留两位小数")) from None
        raise ValueError(_l("请输入数字，例如 1800.00")) from None
    if number > MAX_MONEY:
        raise ValueError(_l("数值过大"))
    # The field's own bounds, as the contract checks them (a zero-hour outage, a fault share above the whole).
    if spec.sign == "positive" and number <= 0:
        raise ValueError(_l("须大于零"))
    if spec.sign == "non_negative" and number < 0:
        raise ValueError(_l("不能为负数"))
    if spec.at_most and number > Decimal(spec.at_most):
        raise ValueError(_l("不能大于%(limit)s", limit=spec.at_most))
    if spec.kind == "count":
        if number != number.to_integral_value():
            raise ValueError(_l("请输入整数"))
        return int(number)
    return text


def show_value(spec: FieldSpec, value: Any) -> str:
    """A stored contract value as its form control shows it."""
    if spec.kind == "bool":
        return "" if value is None else ("true" if value else "false")
    return "" if value is None else str(value)


def _subform(specs: dict[str, FieldSpec], name: str, skip: tuple[str, ...] = ()) -> type[Form]:
    attrs: dict[str, Any] = {}
    for key, spec in specs.items():
        if key in skip:
            continue
        if spec.kind in SIMPLE:
            attrs[key] = _control(key, spec)
        elif spec.kind == "object_list" and spec.items:
            row = _subform(dict(spec.items), f"{name}_{key}")
            attrs[key] = FieldList(FormField(row), label=spec_label(spec), min_entries=1, max_entries=50)
        if key in NULL_MEANS:
            attrs[f"{key}_none"] = Choice(NULL_MEANS[key], choices=lambda: [("", _l("否")), ("1", _l("是"))], default="")
    return type(f"{name.title().replace('_', '')}Facts", (Form,), attrs)


def _coordinate(limit: int) -> Any:
    def check(_form: Any, field: Any) -> None:
        try:
            value = Decimal(field.data)
            ok = value.is_finite() and abs(value) <= limit
        except ArithmeticError:
            ok = False
        if not ok:
            raise ValidationError(_l("位置坐标无效，请重新获取"))

    return check


def _text(label: Any, max_len: int, *extra: Any, **kw: Any) -> StringField:
    return StringField(label, [Optional(), _length(max_len), no_control_characters, *extra], **kw)


class IntakeForm(FlaskForm):
    """Claimant, place, the contract's top-level facts; `facts` (the category's own) is added per category."""

    version = HiddenField()
    form_key = key_field()  # a new claim's one-time key: a second submit of this form opens the first case
    claimant_name = _text(FIELD["claimant_name"], 100, render_kw={"autocomplete": "off"})
    claimant_id_number = _text(FIELD["claimant_id_number"], 18, valid_id_number, render_kw={"autocomplete": "off"})
    claimant_phone = _text(FIELD["claimant_phone"], 20, valid_phone,
                           render_kw={"inputmode": "tel", "autocomplete": "off"})
    claimant_address = _text(FIELD["claimant_address"], 255)
    claimant_bank_account = _text(FIELD["claimant_bank_account"], 34,
                                  render_kw={"inputmode": "numeric", "autocomplete": "off"})
    unit_id = Choice(FIELD["unit"], choices=[])
    address = _text(FIELD["address"], 255)
    gps_lat = HiddenField(validators=[Optional(), _coordinate(90)])
    gps_lng = HiddenField(validators=[Optional(), _coordinate(180)])
    grid_line = _text(FIELD["grid_line"], 100, render_kw={"autocomplete": "off"})
    grid_district = _text(FIELD["grid_district"], 100, render_kw={"autocomplete": "off"})
    grid_tower = _text(FIELD["grid_tower"], 40, render_kw={"autocomplete": "off"})
    customer_number = _text(FIELD["customer_number"], 40, render_kw={"inputmode": "numeric", "autocomplete": "off"})
    meter_number = _text(FIELD["meter_number"], 40, render_kw={"inputmode": "numeric", "autocomplete": "off"})
    description = TextAreaField(FIELD["description"], [Optional(), _length(5000), no_control_characters])
    category: str = ""
    top_names: tuple[str, ...] = ()  # the generated top-level fact controls, in contract order
    contract_names: tuple[str, ...] = ()  # the same and claimed_amount: every top-level contract control

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in REQUIRED:  # rendered `required` and marked "*"; the form is novalidate so drafts still save
            self[name].flags.required = True

    def problems(self) -> list[tuple[str, str, str]]:
        """Each field to fix, in page order, for the banner: (its id, what it is called, its first error)."""
        out = []
        for name in (*PAGE_ORDER, *self.top_names):
            field = self[name]
            if field.errors:  # the position is two hidden inputs: the link goes to its button and status
                where = ("gps", str(_l("手机定位位置"))) if name.startswith("gps_") else (field.id, str(field.label.text))
                out.append((*where, str(field.errors[0])))
        for field in self.facts.form:  # type: ignore[attr-defined]
            if isinstance(field, FieldList):
                for n, entry in enumerate(field.entries, start=1):
                    out.extend((f.id, f"{_l('第 %(n)s 件', n=n)} {f.label.text}", str(f.errors[0]))
                               for f in entry.form if f.errors)
            elif field.errors:
                out.append((field.id, str(field.label.text), str(field.errors[0])))
        out.extend((self[name].id, str(self[name].label.text), str(self[name].errors[0]))
                   for name in ("claimed_amount", "description") if self[name].errors)
        return out

    @property
    def rows(self) -> FieldList | None:
        """The appliance list (or any other list of objects the category's facts hold)."""
        return next((f for f in self.facts.form if isinstance(f, FieldList)), None)  # type: ignore[attr-defined]

    def sections(self) -> dict[str, list[Field]]:
        """The controls by where the page shows them; the rarely needed ones (contract extensions) folded away."""
        tops = [getattr(self, name) for name in self.top_names]
        facts = list(self.facts.form)  # type: ignore[attr-defined]
        return {"event": [f for f in tops if not _rare(f)], "facts": [f for f in facts if not _rare(f)],
                "more": [f for f in tops + facts if _rare(f)]}

    @staticmethod
    def split_row(row: Form) -> tuple[list[Field], list[Field]]:
        return [f for f in row if not _rare(f)], [f for f in row if _rare(f)]

    def read(self, today: date, *, submitting: bool, lenient: bool = False) -> Intake | None:
        """The typed values as contract JSON, after the checks validate() cannot make field by field.

        Errors land next to their fields and the result is None when there is any, unless `lenient`:
        then what could be read is returned (the live missing-facts panel works on half-typed forms).
        """
        for field in contract_fields(self):
            text = (field.data or "").strip()
            if not field.errors and text:
                try:
                    field.value = read_value(field.spec, text)
                except ValueError as exc:
                    add_error(field, exc.args[0])
            if field.spec.kind == "date" and _filled(field) and parse_date(field.value) > today:
                add_error(field, _l("日期不能晚于今天"))
                field.value = _UNSET
        self._check_order()
        facts = _facts(self.facts.form, submitting)  # type: ignore[attr-defined]
        if not lenient and self.has_errors():
            return None
        top = {name: getattr(self, name).value for name in self.contract_names if _filled(getattr(self, name))}
        fields: dict[str, Any] = {
            name: (getattr(self, name).data or "").strip() or None
            for name in ("claimant_id_number", "claimant_phone", "claimant_address", "claimant_bank_account",
                         "address", "description", *GRID_FIELDS)
        }
        fields["claimant_name"] = (self.claimant_name.data or "").strip()  # the column is never null
        facts.update({key: fields[key] for key in SHARED if key in FACT_FIELDS[self.category] and fields[key]})
        for key, column in CONTRACT_COLUMNS_BY_FIELD.items():  # to the case's columns; the rest are circumstances
            fields[column] = column_value(key, top.pop(key)) if key in top else None
        for name in ("gps_lat", "gps_lng"):
            raw = getattr(self, name).data
            fields[name] = Decimal(raw).quantize(Decimal("0.000001")) if raw and not getattr(self, name).errors else None
        unit = self.unit_id.data if not self.unit_id.errors else None
        return Intake(self.category, int(unit or 0), fields, top, facts)

    def _check_order(self) -> None:
        """Dates that contradict the event date (domain.plausibility), each refused next to its field."""
        def day(field: Any) -> date | None:
            return parse_date(field.value) if _filled(field) else None

        rows = [entry.form for entry in self.rows.entries] if self.rows is not None else []
        bought = [getattr(row, "purchase_date", None) for row in rows]
        for found in implausible_dates(day(self["event_date"]), report=day(self["report_date"]),
                                       knew=day(self["knew_date"]),
                                       purchases=[day(f) if f is not None else None for f in bought]):
            field = bought[found.row] if found.row is not None else self[found.field]
            assert field is not None  # a purchase found implausible has its control
            add_error(field, IMPLAUSIBLE[found.code])
            field.value = _UNSET

    def posted_key(self) -> str | None:
        """The one-time key this form was submitted with; None when none was sent; ValueError when malformed."""
        return posted(self.form_key)

    def has_errors(self) -> bool:
        return any(field.errors for field in self.all_fields())

    def all_fields(self) -> Iterator[Field]:
        yield from (f for f in self if not isinstance(f, FormField))
        yield from _walk(self.facts.form)  # type: ignore[attr-defined]


def _rare(field: Field) -> bool:
    spec = getattr(field, "spec", None)
    return bool(spec and spec.extension)


def _walk(form: Form) -> Iterator[Field]:
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                yield from _walk(entry.form)
        else:
            yield field


def _filled(field: Any) -> bool:
    return not field.errors and getattr(field, "value", _UNSET) is not _UNSET


def _facts(form: Form, submitting: bool) -> dict[str, Any]:
    """The category's facts as contract JSON: blank controls and blank rows are left out (still missing)."""
    facts: dict[str, Any] = {}
    for field in form:
        if isinstance(field, ContractText | ContractChoice) and _filled(field):
            facts[field.short_name] = field.value
        elif isinstance(field, FieldList):
            rows = [row for row in (_row(entry.form, submitting) for entry in field.entries) if row]
            if rows:  # no rows typed: the list stays missing rather than "no appliances"
                facts[field.short_name] = rows
    for key in NULL_MEANS:
        no_value = getattr(form, f"{key}_none", None)
        if no_value is not None and no_value.data == "1":
            if key in facts:
                add_error(getattr(form, key), _l("已选择“未通知”，请清空此项或取消该选择"))
            facts[key] = None
    return facts


def _row(form: Form, submitting: bool) -> dict[str, Any]:
    """One appliance as contract JSON. A half-typed row may wait in a draft; a submitted claim needs it whole."""
    row = {field.short_name: field.value for field in form if _filled(field)}
    if row and submitting:
        if "class" in form and "class" not in row and not form["class"].errors:
            add_error(form["class"], _l("请选择电器类别"))
        if row.get("repairable") is True and "repair_cost" in form and "repair_cost" not in row \
                and not form["repair_cost"].errors:
            add_error(form["repair_cost"], _l("可以修复的电器须填写修复费用"))
    return row


def contract_fields(form: Form) -> Iterator[ContractText | ContractChoice]:
    """Every contract control of a form, its sub-forms and its rows."""
    for field in form:
        if isinstance(field, ContractText | ContractChoice):
            yield field
        elif isinstance(field, FormField):
            yield from contract_fields(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                yield from contract_fields(entry.form)


def add_error(field: Field, message: Any) -> None:
    if not isinstance(field.errors, list):
        field.errors = list(field.errors)
    field.errors.append(message)


@cache
def form_class(category: str) -> type[IntakeForm]:
    """The intake form of one category: every simple top-level contract field and every fact, generated."""
    tops = {name: spec for name, spec in TOP_FIELDS.items() if spec.kind in SIMPLE and name != "category"}
    attrs: dict[str, Any] = {name: _control(name, spec) for name, spec in tops.items()}
    attrs["facts"] = FormField(_subform(FACT_FIELDS[category], category, skip=SHARED))
    attrs["category"] = category
    attrs["top_names"] = tuple(name for name in tops if name != "claimed_amount")
    attrs["contract_names"] = tuple(tops)
    return type(f"{category.title().replace('_', '')}IntakeForm", (IntakeForm,), attrs)


def form_data(case: Case) -> dict[str, Any]:
    """A stored draft as its form shows it. Full identifiers are never echoed into a form (cases.forms)."""
    data: dict[str, Any] = {name: getattr(case, name) or "" for name in (
        "claimant_name", "claimant_address", "address", "description", *GRID_FIELDS)}
    data.update(unit_id=str(case.unit_id), version=str(case.version),
                gps_lat="" if case.gps_lat is None else str(case.gps_lat),
                gps_lng="" if case.gps_lng is None else str(case.gps_lng))
    stored = case.contract_case()  # the columns under their contract names (cases.models)
    data.update({name: show_value(TOP_FIELDS[name], stored.get(name))
                 for name in form_class(case.category).contract_names})
    data["facts"] = _shown(FACT_FIELDS[case.category], case.facts or {})
    return data


def _shown(specs: dict[str, FieldSpec], values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, spec in specs.items():
        if spec.kind in SIMPLE:
            out[key] = show_value(spec, values.get(key))
        elif spec.kind == "object_list" and spec.items:
            out[key] = [_shown(dict(spec.items), row) for row in values.get(key) or []]
        if key in NULL_MEANS:
            out[f"{key}_none"] = "1" if key in values and values[key] is None else ""
    return out
