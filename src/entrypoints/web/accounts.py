"""Logging in and out, activating an account, changing the password, confirming a new e-mail.

The links e-mailed to families (activation, reset, unlock, e-mail change) carry a secret in
their path. Its first request keeps the secret in the browser's signed session cookie and sends
the browser (303) to the same page without it: only that one request line holds the secret, the
pages, their forms and their ``Referer`` never do, and ``LinkSecretFilter`` masks it in the
access logs that this process writes (werkzeug's, gunicorn's). A reverse proxy's log is the
operator's to configure (docs/operator-guide.md).
"""

from __future__ import annotations

import logging
import re

from flask import Blueprint, Flask, g, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from entrypoints.web.app_services import portail
from entrypoints.web.feeds import FEED_SEGMENT
from entrypoints.web.sessions import cookie_name, login_required, safe_next, set_session_cookie
from portail_core.domain.accounts.account import AccountLocked, TokenPurpose, TooManyAttempts
from portail_core.domain.accounts.passwords import MIN_LENGTH, POLICY_TEXT
from portail_core.errors import InvalidInput, NotAllowed

__all__ = ["LinkSecretFilter", "blueprint", "mask_link_secrets_in_logs"]

blueprint = Blueprint("accounts", __name__)
MAX_FIELD = 200
MAX_SECRET = 100
LINK_PATHS = {  # purpose -> the first segment of its e-mailed link, /<segment>/<secret>
    TokenPurpose.ACTIVATION: "activation",
    TokenPurpose.PASSWORD_RESET: "reinitialisation",
    TokenPurpose.UNLOCK: "deblocage",
    TokenPurpose.EMAIL_CHANGE: "confirmation-courriel",
}
MASKED_PATHS = (*LINK_PATHS.values(), FEED_SEGMENT)  # and the calendar feed's /agenda/<secret>
_LINK_IN_TEXT = re.compile("/(" + "|".join(map(re.escape, MASKED_PATHS)) + r")/[^\s\"'?#]+")
# Loggers of the servers that print request lines: the demo server's and gunicorn's.
SERVER_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


