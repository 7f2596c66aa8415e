"""The Flask application factory."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, g
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from entrypoints.bootstrap import Services, bootstrap
from entrypoints.web import (
    absences,
    accounts,
    allocation,
    billing,
    bookings,
    catalogue,
    communes,
    dossiers,
    errors,
    feeds,
    health,
    information,
    menus,
    news,
    pages,
    payments,
    preregistrations,
    regulations,
    security,
    sessions,
    sma,
    space,
    waiting_room,
)
from entrypoints.web.app_services import SERVICES_KEY, portail
from entrypoints.web.formatting import register_filters

__all__ = ["create_app"]

log = logging.getLogger(__name__)


def create_app(config: Mapping[str, Any] | None = None, services: Services | None = None) -> Flask:
    """Build the portal; without ``services`` it bootstraps from the environment."""
    services = services or bootstrap()
    settings = services.settings
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        # Flask's signed cookie only carries the CSRF token; the portal session is server-side
        # (see sessions.py). Behind HTTPS cookies are __Host- prefixed and Secure; a local trial
        # on http://127.0.0.1 keeps plain names so that browsers still send them.
        SESSION_COOKIE_NAME="__Host-csrf" if settings.uses_https else "csrf",
        SESSION_COOKIE_SECURE=settings.uses_https,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PREFERRED_URL_SCHEME="https" if settings.uses_https else "http",
        MAX_CONTENT_LENGTH=6 * 1024 * 1024,  # the largest upload (5 MB) plus the form around it
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    if config:
        app.config.update(config)
    app.extensions[SERVICES_KEY] = services
    if settings.trusted_proxies:  # behind N reverse proxies, trust their X-Forwarded-* only
        count = settings.trusted_proxies
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )
    csrf = CSRFProtect(app)
    csrf.exempt(payments.notification)  # PayFiP's servers post it; it trusts nothing
    errors.answers_anything(payments.notification)  # 200 to PayFiP, whatever its query holds
    csrf.exempt(payments.payment_return_posted)  # PayFiP's page may post it; it only redirects
    security.register(app, settings.payfip_url)
    accounts.mask_link_secrets_in_logs(app)  # the e-mailed links' secrets, in the access logs
    sessions.register(app)
    waiting_room.register(app)  # the booking pages' gate: after the session is loaded
    errors.register(app)
    register_filters(app)
    # The invoice's table of lines is written once, in the PDF's templates, and printed by the
    # family's page too ("facture/invoice_lines.html").
    own = [app.jinja_loader] if app.jinja_loader is not None else []
    pdf = PrefixLoader({"facture": PackageLoader("adapters.pdf", "templates")})
    app.jinja_loader = ChoiceLoader([*own, pdf])
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(communes.blueprint)
    app.register_blueprint(catalogue.blueprint)
    app.register_blueprint(information.blueprint)
    app.register_blueprint(regulations.blueprint)
    app.register_blueprint(news.blueprint)
    app.register_blueprint(accounts.blueprint)
    app.register_blueprint(space.blueprint)
    app.register_blueprint(dossiers.blueprint)
    app.register_blueprint(bookings.blueprint)
    app.register_blueprint(waiting_room.blueprint)
    app.register_blueprint(absences.blueprint)
    app.register_blueprint(preregistrations.blueprint)
    app.register_blueprint(menus.blueprint)
    app.register_blueprint(feeds.blueprint)
    app.register_blueprint(billing.blueprint)
    app.register_blueprint(payments.blueprint)
    app.register_blueprint(sma.blueprint)
    app.register_blueprint(allocation.blueprint)
    app.register_blueprint(health.blueprint)
    app.context_processor(_layout_context)
    if not services.schema_is_current():
        log.warning("database schema is not current: run `portail db upgrade`")
    return app


def _layout_context() -> dict[str, object]:
    """The town shown in every page's header, read once per request."""
    if "commune" not in g:
        try:
            g.commune = portail().communes.current()
        except Exception:  # an error page must still render when the database is down
            log.exception("cannot read the commune for the page layout")
            g.commune = None
    return {"commune": g.commune, "portal_session": g.get("portal_session")}
