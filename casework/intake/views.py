"""Filing a claim from a phone: choose a category, fill one form, save a draft or submit; the live missing-facts panel."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from casework.auth.guard import current_actor, requires
from casework.cases.models import CONTRACT_COLUMNS_BY_FIELD, Case
from casework.cases.pages import case_or_404
from casework.cases.service import CaseError, Conflict, StaleEdit, describe_conflict, find_case
from casework.cases.submissions import Resubmitted, claim, settle
from casework.cases.workflow import TransitionRefused
from casework.domain.access import Actor, Perm, can_edit_case
from casework.domain.contract import FACT_FIELDS
from casework.domain.lifecycle import State
from casework.domain.personal import mask_bank_account, mask_id_number, mask_phone
from casework.domain.rules import missing_facts
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.settings import deadline_targets
from casework.intake.forms import IntakeForm, add_error, category_name, english, form_class, form_data
from casework.intake.service import save_intake, units_in_scope
from casework.ruletable.store import calendar, current_table
from casework.ui import labels
from casework.ui.filters import SHANGHAI, fact_label

bp = Blueprint("intake", __name__, url_prefix="/intake")

CATEGORY_NAMES = {code: category_name(code) for code in FACT_FIELDS}  # i14-g2: in the viewer's language
# One line under each category button, in the words a field worker hears at the door.
HINTS = {
    "appliance": _l("零线断线、相线零线接错、高压窜入低压等，烧坏了居民家里的电器"),
    "outage": _l("停电造成用户损失：事故、检修、限电、自然灾害"),
    "power_quality": _l("电压或频率不合格造成用户损失"),
    "crop": _l("施工或运行维护压坏、毁坏了地里的庄稼"),
    "trees": _l("为线路通道或保护区清障砍伐、修剪树木"),
    "land_tower": _l("杆塔、线路占用土地，要求补偿、占地费或迁移"),
    "injury": _l("触电或其他电力设施造成的人身伤害"),
    "service_dispute": _l("员工行为、服务过程中的其他纠纷"),
}
# Which field a lifecycle refusal (casework.domain.lifecycle reason codes) belongs next to.
REFUSAL_FIELD = {"missing:claimant_name": "claimant_name", "report_before_event": "report_date",
                 **{f"missing:{column}": name for name, column in CONTRACT_COLUMNS_BY_FIELD.items()}}


def _today() -> date:
    """Today where the claims happen: "not in the future" is judged on the Beijing calendar."""
    return utcnow().astimezone(SHANGHAI).date()


def _build(category: str, actor: Actor, case: Case | None = None) -> IntakeForm:
    """The category's form, bound to the request on POST, to the stored draft (or nothing) on GET."""
    cls = form_class(category)
    form = cls() if request.method == "POST" else cls(data=form_data(case) if case else None)
    form.unit_id.choices = [(str(u.id), u.name) for u in units_in_scope(db.session(), actor)]
    if not form.unit_id.data:
        form.unit_id.data = str(current_user.unit_id)  # a field worker files for their own station
    return form


def _missing(form: IntakeForm) -> list[str]:
    """What the check still needs, from what is typed now; nothing is saved."""
    form.validate()
    intake = form.read(_today(), submitting=False, lenient=True)
    assert intake is not None
    session = db.session()
    gaps = missing_facts(intake.contract_case(), current_table(session), calendar(session))
    return [fact_label(form.category, path, english()) for path in gaps]


def _page(form: IntakeForm, case: Case | None, *, status: int = 200, refusals: list[str] | None = None,
          conflict: Conflict | None = None, focus: int | None = None) -> Any:
    # The panel reads a second copy of the form, so that reading it adds no errors to the page.
    cls = form_class(form.category)
    copy = cls(formdata=request.form) if request.method == "POST" else cls(data=form_data(case) if case else None)
    if request.method == "POST":
        _change_rows(copy)
    missing = _missing(copy)
    stored = {}
    if case is not None:  # show that an identifier is on file without echoing it
        for name, mask in (("claimant_id_number", mask_id_number), ("claimant_phone", mask_phone),
                           ("claimant_bank_account", mask_bank_account)):
            if value := getattr(case, name):
                stored[name] = mask(value)
    return render_template("intake/form.html", form=form, case=case, category_name=CATEGORY_NAMES[form.category],
                           missing=missing, refusals=refusals or [], conflict=conflict, stored=stored,
                           problems=form.problems(), focus=focus), status


def _save(form: IntakeForm, case: Case | None) -> Any:
    """保存草稿 saves; 提交 saves and submits; "添加一件电器" saves the draft too and comes back at the new row
    (a phone form is 4,000 px tall: the top of the page is not where the user was); 删除 re-renders."""
    actor = current_actor()
    added = _add_row(form)
    if added is None and _change_rows(form):
        return _page(form, case)
    submit = request.form.get("action") == "submit"
    valid = form.validate()
    intake = form.read(_today(), submitting=submit)
    if not valid or intake is None:
        return _page(form, case, status=422, focus=added)
    loaded = int(form.version.data) if (form.version.data or "").isdigit() else -1
    try:
        key = form.posted_key() if case is None else None
    except ValueError:
        abort(400)  # a browser sends back the key it was given; anything else is not our form
    try:
        with unit_of_work() as session:
            now = utcnow()
            once = claim(session, actor, key, "intake", now=now)
            saved = save_intake(session, actor, intake, case=case, loaded_version=loaded, submit=submit,
                                now=now, targets=deadline_targets())
            settle(session, once, saved.number)
            number = saved.number
    except Resubmitted as again:
        return _first_case(again.ref)
    except TransitionRefused as refused:
        return _page(form, case, status=422, refusals=_refusals(form, refused.reasons))
    except StaleEdit as stale:
        return _stale(form, case, stale.conflict)
    except StaleDataError:  # someone saved between our version check and the write
        db.session.rollback()
        assert case is not None
        return _stale(form, case, describe_conflict(db.session(), case, intake.fields, loaded))
    except CaseError as error:
        if error.key == "unit_out_of_scope":
            add_error(form.unit_id, _("请从列表中选择"))
            return _page(form, case, status=422)
        abort(403)
    if submit:
        flash(_("已提交登记，法律依据审查已完成。"), "success")
        return redirect(url_for("rulecheck.show", number=number))
    if added is not None:
        flash(_("草稿已保存，请填写第 %(n)s 件。", n=added), "success")
        return redirect(url_for("intake.edit", number=number, rows=added, _anchor=f"appliance-{added}"))
    flash(_("草稿已保存。"), "success")
    return redirect(url_for("intake.edit", number=number))