class LinkSecretFilter(logging.Filter):
    """Masks the secret of an e-mailed link in a log record: ``/activation/[masqué]``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _LINK_IN_TEXT.sub(r"/\1/[masqué]", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_FILTER = LinkSecretFilter()  # one instance: adding it again to a logger is a no-op


def mask_link_secrets_in_logs(app: Flask) -> None:
    """Install the filter on the application's logger and on the servers' access logs."""
    for logger in (app.logger, *map(logging.getLogger, SERVER_LOGGERS)):
        logger.addFilter(_FILTER)


def _field(name: str) -> str:
    return (request.form.get(name) or "")[:MAX_FIELD]


def _client_ip() -> str:
    return request.remote_addr or "inconnue"


@blueprint.route("/connexion", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    """The login form; a success opens a new session and goes where the family was going."""
    target = request.args.get("suite")
    if request.method == "GET":
        return render_template("accounts/login.html", target=target)
    identifier = _field("identifier")
    try:
        secret = portail().accounts.log_in(identifier, _field("password"), actor_ip=_client_ip())
    except (TooManyAttempts, AccountLocked) as error:
        return render_template(
            "accounts/login.html", error=error.message, identifier=identifier, target=target
        ), 429
    except NotAllowed as error:
        return render_template(
            "accounts/login.html", error=error.message, identifier=identifier, target=target
        ), 401
    return set_session_cookie(redirect(safe_next(target)), secret)


@blueprint.post("/deconnexion")
def logout() -> Response:
    """Ends the session on the server and forgets the cookie."""
    portail().accounts.end_session(request.cookies.get(cookie_name()))
    return set_session_cookie(redirect(url_for("accounts.login", sortie="1")), None)


def _link_works(purpose: TokenPurpose, secret: str) -> bool:
    accounts = portail().accounts
    if purpose is TokenPurpose.EMAIL_CHANGE:
        return accounts.pending_email_change(secret) is not None
    return accounts.link_is_valid(secret, purpose)


def _follow_link(purpose: TokenPurpose, secret: str, page: str) -> Response | tuple[str, int]:
    """An e-mailed link's one request with its secret: kept in the session, then 303 to
    ``page``, the same page without it (consumes nothing: a mail client's checker may GET it)."""
    secret = secret[:MAX_SECRET]
    if not _link_works(purpose, secret):
        return _spent_link(purpose)
    session[_session_key(purpose)] = secret
    return redirect(url_for(page), 303)


def _session_key(purpose: TokenPurpose) -> str:
    return f"lien-{purpose.value}"


def _link_secret(purpose: TokenPurpose) -> str:
    """The secret of the link this browser followed, or "" (none, or cookies refused)."""
    secret = session.get(_session_key(purpose))
    return secret if isinstance(secret, str) else ""


def _spent_link(purpose: TokenPurpose, *, followed: bool = True) -> tuple[str, int]:
    """The link no longer works (or this browser followed none): forgotten, and said so."""
    session.pop(_session_key(purpose), None)
    return render_template(
        "accounts/activation_invalid.html",
        purpose=purpose.value,
        hours=int(purpose.lifetime.total_hours()),
        followed=followed,
    ), 404


def _link_used(purpose: TokenPurpose) -> None:
    session.pop(_session_key(purpose), None)


@blueprint.get("/activation/<secret>")
def activation_link(secret: str) -> Response | tuple[str, int]:
    """The activation link e-mailed by the guichet unique."""
    return _follow_link(TokenPurpose.ACTIVATION, secret, "accounts.activate")


@blueprint.route("/activation", methods=["GET", "POST"])
def activate() -> str | Response | tuple[str, int]:
    """Choose a password through the activation link this browser followed (consumed on POST)."""
    accounts, purpose = portail().accounts, TokenPurpose.ACTIVATION
    secret = _link_secret(purpose)
    if not secret:
        return _spent_link(purpose, followed=False)
    if request.method == "GET":
        if not accounts.link_is_valid(secret, purpose):
            return _spent_link(purpose)
        return render_template("accounts/activation.html", policy=POLICY_TEXT, minimum=MIN_LENGTH)
    password = _field("password")
    if password != _field("confirmation"):
        return _password_form(
            "accounts/activation.html",
            {"confirmation": "Les deux mots de passe ne sont pas identiques."},
        )
    try:
        account = accounts.activate(secret, password, actor_ip=_client_ip())
    except InvalidInput as error:
        return _password_form("accounts/activation.html", error.problems)
    except NotAllowed:
        return _spent_link(purpose)
    _link_used(purpose)
    return redirect(url_for("accounts.login", active="1", identifiant=account.identifier))


@blueprint.route("/mot-de-passe", methods=["GET", "POST"], endpoint="change_password")
@login_required
def change_password_page() -> str | Response | tuple[str, int]:
    """Change the password (required after a temporary one)."""
    if request.method == "GET":
        return render_template(
            "accounts/change_password.html", policy=POLICY_TEXT, minimum=MIN_LENGTH
        )
    if _field("password") != _field("confirmation"):
        return _password_form(
            "accounts/change_password.html",
            {"confirmation": "Les deux mots de passe ne sont pas identiques."},
        )
    try:
        secret = portail().accounts.change_password(
            g.portal_session.account_id,
            _field("current"),
            _field("password"),
            actor_ip=_client_ip(),
        )
    except InvalidInput as error:
        return _password_form("accounts/change_password.html", error.problems)
    except (TooManyAttempts, AccountLocked) as error:
        return _password_form("accounts/change_password.html", {"current": error.message}, 429)
    return set_session_cookie(redirect(url_for("space.home", modifie="1")), secret)


def _password_form(template: str, problems: dict[str, str], status: int = 400) -> tuple[str, int]:
    return render_template(
        template, policy=POLICY_TEXT, minimum=MIN_LENGTH, errors=problems
    ), status


@blueprint.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def forgotten_password() -> str | tuple[str, int]:
    """Ask for a reset link; the answer is the same whether the identifier exists or not."""
    if request.method == "GET":
        return render_template("accounts/forgotten.html")
    try:
        portail().accounts.request_password_reset(_field("identifier"), actor_ip=_client_ip())
    except TooManyAttempts as error:
        return render_template("accounts/forgotten.html", error=error.message), 429
    return render_template("accounts/forgotten.html", sent=True)


@blueprint.get("/reinitialisation/<secret>")
def reset_link(secret: str) -> Response | tuple[str, int]:
    """The password reset link (« Mot de passe oublié ? » or the guichet unique)."""
    return _follow_link(TokenPurpose.PASSWORD_RESET, secret, "accounts.reset")


@blueprint.route("/reinitialisation", methods=["GET", "POST"])
def reset() -> str | Response | tuple[str, int]:
    """Choose a new password through the reset link this browser followed (consumed on POST);
    it unlocks a locked account too."""
    accounts, purpose = portail().accounts, TokenPurpose.PASSWORD_RESET
    secret = _link_secret(purpose)
    if not secret:
        return _spent_link(purpose, followed=False)
    if request.method == "GET":
        if not accounts.link_is_valid(secret, purpose):
            return _spent_link(purpose)
        return render_template("accounts/reset.html", policy=POLICY_TEXT, minimum=MIN_LENGTH)
    if _field("password") != _field("confirmation"):
        return _password_form(
            "accounts/reset.html",
            {"confirmation": "Les deux mots de passe ne sont pas identiques."},
        )
    try:
        account = accounts.reset_password(secret, _field("password"), actor_ip=_client_ip())
    except InvalidInput as error:
        return _password_form("accounts/reset.html", error.problems)
    except NotAllowed:
        return _spent_link(purpose)
    _link_used(purpose)
    return redirect(url_for("accounts.login", active="1", identifiant=account.identifier))


@blueprint.get("/deblocage/<secret>")
def unlock_link(secret: str) -> Response | tuple[str, int]:
    """The unlock link, e-mailed the moment the account locked."""
    return _follow_link(TokenPurpose.UNLOCK, secret, "accounts.unlock")


@blueprint.route("/deblocage", methods=["GET", "POST"])
def unlock() -> str | Response | tuple[str, int]:
    """Unlock the account with the link this browser followed: a button, so that fetching the
    page (by a mail client's link checker) consumes nothing."""
    accounts, purpose = portail().accounts, TokenPurpose.UNLOCK
    secret = _link_secret(purpose)
    if not secret:
        return _spent_link(purpose, followed=False)
    if request.method == "GET":
        if not accounts.link_is_valid(secret, purpose):
            return _spent_link(purpose)
        return render_template("accounts/unlock.html")
    try:
        account = accounts.unlock_with_link(secret, actor_ip=_client_ip())
    except NotAllowed:
        return _spent_link(purpose)
    _link_used(purpose)
    return redirect(url_for("accounts.login", debloque="1", identifiant=account.identifier))


@blueprint.get("/confirmation-courriel/<secret>")
def confirm_email_link(secret: str) -> Response | tuple[str, int]:
    """The link sent to the main guardian's new address."""
    return _follow_link(TokenPurpose.EMAIL_CHANGE, secret, "accounts.confirm_email")


@blueprint.route("/confirmation-courriel", methods=["GET", "POST"])
def confirm_email() -> str | Response | tuple[str, int]:
    """Confirm the main guardian's new e-mail for the account with the link this browser
    followed: a button, so that fetching the page consumes nothing."""
    accounts, purpose = portail().accounts, TokenPurpose.EMAIL_CHANGE
    secret = _link_secret(purpose)
    if not secret:
        return _spent_link(purpose, followed=False)
    if request.method == "GET":
        new_email = accounts.pending_email_change(secret)
        if new_email is None:
            return _spent_link(purpose)
        return render_template("accounts/email_change.html", new_email=new_email)
    try:
        account = accounts.confirm_email_change(secret, actor_ip=_client_ip())
    except NotAllowed:
        return _spent_link(purpose)
    _link_used(purpose)
    return redirect(url_for("accounts.login", courriel="1", identifiant=account.identifier))


@blueprint.post("/prolonger")
@login_required
def extend_session() -> Response:
    """ "Prolonger la session" (RGAA 13.1): the idle timer restarts now."""
    portail().accounts.extend_session(request.cookies.get(cookie_name()))
    return redirect(safe_next(request.form.get("retour")))
