"""The web layer's wiring: extensions, blueprints, security headers, template filters, the home page and error pages."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    g,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import Domain, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from casework.auth.guard import current_actor, enforce, login_required, public
from casework.auth.loader import init_login
from casework.domain.access import Perm, Role
from casework.extensions import babel, bootstrap, csrf, file_store, migrate, talisman
from casework.infra import paths
from casework.infra.bounds import IdConverter
from casework.infra.db import db
from casework.infra.i18n import LANGUAGES
from casework.ui import filters

log = logging.getLogger("casework")

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


class RequestDomain(Domain):
    """Flask-Babel finds the catalogue anew for every string (through `g` and `str(Locale)`, ~10 µs);
    a case list translates about 75. Found once per request (or app context) instead."""

    def get_translations(self) -> Any:
        if not g:
            return super().get_translations()
        found: dict[Any, Any] = g.setdefault("_casework_translations", {})
        locale = get_locale()  # per locale: force_locale (a Chinese PDF from an English page) must still work
        if locale not in found:
            found[locale] = super().get_translations()
        return found[locale]


def _template_gettext(text: str) -> str:
    """The templates' `_()`: straight to the request's catalogue (Flask-Babel's goes through three lookups)."""
    return babel.domain_instance.get_translations().ugettext(text)  # type: ignore[no-any-return]


def _template_ngettext(singular: str, plural: str, n: int) -> str:
    return babel.domain_instance.get_translations().ungettext(singular, plural, n)  # type: ignore[no-any-return]


def select_locale() -> str:
    """Chinese unless the user switched; the browser's language does not decide for them. Outside a request
    (a dossier sealed by the CLI or an export worker) the documents are Chinese."""
    if not has_request_context():
        return "zh"
    lang = session.get("lang")
    return lang if lang in LANGUAGES else "zh"


def init_extensions(app: Flask) -> None:
    if app.config["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"]
        )
    migrate.init_app(app, db, directory=str(paths.migrations()), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    file_store.init_app(app)
    init_login(app)
    babel.init_app(app, locale_selector=select_locale)
    babel.domain_instance = RequestDomain()  # replaces a cached property: the default domain, memoised
    app.jinja_env.install_gettext_callables(_template_gettext, _template_ngettext, newstyle=True)  # type: ignore[attr-defined]
    bootstrap.init_app(app)
    secure = app.config["COOKIE_SECURE"]
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=True,
        strict_transport_security_max_age=365 * 24 * 3600,
        strict_transport_security_include_subdomains=True,
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        session_cookie_secure=secure,
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
    )
    app.before_request(enforce)
    app.after_request(_no_store)
    filters.register(app)
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["get_locale"] = get_locale


NAV = (
    ("work.lists", _l("待办"), Perm.CASE_READ),
    ("cases.index", _l("案件"), Perm.CASE_READ),
    ("intake.index", _l("登记索赔"), Perm.CASE_EDIT),
    ("admin.users", _l("用户"), Perm.USERS_MANAGE),
    ("rules.index", _l("规则表"), Perm.RULES_READ),
    ("work.team", _l("工作量"), Perm.WORKLOAD_READ),
    ("analytics.overview", _l("统计分析"), Perm.ANALYTICS_READ),
    ("decision.goodwill_report", _l("善意补偿"), Perm.REPORTS_READ),
    ("decision.precedent_risk_report", _l("先例风险"), Perm.REPORTS_READ),
    ("export.index", _l("导出"), Perm.CASES_EXPORT),
    ("admin.units", _l("单位"), Perm.UNITS_MANAGE),
    ("account.approvals_page", _l("账号审批"), Perm.ACCOUNTS_APPROVE),
    ("calendar.index", _l("节假日"), Perm.CALENDAR_MANAGE),
    ("assets.index", _l("资产台账"), Perm.ASSETS_IMPORT),
)


def nav_items() -> list[tuple[str, Any]]:
    """The menu shows only what the viewer's role may open."""
    if not current_user.is_authenticated:
        return []
    actor = current_actor()
    return [(endpoint, text) for endpoint, text, perm in NAV if actor.can(perm)]


def _no_store(response: Response) -> Response:
    """Pages behind a login may show personal data: no browser or proxy may keep a copy (ASVS v5 14.3.2)."""
    if current_user and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def vendor(filename: str) -> Response:
    """The npm libraries the pages load (paths.VENDOR), from the checkout's node_modules or the wheel's copy."""
    if filename not in paths.VENDOR:
        abort(404)
    return send_from_directory(*paths.vendor_file(filename), max_age=3600)