def _first_case(number: str | None) -> Any:
    """A second submit of a new-claim form: to the case the first one opened, not a second case."""
    case = find_case(db.session(), current_actor(), number or "")
    if case is None:
        abort(404)  # moved out of the viewer's scope since: like any case they may not see
    flash(_("这份登记表已经提交过，没有重复建案：这是当时建立的案件 %(number)s。", number=case.number), "info")
    if case.state == State.DRAFT.value:
        return redirect(url_for("intake.edit", number=case.number), 303)
    return redirect(url_for("rulecheck.show", number=case.number), 303)


def _add_row(form: IntakeForm) -> int | None:
    """The "添加一件电器" button: one row more; the new row's number (1-based), None when not pressed."""
    rows = form.rows
    if rows is None or request.form.get("action") != "add":
        return None
    if len(rows.entries) < (rows.max_entries or 50):
        rows.append_entry()
    return len(rows.entries)


def _change_rows(form: IntakeForm) -> bool:
    """Apply the "添加一件电器" / "删除" buttons (plain submits, no JavaScript); False when neither was pressed."""
    rows = form.rows
    if rows is None:
        return False
    if _add_row(form) is not None:
        return True
    remove = request.form.get("remove", "")
    if not remove.isdigit():
        return False
    if int(remove) < len(rows.entries):
        del rows.entries[int(remove)]
    if not rows.entries:
        rows.append_entry()
    return True


def _rows_asked(form: IntakeForm) -> int | None:
    """?rows=N after "添加一件电器": the saved draft shown with N rows, blank ones at the end, the last focused.
    A reload keeps the blank row the user asked for; anything not a small number is ignored."""
    asked, rows = request.args.get("rows", ""), form.rows
    if rows is None or not (asked.isascii() and asked.isdigit() and len(asked) <= 2):
        return None
    wanted = min(int(asked), rows.max_entries or 50)
    while len(rows.entries) < wanted:
        rows.append_entry()
    return wanted if wanted >= 1 else None


def _refusals(form: IntakeForm, reasons: tuple[str, ...]) -> list[str]:
    """The lifecycle's reasons in Chinese, each also next to its field."""
    out = []
    for reason in reasons:
        if reason.startswith("missing:"):
            name = reason.partition(":")[2]
            out.append(f"{labels.MISSING_PREFIX}{labels.FIELD.get(name, name)}")
        else:
            out.append(str(labels.REFUSAL.get(reason, reason)))
        if reason in REFUSAL_FIELD:
            add_error(getattr(form, REFUSAL_FIELD[reason]), out[-1])
    return out


def _stale(form: IntakeForm, case: Case | None, conflict: Conflict) -> Any:
    form.version.data = str(conflict.current_version)
    flash(_("保存失败：在您编辑期间，该案件已被他人修改。请核对下面标出的差异后重新保存。"), "danger")
    return _page(form, case, status=409, conflict=conflict)


@bp.route("/")
@requires(Perm.CASE_EDIT)
def index() -> Any:
    choices = [(code, CATEGORY_NAMES[code], HINTS[code]) for code in FACT_FIELDS]
    return render_template("intake/index.html", choices=choices)


@bp.route("/new/<category>", methods=["GET", "POST"])
@requires(Perm.CASE_EDIT)
def new(category: str) -> Any:
    if category not in FACT_FIELDS:
        abort(404)
    form = _build(category, current_actor())
    return _save(form, None) if request.method == "POST" else _page(form, None)


@bp.route("/<number>", methods=["GET", "POST"])
@requires(Perm.CASE_EDIT)
def edit(number: str) -> Any:
    actor = current_actor()
    case = case_or_404(number, actor)  # another unit's case looks exactly like a missing one, and is audited
    if case.state != State.DRAFT.value:
        flash(_("该案件已提交，不能再在登记页修改。"), "info")
        return redirect(url_for("cases.show", number=number))
    if not can_edit_case(actor, case.unit_path, case.state):
        abort(403)
    form = _build(case.category, actor, case)
    return _save(form, case) if request.method == "POST" else _page(form, case, focus=_rows_asked(form))


@bp.route("/missing/<category>", methods=["POST"])
@requires(Perm.CASE_EDIT)
def missing(category: str) -> Any:
    """The htmx panel: the engine's missing facts for what the form holds now, as Chinese labels."""
    if category not in FACT_FIELDS:
        abort(404)
    return render_template("intake/_missing.html", missing=_missing(form_class(category)()))
