"""The portal's session boundaries, through Flask's client on SQLite: a CSRF token belongs to one
portal session (login, logout and a new password replace it), and a family that someone else
locked out sees every way out, each of which works at once."""

import pendulum
from flask.testing import FlaskClient

from adapters.clock import FixedClock
from entrypoints.bootstrap import Services
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    STRONG,
    activate,
    client,
    clock,
    csrf,
    log_in,
    open_family_account,
    post,
    reset_link,
    services,
    text,
)


def active_family(services: Services, client: FlaskClient) -> str:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    return account["identifier"]


def test_a_csrf_token_obtained_before_login_is_refused_after_it(
    services: Services, client: FlaskClient
) -> None:
    identifier = active_family(services, client)
    before = csrf(client, "/connexion")
    logged = client.post(
        "/connexion", data={"csrf_token": before, "identifier": identifier, "password": STRONG}
    )
    assert logged.status_code == 302
    replayed = client.post("/prolonger", data={"csrf_token": before, "retour": "/famille"})
    assert replayed.status_code == 400
    assert "Formulaire expiré" in text(replayed)
    assert client.get("/espace").status_code == 200  # the session itself is fine
    assert post(client, "/prolonger", {"retour": "/famille"}, "/famille").status_code == 302


def test_a_csrf_token_of_a_session_is_refused_once_it_has_ended(
    services: Services, client: FlaskClient
) -> None:
    identifier = active_family(services, client)
    log_in(client, identifier)
    during = csrf(client, "/famille")
    assert client.post("/deconnexion", data={"csrf_token": during}).status_code == 302
    replayed = client.post(
        "/connexion", data={"csrf_token": during, "identifier": identifier, "password": STRONG}
    )
    assert replayed.status_code == 400
    assert log_in(client, identifier).status_code == 302  # with the new page's token


def test_a_new_password_replaces_the_csrf_token_too(
    services: Services, client: FlaskClient
) -> None:
    identifier = active_family(services, client)
    log_in(client, identifier)
    during = csrf(client, "/famille")
    new = "girafe bleue dans la neige"
    changed = post(
        client, "/mot-de-passe", {"current": STRONG, "password": new, "confirmation": new}
    )
    assert changed.status_code == 302
    replayed = client.post("/prolonger", data={"csrf_token": during, "retour": "/famille"})
    assert replayed.status_code == 400


def test_a_family_locked_out_by_someone_else_is_told_the_ways_out_and_a_reset_works_at_once(
    services: Services, client: FlaskClient, clock: FixedClock
) -> None:
    identifier = active_family(services, client)
    attacker = FlaskClient(client.application, use_cookies=True)
    for attempt in range(10):
        log_in(attacker, identifier, f"devinette {attempt}")
        clock.advance(pendulum.duration(hours=9))
    locked = log_in(client, identifier)
    assert locked.status_code == 429
    message = text(locked)
    assert "lien envoyé par courriel" in message
    assert "« Mot de passe oublié ? »" in message
    with services.ports.uow(read_only=True) as uow:
        unlock = uow.outbox.listing(1)[0]
    assert (unlock.template, unlock.urgent) == ("account_unlock", True)
    post(client, "/mot-de-passe-oublie", {"identifier": identifier})
    new = "girafe bleue dans la neige"
    done = post(client, reset_link(services), {"password": new, "confirmation": new})
    assert done.status_code == 302
    assert log_in(client, identifier, new).status_code == 302
