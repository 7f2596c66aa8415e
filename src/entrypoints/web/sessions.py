"""The portal session on each request: read the cookie, load the session, guard pages.

The cookie is opaque (its secret's hash is what the database knows), HttpOnly, SameSite=Lax,
and ``__Host-`` prefixed and Secure behind HTTPS. Flask's own signed cookie carries the CSRF
token (and, between an e-mailed link and its form, the link's secret): each time the portal
session changes (login, logout, new password) the CSRF token is replaced, so that a token
obtained before, by anyone, no longer works.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, redirect, request, session, url_for
from werkzeug.wrappers import Response as BaseResponse

from entrypoints.web.app_services import portail, services_of
from portail_core.domain.shared.text import has_control_characters
from portail_core.services.accounts.sessions import SessionView

__all__ = ["cookie_name", "login_required", "register", "safe_next", "set_session_cookie"]

P = ParamSpec("P")
MAX_TARGET = 512
R = TypeVar("R")
# the page to change it, and what every page loads (the commune's look: its colour, its logo)
ALLOWED_WHILE_PASSWORD_MUST_CHANGE = {
    "accounts.change_password",
    "accounts.logout",
    "static",
    "communes.stylesheet",
    "communes.logo",
}


def cookie_name() -> str:
    return "__Host-session" if services_of(current_app).settings.uses_https else "portail_session"


def register(app: Flask) -> None:
    app.before_request(_load_session)
    app.after_request(_no_store_when_logged_in)


def _load_session() -> BaseResponse | None:
    secret = request.cookies.get(cookie_name())
    g.portal_session = portail().accounts.current_session(secret) if secret else None
    session: SessionView | None = g.portal_session
    if (
        session is not None
        and session.must_change_password
        and request.endpoint not in ALLOWED_WHILE_PASSWORD_MUST_CHANGE
    ):
        return redirect(url_for("accounts.change_password"))
    return None


def _no_store_when_logged_in(response: Response) -> Response:
    # A response that says it is public (the commune's look: the same for everyone) stays so.
    if g.get("portal_session") is not None and not response.cache_control.public:
        response.headers["Cache-Control"] = "no-store"
    return response


def login_required(view: Callable[P, R]) -> Callable[P, R | BaseResponse]:
    @functools.wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R | BaseResponse:
        if g.get("portal_session") is None:
            if request.method != "GET":  # e.g. "Prolonger la session" after it expired
                return redirect(url_for("accounts.login"))
            return redirect(url_for("accounts.login", suite=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return guarded


def set_session_cookie(response: BaseResponse, secret: str | None) -> BaseResponse:
    """The browser's portal session becomes ``secret`` (None: none); its CSRF token is new."""
    https = services_of(current_app).settings.uses_https
    _rotate_csrf_token()
    response.headers["Cache-Control"] = "no-store"
    if secret is None:
        response.delete_cookie(cookie_name(), path="/", secure=https, httponly=True, samesite="Lax")
    else:
        response.set_cookie(
            cookie_name(), secret, path="/", secure=https, httponly=True, samesite="Lax"
        )
    return response


def _rotate_csrf_token() -> None:
    """Forget the CSRF token (Flask-WTF keeps it in the session, and in ``g`` for the request):
    the next form gets a new one, and a page's token from before is refused."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(name, None)
    g.pop(name, None)


def safe_next(target: str | None) -> str:
    """Where to go after logging in: only a path of this site (no open redirect)."""
    if not target or len(target) > MAX_TARGET or has_control_characters(target):
        return url_for("space.home")
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return url_for("space.home")
    return target
