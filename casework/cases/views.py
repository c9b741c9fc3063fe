"""Case list, case page and case edit: load → authorise → call one service → render or redirect."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta
from datetime import time as day_time
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import Row
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from casework.audit.service import case_history, record
from casework.auth.guard import current_actor, requires
from casework.cases import deadlines
from casework.cases.assignment import officers_for
from casework.cases.forms import CaseEditForm, iso_day
from casework.cases.linked import LINKED_ARGS, linked_criteria, linked_words
from casework.cases.listing import filter_choices, list_cases
from casework.cases.models import Case
from casework.cases.pages import case_or_404, case_page, panels
from casework.cases.search import excerpt, highlight
from casework.cases.search import terms as search_terms
from casework.cases.service import StaleEdit, describe_conflict, edit_case
from casework.cases.term_tokens import hide, names_a_person, recall
from casework.cases.workflow import actions
from casework.domain.access import Actor, Perm, can_edit_case, case_scope
from casework.domain.lifecycle import BY_EVENT
from casework.domain.personal import mask_bank_account, mask_id_number, mask_phone
from casework.infra.db import db, unit_of_work, utcnow
from casework.infra.settings import deadline_targets, running_app, setting
from casework.ui.filters import SHANGHAI, label, language, moment, money
from casework.ui.labels import CATEGORY, OUTCOME, STATE

bp = Blueprint("cases", __name__, url_prefix="/cases")
REASON_EVENTS = frozenset(t.event for t in BY_EVENT.values() if t.needs_reason)


def identifiers(case: Case, actor: Actor) -> dict[str, Any]:
    """What this viewer may read of the claimant's identifiers: masked unless their role needs them."""
    full = actor.can(Perm.CASE_PII_FULL)
    phone_full = actor.can(Perm.CASE_EDIT)

    def show(value: str | None, mask: Any, allowed: bool) -> str | None:
        return None if value is None else (value if allowed else mask(value))

    return {
        "id_number": show(case.claimant_id_number, mask_id_number, full),
        "phone": show(case.claimant_phone, mask_phone, phone_full),
        "bank_account": show(case.claimant_bank_account, mask_bank_account, full),
        "unmasked": full and bool(case.claimant_id_number or case.claimant_bank_account),
    }


# The list's GET parameters; anything else (and anything malformed) is ignored, never an error.
LIST_ARGS = ("q", "state", "category", "unit", "assignee", "outcome", "overdue", "created_from", "created_to",
             "event_from", "event_to", "sort", *LINKED_ARGS)
GRID_FIELDS = ("grid_line", "grid_district", "grid_tower")
SORT = {"new": _l("最新登记在前"), "old": _l("最早登记在前"), "due": _l("期限最近在前"), "amount": _l("索赔金额从高到低")}


def _id(value: str) -> int | None:
    # ASCII digits only ("²".isdigit() is true, int("²") fails) and small enough for an INTEGER column.
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else None


def _criteria(args: dict[str, str], tz: ZoneInfo) -> dict[str, Any]:
    """The form's values as list_cases arguments; dates are local (Beijing) days, stored instants are UTC."""

    def start_of(day: date | None) -> datetime | None:
        return datetime.combine(day, day_time(), tzinfo=tz) if day else None

    created_to = iso_day(args["created_to"])
    assignee = args["assignee"]
    return {
        "q": args["q"], "state": args["state"] if args["state"] in STATE else "",
        "category": args["category"] if args["category"] in CATEGORY else "",
        "unit_id": _id(args["unit"]),
        "assignee": assignee if assignee in ("me", "none") else _id(assignee),
        "outcome": args["outcome"] if args["outcome"] in OUTCOME else "", "overdue": args["overdue"] == "1",
        "created_from": start_of(iso_day(args["created_from"])),
        "created_before": start_of(created_to + timedelta(days=1)) if created_to else None,
        "event_from": iso_day(args["event_from"]), "event_to": iso_day(args["event_to"]),
        "sort": args["sort"] if args["sort"] in SORT else "new",
        **linked_criteria(args, start_of),
    }


def _row(case: Row[Any], terms: list[str], prefix: str, lang: str) -> dict[str, Any]:
    """What a list row shows, as text, the search's matches marked (every piece escaped before it is marked).

    Formatted here rather than by template filters: 25 rows × 4 filter calls were a third of the page."""
    phone = mask_phone(case.claimant_phone) if case.claimant_phone else None
    snippet = next((found for text in (case.address, case.claimant_address, case.description)
                    if (found := excerpt(text, terms))), None) if terms else None
    return {"href": prefix + case.number, "number": highlight(case.number, terms),
            "name": highlight(case.claimant_name, terms), "phone": highlight(phone, terms) if phone else None,
            "snippet": snippet, "state": label(case.state, "state", lang), "category": label(case.category, "category", lang),
            "unit": case.unit_name, "amount": money(case.claimed_amount), "created": moment(case.created_at, lang),
            "goodwill": case.goodwill_payment}


MENU_SECONDS = 60.0
_menu_lock = threading.Lock()


def _menus(session: Session, actor: Actor) -> tuple[list[Any], list[Any]]:
    """The unit and officer menus of the list's filters, kept a minute per scope in each worker.

    They change when an administrator adds a unit or an officer, and are read on every list page,
    where the two queries cost more than the page's own; a minute's delay for a new name is harmless.
    """
    cache: dict[str | None, tuple[float, Any]] = running_app().extensions.setdefault("casework.list_menus", {})
    key, now = case_scope(actor), time.monotonic()
    with _menu_lock:
        kept = cache.get(key)
    if kept is not None and now - kept[0] < MENU_SECONDS:
        return kept[1]  # type: ignore[no-any-return]
    menus = filter_choices(session, actor)
    with _menu_lock:
        cache[key] = (now, menus)
    return menus


