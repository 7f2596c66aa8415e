"""Where a Flask application keeps its services (set by ``create_app``), and the core's façade
each view calls."""

from __future__ import annotations

from flask import Flask, current_app, g

from entrypoints.bootstrap import Services
from portail_core.domain.audit import Actor, Channel
from portail_core.facade.portail import Portail

__all__ = ["SERVICES_KEY", "family_actor", "family_id", "portail", "services_of"]

SERVICES_KEY = "portail.services"


def services_of(app: Flask) -> Services:
    services: Services = app.extensions[SERVICES_KEY]
    return services


def portail() -> Portail:
    """The core's façade of the application handling the request."""
    return services_of(current_app).portail


def family_id() -> int:
    """The logged-in family's dossier number (views behind ``login_required``)."""
    number: int = g.portal_session.family_id
    return number


def family_actor() -> Actor:
    """The logged-in family, as the audit trail and histories name it."""
    return Actor(g.portal_session.identifier, Channel.PORTAL)
