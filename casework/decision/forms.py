"""The decision page's forms, one per POST: free text capped as its column is, control characters dropped.

They only read what was typed; whether it makes a decision (an amount, a payee, a reason good enough) is
the service's to say. A field's attribute is the service's word for it; `name=` keeps the page's."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from casework.cases.forms import iso_day, without_controls
from casework.cases.submissions import key_field, posted
from casework.decision.service import Draft
from casework.domain.typed_numbers import TypedNumberError, plain_number

# Each kind's own section; note and reason belong to every kind.
OWN_FIELDS = {"settle": ("amount", "payee", "bank_account", "payment_method", "terms"),
              "escalate": ("litigation_role", "court", "cause", "demand", "counsel", "risk"),
              "reject": ()}
ALL_OWN = frozenset(name for names in OWN_FIELDS.values() for name in names)


def amount_text(text: str) -> str:
    """An amount as typed ("2,164.55元", "¥2164.55") in the plain digits the service reads; left as typed
    when it is not one, for the service to refuse."""
    try:
        return plain_number(text) if text.strip() else text
    except TypedNumberError:
        return text


def _text(max_len: int | None = None, **kw: Any) -> StringField:
    checks = [Length(max=max_len, message=_l("不能超过 %(max)d 个字符"))] if max_len else []
    return StringField(validators=checks, filters=[without_controls], default="", **kw)


class DecisionForm(FlaskForm):
    def typed(self) -> dict[str, str]:
        """What was typed, by the page's field names: a refused form is shown again as it was sent."""
        return {field.name: field.data for field in self if field.name != "csrf_token"}

    def problems(self) -> dict[str, str]:
        """The first message of each field that failed, keyed as the service keys its problems."""
        return {name: str(errors[0]) for name, errors in self.errors.items() if name not in (None, "csrf_token")}


class ProposalForm(DecisionForm):
    kind = _text()
    amount = _text(20)
    payee = _text(100)
    bank_account = _text(40)
    payment_method = _text()
    terms = _text(5000)  # one clause a line
    litigation_role = _text()
    court = _text(200)
    cause = _text(200)
    demand = _text(5000)
    counsel = _text(200)
    risk = _text(5000)
    note = _text(5000)
    reason = _text(5000)

    def draft(self) -> Draft:
        """The proposal of the chosen kind only: the other kinds' sections are on the page (hidden) and are sent
        too, pre-filled amount and account included; a rejection must not carry a payee's account."""
        own = OWN_FIELDS.get(self.kind.data, ())

        def mine(name: str) -> str:
            value: str = getattr(self, name).data
            return value if name in own or name not in ALL_OWN else ""

        return Draft(kind=self.kind.data, amount=amount_text(mine("amount")), payee=mine("payee"),
                     bank_account=mine("bank_account"), payment_method=mine("payment_method"),
                     terms=mine("terms").splitlines(), litigation_role=mine("litigation_role"),
                     court=mine("court"), cause=mine("cause"), demand=mine("demand"),
                     counsel=mine("counsel"), risk=mine("risk"), note=self.note.data, reason=self.reason.data)


class DecideForm(DecisionForm):
    approve = _text()  # "1" approves; anything else returns the proposal
    comment = _text(5000)

    @property
    def approving(self) -> bool:
        return self.approve.data == "1"


class PaymentForm(DecisionForm):
    amount = _text(20, name="pay_amount")
    paid_on = _text()  # a date the service requires; typed text that is not one counts as none
    voucher = _text(64)

    @property
    def day(self) -> date | None:
        return iso_day(self.paid_on.data)

    @property
    def typed_amount(self) -> str:
        return amount_text(self.amount.data)


class OnceForm(DecisionForm):
    """A form whose every submit adds a row (a lawsuit step, a letter): it carries a one-time key."""

    form_key = key_field()

    def key(self) -> str | None:
        """The posted key (None when none was sent); ValueError when it is not one of ours."""
        return posted(self.form_key)


class LitigationForm(OnceForm):
    kind = _text(name="step")
    on = _text()  # optional: typed text that is not a date is left out
    text = _text(5000)
    amount = _text(20, name="awarded")
    result = _text(16)  # a judgment's: won | partly | lost | mediated | withdrawn (the service checks it)

    @property
    def day(self) -> date | None:
        return iso_day(self.on.data)


class LetterForm(OnceForm):
    """Generating a letter takes nothing but the CSRF token and the form's one-time key."""
