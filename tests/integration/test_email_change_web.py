"""Confirming the main guardian's new e-mail for the account, through Flask's client on SQLite:
the dossier change sends the link, GET shows the address (at an address without the link's
secret) and consumes nothing, POST (with its CSRF token) confirms once; a spent or unknown link
gets the invalid-link page."""

from urllib.parse import urlsplit

import pendulum
import pytest
from flask.testing import FlaskClient

from adapters.clock import FixedClock
from entrypoints.bootstrap import Services
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    activate,
    client,
    clock,
    csrf,
    log_in,
    open_family_account,
    post,
    services,
    text,
)

NEW = "claire@nouveau.example"


@pytest.fixture
def link(services: Services, client: FlaskClient) -> str:
    """The Martins, logged in, change their main guardian's e-mail on the portal."""
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    saved = post(
        client,
        "/famille/responsables/1",
        {"phone1": "06 12 34 56 78", "phone2": "", "email": NEW},
    )
    assert saved.status_code == 302
    with services.ports.uow(read_only=True) as uow:
        confirm, notice = uow.outbox.listing(2)[::-1]
    assert (confirm.to, confirm.template) == (NEW, "email_change_confirm")
    assert (notice.to, notice.template) == ("claire.martin@example.fr", "email_change_notice")
    return urlsplit(confirm.context["confirm_url"]).path


def account_email(services: Services) -> str:
    with services.ports.uow(read_only=True) as uow:
        account = uow.accounts.by_identifier("martin.1")
    assert account is not None
    return account.email


def test_the_link_shows_the_new_address_and_a_button_and_consumes_nothing(
    services: Services, client: FlaskClient, link: str
) -> None:
    assert link.startswith("/confirmation-courriel/")
    for _ in range(2):
        page = client.get(link, follow_redirects=True)
        assert page.status_code == 200
        assert page.request.path == "/confirmation-courriel"
        html = text(page)
        assert "<h1>Confirmer la nouvelle adresse e-mail</h1>" in html
        assert NEW in html
        assert '<form method="post">' in html
    assert account_email(services) == "claire.martin@example.fr"


def test_posting_the_form_confirms_the_new_address_once(
    services: Services, client: FlaskClient, link: str
) -> None:
    done = post(client, link, {})
    assert done.status_code == 302
    assert "/connexion?courriel=1" in done.headers["Location"]
    assert "Votre nouvelle adresse e-mail est confirmée" in text(
        client.get(done.headers["Location"])
    )
    assert account_email(services) == NEW
    with services.ports.uow(read_only=True) as uow:
        (event,) = [e for e in uow.audit.latest(50) if e.action == "account.email_change"]
    assert event.details["email"] == ["claire.martin@example.fr", NEW]
    again = client.get(link)
    assert again.status_code == 404
    assert "Ce lien n’est plus valable" in text(again)


def test_the_confirmation_needs_the_csrf_token(
    services: Services, client: FlaskClient, link: str
) -> None:
    client.get(link)
    refused = client.post("/confirmation-courriel", data={})
    assert refused.status_code == 400
    assert "Formulaire expiré" in text(refused)
    assert account_email(services) == "claire.martin@example.fr"
    assert client.get(link, follow_redirects=True).status_code == 200  # the link still works


def test_an_expired_link_gets_the_invalid_link_page_on_get_and_post(
    services: Services, client: FlaskClient, clock: FixedClock, link: str
) -> None:
    token = csrf(client, link)
    clock.advance(pendulum.duration(hours=72))
    posted = client.post("/confirmation-courriel", data={"csrf_token": token})
    for response in (posted, client.get(link)):
        assert response.status_code == 404
        assert "Ce lien n’est plus valable" in text(response)
    assert account_email(services) == "claire.martin@example.fr"


@pytest.mark.parametrize("secret", ["inconnu", "x" * 5000])
def test_an_unknown_link_gets_the_invalid_link_page(client: FlaskClient, secret: str) -> None:
    response = client.get(f"/confirmation-courriel/{secret}")
    assert response.status_code == 404
    assert "Ce lien n’est plus valable" in text(response)


def test_a_link_holding_a_control_character_is_no_page(client: FlaskClient) -> None:
    """No e-mailed link holds one (the text rule of the web's entries): the French 404."""
    response = client.get("/confirmation-courriel/abc%00def")
    assert response.status_code == 404
    assert "Cette page n'existe pas" in text(response)
