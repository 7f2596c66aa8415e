"""Logging in and out, activating an account, changing the password, confirming a new e-mail."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from entrypoints.web.app_services import portail
from entrypoints.web.sessions import cookie_name, login_required, safe_next, set_session_cookie
from portail_core.domain.accounts.account import AccountLocked, TokenPurpose, TooManyAttempts
from portail_core.domain.accounts.passwords import MIN_LENGTH, POLICY_TEXT
from portail_core.errors import InvalidInput, NotAllowed

__all__ = ["blueprint"]

blueprint = Blueprint("accounts", __name__)
MAX_FIELD = 200


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


@blueprint.route("/activation/<secret>", methods=["GET", "POST"])
def activate(secret: str) -> str | Response | tuple[str, int]:
    """Choose a password from the link the guichet unique e-mailed (consumed on POST only)."""
    accounts = portail().accounts
    if request.method == "GET":
        if not accounts.link_is_valid(secret[:100], TokenPurpose.ACTIVATION):
            return render_template("accounts/activation_invalid.html"), 404
        return render_template("accounts/activation.html", policy=POLICY_TEXT, minimum=MIN_LENGTH)
    password = _field("password")
    if password != _field("confirmation"):
        return _password_form(
            "accounts/activation.html",
            {"confirmation": "Les deux mots de passe ne sont pas identiques."},
        )
    try:
        account = accounts.activate(secret[:100], password, actor_ip=_client_ip())
    except InvalidInput as error:
        return _password_form("accounts/activation.html", error.problems)
    except NotAllowed:
        return render_template("accounts/activation_invalid.html"), 404
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


@blueprint.route("/reinitialisation/<secret>", methods=["GET", "POST"])
def reset(secret: str) -> str | Response | tuple[str, int]:
    """Choose a new password from the reset link (consumed on POST only)."""
    accounts = portail().accounts
    if request.method == "GET":
        if not accounts.link_is_valid(secret[:100], TokenPurpose.PASSWORD_RESET):
            return render_template("accounts/activation_invalid.html"), 404
        return render_template("accounts/reset.html", policy=POLICY_TEXT, minimum=MIN_LENGTH)
    if _field("password") != _field("confirmation"):
        return _password_form(
            "accounts/reset.html",
            {"confirmation": "Les deux mots de passe ne sont pas identiques."},
        )
    try:
        account = accounts.reset_password(secret[:100], _field("password"), actor_ip=_client_ip())
    except InvalidInput as error:
        return _password_form("accounts/reset.html", error.problems)
    except NotAllowed:
        return render_template("accounts/activation_invalid.html"), 404
    return redirect(url_for("accounts.login", active="1", identifiant=account.identifier))


@blueprint.route("/deblocage/<secret>", methods=["GET", "POST"])
def unlock(secret: str) -> str | Response | tuple[str, int]:
    """Unlock an account with the e-mailed link: a button, so that fetching the page (by a mail
    client's link checker) consumes nothing."""
    accounts = portail().accounts
    if request.method == "GET":
        if not accounts.link_is_valid(secret[:100], TokenPurpose.UNLOCK):
            return render_template("accounts/activation_invalid.html"), 404
        return render_template("accounts/unlock.html")
    try:
        account = accounts.unlock_with_link(secret[:100], actor_ip=_client_ip())
    except NotAllowed:
        return render_template("accounts/activation_invalid.html"), 404
    return redirect(url_for("accounts.login", debloque="1", identifiant=account.identifier))


@blueprint.route("/confirmation-courriel/<secret>", methods=["GET", "POST"])
def confirm_email(secret: str) -> str | Response | tuple[str, int]:
    """Confirm the main guardian's new e-mail for the account with the link sent there: a
    button, so that fetching the page consumes nothing."""
    accounts = portail().accounts
    if request.method == "GET":
        new_email = accounts.pending_email_change(secret[:100])
        if new_email is None:
            return render_template("accounts/activation_invalid.html"), 404
        return render_template("accounts/email_change.html", new_email=new_email)
    try:
        account = accounts.confirm_email_change(secret[:100], actor_ip=_client_ip())
    except NotAllowed:
        return render_template("accounts/activation_invalid.html"), 404
    return redirect(url_for("accounts.login", courriel="1", identifiant=account.identifier))


@blueprint.post("/prolonger")
@login_required
def extend_session() -> Response:
    """ "Prolonger la session" (RGAA 13.1): loading the session has refreshed its idle timer."""
    return redirect(safe_next(request.form.get("retour")))
