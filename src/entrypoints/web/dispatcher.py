"""One process serving several communes: each request goes to its commune's portal by host name.

The host is werkzeug's (the ``Host`` header, or behind ``PORTAIL_TRUSTED_PROXIES`` reverse
proxies the ``X-Forwarded-Host`` they set), lowercased, without its port. Each commune's portal
(``create_app`` on its own services) is built the first time one of its hosts is asked for. A
host the deployment does not list gets a plain 404 page and touches no database. Cookies stay
host-only (no ``Domain``): a commune's cookies are never sent to another's host. What is logged
while a commune's request is handled names the commune (``entrypoints.logs``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from entrypoints.communes import Communes, commune_settings
from entrypoints.logs import logging_as_commune
from entrypoints.web.app import create_app

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask

__all__ = ["HostDispatcher", "dispatcher_from_environment", "host_of"]

UNKNOWN_HOST = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Portail introuvable</title></head>
<body><h1>Portail introuvable</h1>
<p>Aucun portail des familles n'est servi à cette adresse. Vérifiez l'adresse indiquée par
votre mairie.</p></body></html>
"""


def host_of(environ: WSGIEnvironment, trusted_proxies: int = 0) -> str:
    """The host name asked for, lowercased, without port or final dot."""
    forwarded = environ.get("HTTP_X_FORWARDED_HOST", "") if trusted_proxies else ""
    values = [v.strip() for v in forwarded.split(",") if v.strip()]
    if trusted_proxies and len(values) >= trusted_proxies:
        host = values[-trusted_proxies]
    else:
        host = Request(environ).host
    if host.startswith("["):  # an IPv6 address: [::1]:5000
        return host.partition("]")[0] + "]"
    return host.rpartition(":")[0].lower().rstrip(".") if ":" in host else host.lower().rstrip(".")


class HostDispatcher:
    """The WSGI application of a deployment: one Flask portal per commune, by host."""

    def __init__(
        self,
        communes: Communes,
        make_app: Callable[..., Flask] = create_app,
        *,
        trusted_proxies: int = 0,
    ) -> None:
        self.communes = communes
        self._make_app = make_app
        self._trusted_proxies = trusted_proxies
        self._apps: dict[str, Flask] = {}
        self._building = threading.Lock()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        site = self.communes.deployment.for_host(host_of(environ, self._trusted_proxies))
        if site is None:
            answer: WSGIApplication = Response(
                UNKNOWN_HOST, status=404, content_type="text/html; charset=utf-8"
            )
            return answer(environ, start_response)
        with logging_as_commune(site.code):  # what the portal logs names its commune
            return self.app(site.code)(environ, start_response)

    def app(self, code: str) -> Flask:
        """The commune's portal, built on its first request."""
        app = self._apps.get(code)
        if app is None:
            with self._building:
                app = self._apps.get(code)
                if app is None:
                    app = self._make_app(services=self.communes.services(code))
                    self._apps[code] = app
        return app

    def close(self) -> None:
        self.communes.close()


def dispatcher_from_environment(communes: Communes) -> HostDispatcher:
    """The dispatcher over ``communes``, trusting the reverse proxies the environment names
    (``PORTAIL_TRUSTED_PROXIES``, shared by the communes; checked by the first one's settings)."""
    first = communes.deployment.communes[0]
    trusted = commune_settings(first, communes.environ, require_database=False).trusted_proxies
    return HostDispatcher(communes, trusted_proxies=trusted)