# The home page (each role lands where its work is) and the language switch.
main_bp = Blueprint("main", __name__)


@main_bp.route("/")
@login_required
def index() -> Any:
    """Each role opens on its work: the people who handle claims on 待办, the auditor on the case list
    (what an auditor does is read cases and their history), the administrator on the users."""
    actor = current_user.actor()
    if actor.role in (Role.FIELD, Role.LEGAL, Role.LEGAL_HEAD):
        return redirect(url_for("work.lists"))
    if actor.can(Perm.CASE_READ):
        return redirect(url_for("cases.index"))
    return redirect(url_for("admin.users"))


@main_bp.route("/language", methods=["POST"])
@public
def set_language() -> Any:
    lang = request.form.get("lang", "")
    if lang in LANGUAGES:
        session["lang"] = lang
    back = request.referrer or ""
    host = request.host_url
    return redirect(back if back.startswith(host) else url_for("main.index"))


def register_blueprints(app: Flask) -> None:
    # Before any rule is added: `<int:...>` then matches only ids an INTEGER column can hold (review F-11).
    app.url_map.converters["int"] = IdConverter
    app.add_url_rule("/vendor/<filename>", endpoint="vendor", view_func=vendor)
    from casework.analytics import report_views  # noqa: F401  (the PDF report's routes join the analytics blueprint)
    from casework.analytics.views import bp as analytics_bp
    from casework.api.views import bp as api_bp
    from casework.assets.views import bp as assets_bp
    from casework.auth.admin_views import bp as admin_bp
    from casework.auth.factor_views import bp as account_bp
    from casework.auth.views import bp as auth_bp
    from casework.cases.views import bp as cases_bp
    from casework.cases.workflow_views import bp as work_bp
    from casework.decision.views import bp as decision_bp
    from casework.dossier.views import bp as dossier_bp
    from casework.evidence.views import bp as evidence_bp
    from casework.export.views import bp as export_bp
    from casework.health import bp as health_bp
    from casework.intake.views import bp as intake_bp
    from casework.rulecheck.views import bp as rulecheck_bp
    from casework.ruletable.calendar_views import bp as calendar_bp
    from casework.ruletable.views import bp as rules_bp

    for bp in (main_bp, auth_bp, admin_bp, cases_bp, work_bp, intake_bp, rulecheck_bp, evidence_bp, decision_bp, dossier_bp,
               export_bp,
               rules_bp, calendar_bp, api_bp, account_bp, assets_bp, analytics_bp, health_bp):
        app.register_blueprint(bp)
    csrf.exempt(api_bp)  # bearer tokens, not cookies: a browser cannot be tricked into sending one


ERROR_TITLES = {
    400: _l("请求无效"),
    403: _l("无权访问"),
    404: _l("页面不存在"),
    405: _l("不允许的操作"),
    409: _l("数据已被他人修改"),
    413: _l("上传内容过大"),
    429: _l("尝试次数过多"),
    500: _l("系统出错"),
}


def register_error_handlers(app: Flask) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    from casework.cases.conflicts import conflict

    app.register_error_handler(StaleDataError, conflict)  # a lost optimistic-lock race: 409, not 500 (F-8)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        code = exc.code or 500
        if code in (301, 302, 303, 307, 308):
            return exc
        if request.path.startswith("/api/"):  # machines get JSON, as the contract promises
            return jsonify({"errors": [{"path": "", "message": exc.description or exc.name}]}), code
        title = ERROR_TITLES.get(code, exc.name)
        return render_template("errors/error.html", code=code, title=title, incident=None), code

    @app.errorhandler(Exception)
    def server_error(exc: Exception) -> Any:
        db.session.rollback()
        incident = secrets.token_hex(4)
        log.exception("incident %s on %s %s", incident, request.method, request.path)
        if request.path.startswith("/api/"):
            return jsonify({"errors": [{"path": "", "message": f"internal error, incident {incident}"}]}), 500
        try:  # a bare page: the failure may lie in what the full layout needs (user, permissions)
            return render_template("errors/error.html", code=500, title=ERROR_TITLES[500], incident=incident,
                                   bare=True), 500
        except Exception:  # noqa: BLE001 - the last resort must answer whatever broke
            log.exception("incident %s: error page failed", incident)
            return f"500 Internal Server Error (incident {incident})", 500, {"Content-Type": "text/plain"}
