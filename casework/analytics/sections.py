"""The analytics pages, in the order of their tabs: each builds a Section from the view (analytics.scope)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from casework.analytics.copycat import copycat
from casework.analytics.overview import Link, overview
from casework.analytics.places import places
from casework.analytics.scope import View
from casework.analytics.tables import Section

#: (session, view, link, the page's other query values) → the page's tables and charts.
Builder = Callable[[Session, View, Link, Mapping[str, str]], Section]


def _overview(session: Session, view: View, link: Link, _options: Mapping[str, str]) -> Section:
    return overview(session, view, link)


SECTIONS: dict[str, tuple[Any, Builder]] = {
    "overview": (_l("总览"), _overview),
    "places": (_l("整改清单"), places),
    "copycat": (_l("跟风索赔"), copycat),
}