def _list_url(source: Any) -> str:
    """The list's URL for these form values: a term naming a person goes as a session token (term_tokens)."""
    values: dict[str, Any] = {name: value for name in LIST_ARGS if (value := str(source.get(name, "")).strip()[:100])}
    if names_a_person(values.get("q", "")):
        values["t"] = hide(values.pop("q"))
    return url_for("cases.index", **values)


@bp.route("/", methods=["GET", "POST"])
@requires(Perm.CASE_READ)
def index() -> Any:
    if request.method == "POST":  # the search form; CSRFProtect has checked its token
        return redirect(_list_url(request.form), 303)
    if names_a_person(request.args.get("q", "")):  # an old link or a hand-typed URL: take the term out of it
        return redirect(_list_url(request.args), 303)
    hidden = request.args.get("t", "")
    term = recall(hidden) if hidden else None
    if hidden and term is None:
        flash(_("搜索条件已过期，请重新输入。"), "info")
        kept: dict[str, Any] = {n: v for n in LIST_ARGS if (v := request.args.get(n, ""))}
        return redirect(url_for("cases.index", **kept), 303)
    actor = current_actor()
    args = {name: request.args.get(name, "").strip()[:100] for name in LIST_ARGS}
    if term is not None:
        args["q"] = term[:100]
    tz = ZoneInfo(setting("BABEL_DEFAULT_TIMEZONE"))
    session = db.session()
    result = list_cases(session, actor, **_criteria(args, tz), today=utcnow().astimezone(tz).date(),
                        after=request.args.get("after", "")[:200], per_page=setting("PAGE_SIZE"))
    units, officers = _menus(session, actor)
    terms = search_terms(args["q"])
    prefix = url_for("cases.index")  # row links are the list's own URL + the case number
    lang = language()
    filters = {name: value for name, value in args.items() if value}  # for the next-page and first-page links
    if term is not None:  # the links carry the token, never the term
        filters.pop("q", None)
        filters["t"] = hidden
    unlinked: dict[str, Any] = {n: v for n, v in filters.items() if n not in LINKED_ARGS}
    return render_template(
        "cases/list.html", page=result, rows=[_row(c, terms, prefix, lang) for c in result.items], args=args, filters=filters,
        states=STATE, categories=CATEGORY, outcomes=OUTCOME, sorts=SORT, units=units, officers=officers,
        # The secondary filters stay folded (results first on a phone); the fold says how many are set.
        more_set=sum(1 for n in LIST_ARGS if args[n] and n not in ("q", "state", "category", "sort", *LINKED_ARGS)),
        linked=linked_words(args), linked_args=LINKED_ARGS,
        unlinked_url=url_for("cases.index", **unlinked),
    )


@bp.route("/<number>")
@case_page(Perm.CASE_READ)
def show(case: Case) -> Any:
    actor = current_actor()
    ids = identifiers(case, actor)
    if ids["unmasked"]:  # every view of full identifiers is on record (PIPL art. 51, ASVS v5 16.3.2)
        with unit_of_work() as session:
            record(session, actor, "case.view_identifiers", now=utcnow(), object_type="case",
                   object_id=case.number, case_id=case.id)
    session = db.session()
    return render_template(
        "cases/show.html", case=case, ids=ids, history=case_history(session, case.id),
        can_edit=can_edit_case(actor, case.unit_path, case.state),
        actions=actions(case, actor) if actor.can(Perm.CASE_EDIT) else [],
        reason_events=REASON_EVENTS, deadlines=deadlines.of_case(session, case),
        officers=officers_for(session, case) if actor.can(Perm.CASE_PII_FULL) else [],
        today=utcnow().astimezone(SHANGHAI).date(), form=FlaskForm(), panels=panels(case, actor),
    )


@bp.route("/<number>/edit", methods=["GET", "POST"])
@case_page(Perm.CASE_EDIT)
def edit(case: Case) -> Any:
    actor, number = current_actor(), case.number
    if not can_edit_case(actor, case.unit_path, case.state):
        abort(403)
    form = CaseEditForm(obj=case)
    for name in GRID_FIELDS:  # as at intake: the register's names offered as one types, anything typed kept
        getattr(form, name).render_kw = {
            "autocomplete": "off", "list": f"{name}-options", "hx-get": url_for("assets.options", field=name),
            "hx-trigger": "input changed delay:300ms", "hx-target": f"#{name}-options", "hx-swap": "innerHTML",
            "hx-sync": "this:replace"}
    if request.method == "GET":
        form.version.data = str(case.version)
        for field in ("claimant_id_number", "claimant_phone", "claimant_bank_account"):
            getattr(form, field).data = ""  # never echo full identifiers into a form
    conflict = None
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                changed = edit_case(session, actor, case, form.changes(), loaded_version=form.loaded_version(),
                                    now=utcnow(), targets=deadline_targets())
        except StaleEdit as stale:
            conflict = stale.conflict
        except StaleDataError:
            # Someone saved between our version check and the write: report it like any stale save.
            db.session.rollback()
            case = case_or_404(number, actor)
            conflict = describe_conflict(db.session(), case, form.changes(), form.loaded_version())
        else:
            flash(_("已保存。") if changed else _("没有需要保存的修改。"), "success")
            return redirect(url_for("cases.show", number=number))
    if conflict is not None:
        form.version.data = str(conflict.current_version)
        flash(_("保存失败：在您编辑期间，该案件已被他人修改。请核对下面标出的差异后重新保存。"), "danger")
        return render_template("cases/edit.html", form=form, case=case, conflict=conflict, grid=GRID_FIELDS), 409
    return render_template("cases/edit.html", form=form, case=case, conflict=None, grid=GRID_FIELDS)

