"""casework: compensation claims and disputes for a power supply company's legal department."""

from __future__ import annotations

from typing import Any

from flask import Flask


def instance_path() -> str:
    """CASEWORK_INSTANCE_PATH, else <checkout>/instance, or ./instance when installed from a wheel (infra.paths)."""
    from casework.infra import paths

    return str(paths.instance())


def _check_keys(app: Flask) -> None:
    """An instance whose PII or search key differs from the deployment's refuses to start (infra.key_guard)."""
    from casework.infra.db import db
    from casework.infra.key_guard import check_keys
    from casework.infra.pii import cipher

    with app.app_context():
        if "casework.infra.pii" in app.extensions:
            try:
                check_keys(db.engine, cipher())
            finally:
                # No connection is kept from the check: an app refused, or made and dropped by a command, leaves
                # none open, and a forking server's workers open their own.
                db.engine.dispose()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Config → extensions → blueprints → flow → CLI → error handlers; nothing else (no migrations, no prompts)."""
    from casework import cli, config, flow, models, web  # noqa: F401  (models: the whole schema for Alembic)
    from casework.infra import paths
    from casework.infra.db import init_db
    from casework.infra.pii import init_pii

    app = Flask(
        __name__,
        instance_path=instance_path(),
        instance_relative_config=True,
        template_folder=str(paths.templates()),
    )
    config.load_config(app, test_config)
    config.check_secret(app)
    init_db(app)
    init_pii(app)
    _check_keys(app)
    web.init_extensions(app)
    web.register_blueprints(app)
    flow.install()
    web.register_error_handlers(app)
    cli.register_cli(app)
    return app
