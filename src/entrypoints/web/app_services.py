"""Where a Flask application keeps its services (set by ``create_app``)."""

from __future__ import annotations

from flask import Flask

from entrypoints.bootstrap import Services

__all__ = ["SERVICES_KEY", "services_of"]

SERVICES_KEY = "portail.services"


def services_of(app: Flask) -> Services:
    services: Services = app.extensions[SERVICES_KEY]
    return services
