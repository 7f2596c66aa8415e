"""Logging in and out, activating an account, changing the password, confirming a new e-mail."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from entrypoints.web.app_services import services_of
from entrypoints.web.sessions import cookie_name, login_required, safe_next, set_session_cookie
from portail_core.domain.accounts.account import AccountLocked, TokenPurpose, TooManyAttempts
from portail_core.domain.accounts.passwords import MIN_LENGTH, POLICY_TEXT
from portail_core.errors import InvalidInput, NotAllowed
from portail_core.services.accounts.email_change import confirm_email_change, pending_email_change
from portail_core.services.accounts.links import link_is_valid
from portail_core.services.accounts.opening import activate_account
from portail_core.services.accounts.recovery import (
    request_password_reset,
    reset_password,
    unlock_with_link,
)
from portail_core.services.accounts.sessions import change_password, end_session, log_in

__all__ = ["blueprint"]

blueprint = Blueprint("auth", __name__)
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
        return render_template("auth/login.html", target=target)
    services = services_of(current_app)
    identifier = _field("identifier")
    try:
        secret = log_in(
            services.uow,
            identifier,
            _field("password"),
            hasher=services.hasher,
            actor_ip=_client_ip(),
            clock=services.clock,
            public_url=services.settings.public_url,
        )
    except (TooManyAttempts, AccountLocked) as error:
        return render_template(
            "auth/login.html", error=error.message, identifier=identifier, target=target
        ), 429
    except NotAllowed as error:
        return render_template(
            "auth/login.html", error=error.message, identifier=identifier, target=target
        ), 401
    return set_session_cookie(redirect(safe_next(target)), secret)


@blueprint.post("/deconnexion")
def logout() -> Response:
    """Ends the session on the server and forgets the cookie."""
    services = services_of(current_app)
    end_session(services.uow(), request.cookies.get(cookie_name()))
    return set_session_cookie(redirect(url_for("auth.login", sortie="1")), None)


@blueprint.route("/activation/<secret>", methods=["GET", "POST"])
def activate(secret: str) -> str | Response | tuple[str, int]:
    """Choose a password from the link the guichet unique e-mailed (consumed on POST only)."""
    services = services_of(current_app)
    if request.method == "GET":
        if not link_is_valid(
            services.uow(read_only=True), secret[:100], TokenPurpose.ACTIVATION, services.clock
        ):
            return render_template("auth/activation_invalid.html"), 404
        return render_template("auth/activation.html", policy=POLICY_TEXT, minimum=MIN_LENGTH)
    password = _field("password")
    if password != _field("confirmation"):
        return _password_form(
            "auth/activation.html",
            {"confirmation": "Les deux mots de passe ne sont pas identiques."},
        )
    try:
        account = activate_account(
            services.uow(),
            secret[:100],
            password,
            hasher=services.hasher,
            actor_ip=_client_ip(),
            clock=services.clock,
        )
    except InvalidInput as error:
        return _password_form("auth/activation.html", error.problems)
    except NotAllowed:
        return render_template("auth/activation_invalid.html"), 404
    return redirect(url_for("auth.login", active="1", identifiant=account.identifier))


@blueprint.route("/mot-de-passe", methods=["GET", "POST"], endpoint="change_password")
@login_required
def change_password_page() -> str | Response | tuple[str, int]:
    """Change the password (required after a temporary one)."""
    if request.method == "GET":
        return render_template("auth/change_password.html", policy=POLICY_TEXT, minimum=MIN_LENGTH)
    services = services_of(current_app)
    if _field("password") != _field("confirmation"):
        return _password_form(
            "auth/change_password.html",
            {"confirmation": "Les deux mots de passe ne sont pas identiques."},
        )
    try:
        secret = change_password(
            services.uow(),
            g.portal_session.account_id,
            _field("current"),
            _field("password"),
            hasher=services.hasher,
            actor_ip=_client_ip(),
            clock=services.clock,
            public_url=services.settings.public_url,
        )
    except InvalidInput as error:
        return _password_form("auth/change_password.html", error.problems)
    except (TooManyAttempts, AccountLocked) as error:
        return _password_form("auth/change_password.html", {"current": error.message}, 429)
    return set_session_cookie(redirect(url_for("space.home", modifie="1")), secret)


def _password_form(template: str, problems: dict[str, str], status: int = 400) -> tuple[str, int]:
    return render_template(
        template, policy=POLICY_TEXT, minimum=MIN_LENGTH, errors=problems
    ), status


@blueprint.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def forgotten_password() -> str | tuple[str, int]:
    """Ask for a reset link; the answer is the same whether the identifier exists or not."""
    if request.method == "GET":
        return render_template("auth/forgotten.html")
    services = services_of(current_app)
    try:
        request_password_reset(
            services.uow(),
            _field("identifier"),
            public_url=services.settings.public_url,
            actor_ip=_client_ip(),
            clock=services.clock,
        )
    except TooManyAttempts as error:
        return render_template("auth/forgotten.html", error=error.message), 429
    return render_template("auth/forgotten.html", sent=True)


@blueprint.route("/reinitialisation/<secret>", methods=["GET", "POST"])
def reset(secret: str) -> str | Response | tuple[str, int]:
    """Choose a new password from the reset link (consumed on POST only)."""
    services = services_of(current_app)
    if request.method == "GET":
        if not link_is_valid(
            services.uow(read_only=True), secret[:100], TokenPurpose.PASSWORD_RESET, services.clock
        ):
            return render_template("auth/activation_invalid.html"), 404
        return render_template("auth/reset.html", policy=POLICY_TEXT, minimum=MIN_LENGTH)
    if _field("password") != _field("confirmation"):
        return _password_form(
            "auth/reset.html", {"confirmation": "Les deux mots de passe ne sont pas identiques."}
        )
    try:
        account = reset_password(
            services.uow(),
            secret[:100],
            _field("password"),
            hasher=services.hasher,
            actor_ip=_client_ip(),
            clock=services.clock,
        )
    except InvalidInput as error:
        return _password_form("auth/reset.html", error.problems)
    except NotAllowed:
        return render_template("auth/activation_invalid.html"), 404
    return redirect(url_for("auth.login", active="1", identifiant=account.identifier))


@blueprint.route("/deblocage/<secret>", methods=["GET", "POST"])
def unlock(secret: str) -> str | Response | tuple[str, int]:
    """Unlock an account with the e-mailed link: a button, so that fetching the page (by a mail
    client's link checker) consumes nothing."""
    services = services_of(current_app)
    if request.method == "GET":
        if not link_is_valid(
            services.uow(read_only=True), secret[:100], TokenPurpose.UNLOCK, services.clock
        ):
            return render_template("auth/activation_invalid.html"), 404
        return render_template("auth/unlock.html")
    try:
        account = unlock_with_link(
            services.uow(), secret[:100], actor_ip=_client_ip(), clock=services.clock
        )
    except NotAllowed:
        return render_template("auth/activation_invalid.html"), 404
    return redirect(url_for("auth.login", debloque="1", identifiant=account.identifier))


@blueprint.route("/confirmation-courriel/<secret>", methods=["GET", "POST"])
def confirm_email(secret: str) -> str | Response | tuple[str, int]:
    """Confirm the main guardian's new e-mail for the account with the link sent there: a
    button, so that fetching the page consumes nothing."""
    services = services_of(current_app)
    if request.method == "GET":
        new_email = pending_email_change(services.uow(read_only=True), secret[:100], services.clock)
        if new_email is None:
            return render_template("auth/activation_invalid.html"), 404
        return render_template("auth/email_change.html", new_email=new_email)
    try:
        account = confirm_email_change(
            services.uow(), secret[:100], actor_ip=_client_ip(), clock=services.clock
        )
    except NotAllowed:
        return render_template("auth/activation_invalid.html"), 404
    return redirect(url_for("auth.login", courriel="1", identifiant=account.identifier))


@blueprint.post("/prolonger")
@login_required
def extend_session() -> Response:
    """ "Prolonger la session" (RGAA 13.1): loading the session has refreshed its idle timer."""
    return redirect(safe_next(request.form.get("retour")))
