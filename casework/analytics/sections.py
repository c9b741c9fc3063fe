"""The analytics pages, in the order of their tabs: each builds a Section from the view (analytics.scope)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from casework.analytics.copycat import copycat
from casework.analytics.handling import handling
from casework.analytics.litigation import litigation
from casework.analytics.overview import Link, overview
from casework.analytics.places import places
from casework.analytics.scope import View
from casework.analytics.tables import Section
from casework.domain.summary import CHINA
from casework.infra.db import utcnow

#: (session, view, link, the page's other query values) → the page's tables and charts.
Builder = Callable[[Session, View, Link, Mapping[str, str]], Section]


def _overview(session: Session, view: View, link: Link, _options: Mapping[str, str]) -> Section:
    return overview(session, view, link)


def _handling(session: Session, view: View, link: Link, _options: Mapping[str, str]) -> Section:
    return handling(session, view, link, utcnow().astimezone(CHINA).date())  # what is overdue depends on today


def _litigation(session: Session, view: View, link: Link, _options: Mapping[str, str]) -> Section:
    return litigation(session, view, link)


SECTIONS: dict[str, tuple[Any, Builder]] = {
    "overview": (_l("总览"), _overview),
    "places": (_l("整改清单"), places),
    "copycat": (_l("跟风索赔"), copycat),
    "handling": (_l("办理时效"), _handling),
    "litigation": (_l("诉讼"), _litigation),
}
