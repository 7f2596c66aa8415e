"""The web portal through Flask's test client, on a migrated SQLite database with the demo town."""

from collections.abc import Iterator
from html import unescape

import attrs
import pendulum
import pytest
from flask import Flask
from flask.testing import FlaskClient

from adapters.clock import FixedClock
from adapters.persistence import upgrade
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.settings import Settings
from entrypoints.web import create_app
from entrypoints.web.security import content_security_policy
from portail_core.domain.audit import Actor
from portail_core.errors import NotFound
from portail_core.services.communes import CommuneDetails, set_up_commune

ACTOR = Actor.staff("agent")
CLOCK = FixedClock(pendulum.datetime(2027, 2, 10, 9, 0, tz="Europe/Paris"))


@pytest.fixture
def services(sqlite_settings: Settings) -> Iterator[Services]:
    services = bootstrap(sqlite_settings)
    assert services.engine is not None
    upgrade(services.engine)
    set_up_commune(
        services.ports.uow(),
        CommuneDetails("99001", "Ville de Démo-sur-Mer", "A", "guichet@demo.example"),
        actor=ACTOR,
        clock=CLOCK,
    )
    yield services
    services.close()


@pytest.fixture
def app(services: Services) -> Flask:
    return create_app({"TESTING": True}, services=services)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_the_home_page_is_french_names_the_town_and_has_one_h1(client: FlaskClient) -> None:
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="fr">' in page
    assert page.count("<h1") == 1
    assert "Bienvenue sur le Portail Famille de Ville de Démo-sur-Mer" in page
    assert "<title>Accueil – Portail Famille – Ville de Démo-sur-Mer</title>" in page


def test_every_page_has_a_skip_link_and_the_accessibility_statement_link(
    client: FlaskClient,
) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<a class="skip-link" href="#contenu">Aller au contenu</a>' in page
    assert '<main id="contenu"' in page
    assert 'href="/accessibilite">Accessibilité : non conforme</a>' in page


def test_the_accessibility_statement_says_the_conformity_state(client: FlaskClient) -> None:
    response = client.get("/accessibilite")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert "non conforme" in page
    assert "Défenseur des droits" in page


def test_security_headers_are_on_every_response(client: FlaskClient) -> None:
    for path in ("/", "/accessibilite", "/nulle-part"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "object-src 'none'" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "max-age=" in headers["Strict-Transport-Security"]


@pytest.mark.parametrize(
    ("payfip_url", "form_action"),
    [
        ("https://www.payfip.gouv.fr", "form-action 'self' https://www.payfip.gouv.fr"),
        ("http://127.0.0.1:5001", "form-action 'self' http://127.0.0.1:5001"),
    ],
)
def test_forms_may_lead_to_the_portal_and_payfip_only(payfip_url: str, form_action: str) -> None:
    """« Payer en ligne » is a form redirected to PayFiP: browsers check the redirect too."""
    policy = content_security_policy(payfip_url)
    assert policy.endswith(form_action)
    assert policy.count("form-action") == 1


def test_an_unknown_page_answers_404_in_french(client: FlaskClient) -> None:
    response = client.get("/nulle-part")
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 404
    assert "<title>Erreur : Page introuvable" in page
    assert "Cette page n'existe pas" in page


def test_a_wrong_method_answers_405_in_french_with_the_allowed_methods(
    client: FlaskClient,
) -> None:
    response = client.post("/")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "<title>Erreur : Méthode non permise" in response.get_data(as_text=True)


def test_the_session_cookie_is_http_only_and_same_site(services: Services) -> None:
    app = create_app(services=services)
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is False  # a local trial on http://


def test_behind_https_the_session_cookie_is_host_prefixed_and_secure(
    services: Services,
) -> None:
    https = Settings.from_env(
        {
            "PORTAIL_INSTANCE_PATH": str(services.settings.instance_path),
            "PORTAIL_PUBLIC_URL": "https://famille.demo.example",
        }
    )
    secure = attrs.evolve(services, settings=https)
    app = create_app(services=secure)
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-csrf"  # Flask's cookie: CSRF only
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_a_post_without_csrf_token_is_refused_and_does_nothing(services: Services) -> None:
    calls: list[str] = []
    app = create_app(services=services)

    def change_something() -> str:
        calls.append("changed")
        return "changé"

    app.add_url_rule("/essai", "essai", change_something, methods=["POST"])
    response = app.test_client().post("/essai", data={"x": "1"})
    assert response.status_code == 400
    assert "Formulaire expiré" in response.get_data(as_text=True)
    assert calls == []


def test_a_domain_error_is_shown_with_its_french_message(services: Services) -> None:
    app = create_app(services=services)

    def missing() -> str:
        raise NotFound("Cet enfant n'est pas dans votre dossier.")

    app.add_url_rule("/manquant", "manquant", missing)
    response = app.test_client().get("/manquant")
    assert response.status_code == 404
    assert "Cet enfant n'est pas dans votre dossier." in unescape(response.get_data(as_text=True))


def test_an_unexpected_error_is_a_french_page_without_internals(services: Services) -> None:
    app = create_app(services=services)

    def broken() -> str:
        raise RuntimeError("secret internals")

    app.add_url_rule("/casse", "casse", broken)
    response = app.test_client().get("/casse")
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 500
    assert "rien n'a été enregistré" in page
    assert "secret internals" not in page
    assert "Traceback" not in page


def test_pages_still_render_when_the_database_is_not_migrated(
    sqlite_settings: Settings,
) -> None:
    services = bootstrap(sqlite_settings)
    try:
        response = create_app(services=services).test_client().get("/")
    finally:
        services.close()
    assert response.status_code == 200
    assert "Bienvenue sur le Portail Famille</h1>" in response.get_data(as_text=True)
