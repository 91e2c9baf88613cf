"""Online public services platform (Dịch vụ công trực tuyến): the Flask application."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from backend.config import load_config


def create_app(config: dict | None = None) -> Flask:
    """Build the application. ``config`` overrides values read from the environment."""
    app = Flask(__name__, static_folder=None)
    app.config.update(load_config(config))
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    if app.config["TRUSTED_PROXY_COUNT"]:
        count = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    from backend.core import celery_app, errors, storage, transaction, web
    from backend.core.logging import configure_logging, init_request_id
    from backend.extensions import api, api_blueprint, db, limiter

    configure_logging(app)
    init_request_id(app)
    db.init_app(app)
    celery_app.init_app(app)
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    limiter.init_app(app)
    errors.init_app(app)
    transaction.init_app(app)
    web.init_app(app)
    storage.init_app(app)

    from backend.accounts import auth

    auth.init_app(app)
    _register_namespaces(api)
    if "api" not in app.blueprints:
        app.register_blueprint(api_blueprint)

    from backend.core.health import bp as health_bp
    from backend.core.openapi import docs_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(docs_bp)

    from backend import simulators

    simulators.init_app(app)  # only when SIMULATORS_ENABLED (never in production)

    from backend.cli import register_cli

    register_cli(app)
    return app


def _register_namespaces(api) -> None:
    """Attach every domain's namespace once (the Api object is shared between apps)."""
    from backend.accounts.api import admin_ns, auth_ns
    from backend.backoffice.api import backoffice_ns
    from backend.catalog.api import (
        agencies_ns,
        calendar_ns,
        catalog_admin_ns,
        procedures_ns,
        units_ns,
    )
    from backend.dossiers.api import dossiers_ns, lookup_ns
    from backend.integration.api import integration_admin_ns, integration_ns
    from backend.integration.identity_api import (
        identity_ns,
        population_admin_ns,
        population_ns,
        vneid_ns,
    )
    from backend.notifications.api import notifications_admin_ns, notifications_ns
    from backend.payments.api import (
        dossier_payments_ns,
        payments_admin_ns,
        payments_ns,
        refunds_ns,
    )
    from backend.results.api import (
        backoffice_documents_ns,
        documents_admin_ns,
        documents_ns,
        dossier_documents_ns,
        verify_ns,
    )
    from backend.statistics.api import dossier_rating_ns, statistics_ns

    routes = (
        (auth_ns, "/auth"),
        (admin_ns, "/admin"),
        (catalog_admin_ns, "/admin"),
        (procedures_ns, "/procedures"),
        (agencies_ns, "/agencies"),
        (units_ns, "/admin-units"),
        (calendar_ns, "/calendar"),
        (dossiers_ns, "/dossiers"),
        (lookup_ns, "/lookup"),
        (documents_ns, "/me"),
        (backoffice_ns, "/backoffice"),
        (payments_ns, "/payments"),
        (dossier_payments_ns, "/dossiers"),
        (payments_admin_ns, "/admin"),
        (refunds_ns, "/backoffice"),
        (notifications_ns, "/me"),
        (notifications_admin_ns, "/admin"),
        (dossier_documents_ns, "/dossiers"),
        (backoffice_documents_ns, "/backoffice"),
        (documents_admin_ns, "/admin"),
        (verify_ns, "/verify"),
        (statistics_ns, "/statistics"),
        (dossier_rating_ns, "/dossiers"),
        (integration_ns, "/integration"),
        (integration_admin_ns, "/admin"),
        (identity_ns, "/me/identity"),
        (population_ns, "/backoffice/population"),
        (population_admin_ns, "/admin"),
        (vneid_ns, "/auth/vneid"),
    )
    registered = {ns.name for ns in api.namespaces}
    for namespace, path in routes:
        if namespace.name not in registered:
            api.add_namespace(namespace, path=path)
