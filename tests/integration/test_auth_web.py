"""Activation, login, the family's space, password change and logout, through Flask's client on
SQLite with the real Argon2 hasher."""

import re
from collections.abc import Iterator
from html import unescape
from importlib.resources import files

import pendulum
import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from adapters.clock import FixedClock
from adapters.commune_file import read_commune_file
from adapters.persistence import upgrade
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.settings import Settings
from entrypoints.web import create_app
from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.family import RegulationConsent
from portail_core.services.accounts.opening import open_account
from portail_core.services.catalogue.offer import load_catalogue
from portail_core.services.dossiers.creation import create_family
from tests.unit.dossier_builders import YEAR, complete_family

NOW = pendulum.datetime(2026, 6, 15, 10, 0, tz="Europe/Paris")
STAFF = Actor.staff("agent")
STRONG = "cheval agrafe pile correct"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def services(sqlite_settings: Settings, clock: FixedClock) -> Iterator[Services]:
    base = bootstrap(sqlite_settings, clock=clock)
    assert base.engine is not None
    upgrade(base.engine)
    services = base
    demo = read_commune_file((files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8"))
    load_catalogue(services.ports.uow(), demo.details, demo.catalogue, actor=STAFF, clock=clock)
    yield services
    base.close()


def open_family_account(services: Services, *, temporary: bool = False) -> dict[str, str]:
    family = complete_family()
    with services.ports.uow(read_only=True) as uow:
        regulations = uow.catalogue.get().regulations()
    family.consents = [  # the demo town's regulations, accepted
        RegulationConsent.create(establishment_code=code, version=version, accepted_at=NOW)
        for code, version in regulations.items()
    ]
    family_id = create_family(services.ports.uow(), family, actor=STAFF, clock=services.ports.clock)
    opening = open_account(
        services.ports.uow(),
        family_id,
        school_year=YEAR,
        public_url="http://localhost",
        hasher=services.ports.hasher,
        actor=STAFF,
        clock=services.ports.clock,
        with_temporary_password=temporary,
    )
    with services.ports.uow(read_only=True) as uow:
        email = uow.outbox.listing(1)[0]
    return {"identifier": opening.identifier, **email.context}


@pytest.fixture
def client(services: Services) -> FlaskClient:
    return create_app({"TESTING": True}, services=services).test_client()


def token_of(page: TestResponse) -> str:
    html = page.get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match[1]


def csrf(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form at ``path``, as a browser gets it (following an e-mailed
    link's redirect to its page)."""
    return token_of(client.get(path, follow_redirects=True))


def post(
    client: FlaskClient, path: str, data: dict[str, str], form_page: str | None = None
) -> TestResponse:
    """Submit the form at ``path`` (or at ``form_page``) with its CSRF token; an e-mailed
    link's form is posted where the browser shows it, at the address without the secret."""
    page = client.get(form_page or path, follow_redirects=True)
    target = page.request.url if page.history and form_page is None else path
    return client.post(target, data={"csrf_token": token_of(page), **data})


def text(response: TestResponse) -> str:
    return unescape(response.get_data(as_text=True))


def activate(client: FlaskClient, url: str, password: str = STRONG) -> TestResponse:
    path = url.removeprefix("http://localhost")
    return post(client, path, {"password": password, "confirmation": password})


def log_in(
    client: FlaskClient, identifier: str, password: str = STRONG, target: str = ""
) -> TestResponse:
    path = "/connexion" + (f"?suite={target}" if target else "")
    return post(client, path, {"identifier": identifier, "password": password}, "/connexion")


def test_activation_then_login_lands_on_the_four_entries(
    services: Services, client: FlaskClient
) -> None:
    account = open_family_account(services)
    link = account["activation_url"].removeprefix("http://localhost")
    form = text(client.get(link, follow_redirects=True))
    assert "<h1>Activer mon compte</h1>" in form
    assert 'autocomplete="new-password"' in form
    activated = activate(client, account["activation_url"])
    assert activated.status_code == 302
    assert "/connexion?active=1" in activated.headers["Location"]

    response = log_in(client, account["identifier"])
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/espace")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("portail_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie

    home = client.get("/espace")
    page = text(home)
    assert home.headers["Cache-Control"] == "no-store"
    for entry in (
        "Informations utiles",
        "Informations famille et enfant(s)",
        "Vos réservations et annulations",
        "Factures et règlements",
    ):
        assert entry in page
    assert "Vous êtes connecté : famille Martin" in page
    family = text(client.get("/famille"))
    assert "Léa Martin" in family


def test_an_activation_link_works_once(services: Services, client: FlaskClient) -> None:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    again = client.get(account["activation_url"].removeprefix("http://localhost"))
    assert again.status_code == 404
    assert "Ce lien n’est plus valable" in text(again)
    assert client.get("/activation/nimportequoi").status_code == 404


def test_a_weak_password_is_refused_with_an_explanation_tied_to_the_field(
    services: Services, client: FlaskClient
) -> None:
    account = open_family_account(services)
    refused = activate(client, account["activation_url"], "Martin2026!!")
    page = text(refused)
    assert refused.status_code == 400
    assert "<title>Erreur : Activer mon compte" in page
    assert 'aria-invalid="true"' in page
    assert 'href="#champ-password"' in page
    assert 'aria-describedby="aide-password erreur-password"' in page


def test_a_wrong_password_and_an_unknown_identifier_look_the_same(
    services: Services, client: FlaskClient
) -> None:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    wrong = log_in(client, account["identifier"], "not the right one at all")
    unknown = log_in(client, "personne.99", STRONG)
    assert wrong.status_code == unknown.status_code == 401
    assert "Identifiant ou mot de passe incorrect." in text(wrong)
    assert "Identifiant ou mot de passe incorrect." in text(unknown)


def test_ten_wrong_passwords_lock_the_account_and_the_audit_trail_shows_it(
    services: Services, client: FlaskClient, clock: FixedClock
) -> None:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    for attempt in range(10):
        log_in(client, account["identifier"], f"wrong password {attempt}")
        clock.advance(pendulum.duration(hours=9))  # past each temporisation, within 24 h rules
    locked = log_in(client, account["identifier"])
    assert locked.status_code == 429
    assert "bloqué" in text(locked)
    with services.ports.uow(read_only=True) as uow:
        actions = [event.action for event in uow.audit.latest(100)]
    assert "account.lock" in actions
    assert actions.count("login.failure") == 10


def test_logout_ends_the_session_on_the_server(services: Services, client: FlaskClient) -> None:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    stolen = client.get_cookie("portail_session")
    assert stolen is not None
    out = post(client, "/deconnexion", {}, "/espace")
    assert out.status_code == 302
    assert client.get("/espace").status_code == 302
    client.set_cookie("portail_session", stolen.value)  # replaying the old cookie fails
    assert client.get("/espace").headers["Location"].startswith("/connexion")


def test_a_session_ends_after_30_minutes_idle(
    services: Services, client: FlaskClient, clock: FixedClock
) -> None:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    clock.advance(pendulum.duration(minutes=29))
    assert client.get("/espace").status_code == 200
    clock.advance(pendulum.duration(minutes=31))
    assert client.get("/espace").status_code == 302


def test_login_never_redirects_off_site(services: Services, client: FlaskClient) -> None:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    response = log_in(client, account["identifier"], target="https://evil.example/")
    assert response.headers["Location"] == "/espace"
    back = log_in(client, account["identifier"], target="/famille")
    assert back.headers["Location"] == "/famille"


def test_pages_of_the_space_need_a_session(client: FlaskClient) -> None:
    for path in ("/espace", "/famille", "/mot-de-passe"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/connexion?suite=")


def test_a_post_without_csrf_token_is_refused(services: Services, client: FlaskClient) -> None:
    account = open_family_account(services)
    response = client.post(
        "/connexion", data={"identifier": account["identifier"], "password": STRONG}
    )
    assert response.status_code == 400
    assert "Formulaire expiré" in text(response)


def test_a_temporary_password_must_be_changed_before_anything_else(
    services: Services, client: FlaskClient
) -> None:
    account = open_family_account(services, temporary=True)
    response = log_in(client, account["identifier"], account["temporary_password"])
    assert response.status_code == 302
    assert client.get("/espace").headers["Location"] == "/mot-de-passe"
    changed = post(
        client,
        "/mot-de-passe",
        {"current": account["temporary_password"], "password": STRONG, "confirmation": STRONG},
    )
    assert changed.status_code == 302
    assert client.get("/espace").status_code == 200
    client.set_cookie("portail_session", "")
    assert log_in(client, account["identifier"], account["temporary_password"]).status_code == 401


def reset_link(services: Services) -> str:
    with services.ports.uow(read_only=True) as uow:
        email = uow.outbox.listing(1)[0]
    assert email.template == "password_reset"
    return email.context["reset_url"].removeprefix("http://localhost")


def test_forgotten_password_answers_the_same_for_known_and_unknown_identifiers(
    services: Services, client: FlaskClient
) -> None:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    known = post(client, "/mot-de-passe-oublie", {"identifier": account["identifier"]})
    unknown = post(client, "/mot-de-passe-oublie", {"identifier": "personne.42"})
    assert known.status_code == unknown.status_code == 200
    notice = "Si un compte correspond à cet identifiant"
    assert notice in text(known)
    assert notice in text(unknown)
    with services.ports.uow(read_only=True) as uow:
        templates = [m.template for m in uow.outbox.listing(10)]
    assert templates.count("password_reset") == 1  # only the real account got an e-mail


def test_a_reset_link_sets_a_new_password_ends_sessions_and_notifies(
    services: Services, client: FlaskClient, clock: FixedClock
) -> None:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    other_browser = FlaskClient(client.application, use_cookies=True)
    log_in(other_browser, account["identifier"])
    post(client, "/mot-de-passe-oublie", {"identifier": account["identifier"]})
    link = reset_link(services)
    new_password = "tulipe orange sous la pluie d’avril"
    done = post(client, link, {"password": new_password, "confirmation": new_password})
    assert done.status_code == 302
    assert "/connexion" in done.headers["Location"]  # no automatic login
    assert other_browser.get("/espace").status_code == 302  # every session ended
    assert client.get(link).status_code == 404  # single use
    assert log_in(client, account["identifier"]).status_code == 401  # old password gone
    assert log_in(client, account["identifier"], new_password).status_code == 302
    with services.ports.uow(read_only=True) as uow:
        assert uow.outbox.listing(1)[0].template == "password_changed"


def test_a_reset_link_expires_after_an_hour(
    services: Services, client: FlaskClient, clock: FixedClock
) -> None:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    post(client, "/mot-de-passe-oublie", {"identifier": account["identifier"]})
    link = reset_link(services)
    clock.advance(pendulum.duration(minutes=61))
    assert client.get(link).status_code == 404


def test_a_locked_account_gets_an_unlock_link_that_works_once(
    services: Services, client: FlaskClient, clock: FixedClock
) -> None:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    for attempt in range(10):
        log_in(client, account["identifier"], f"wrong password {attempt}")
        clock.advance(pendulum.duration(hours=9))
    with services.ports.uow(read_only=True) as uow:
        email = uow.outbox.listing(1)[0]
    assert email.template == "account_unlock"
    link = email.context["unlock_url"].removeprefix("http://localhost")
    page = client.get(link, follow_redirects=True)
    assert page.status_code == 200
    assert "Débloquer mon compte" in text(page)
    assert log_in(client, account["identifier"]).status_code == 429  # GET consumed nothing
    done = post(client, link, {})
    assert done.status_code == 302
    assert log_in(client, account["identifier"]).status_code == 302
    assert client.get(link).status_code == 404


def test_wrong_current_passwords_lock_the_account_and_send_the_unlock_link(
    services: Services, client: FlaskClient, clock: FixedClock
) -> None:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    wrong = {"current": "pas le mot de passe", "password": "x" * 20, "confirmation": "x" * 20}
    for _ in range(9):
        assert post(client, "/mot-de-passe", wrong).status_code == 400
        clock.advance(pendulum.duration(minutes=17))  # past each delay, within the idle timeout
    locked = post(client, "/mot-de-passe", wrong)
    assert locked.status_code == 429
    assert "Ce compte est bloqué après trop d'essais" in text(locked)
    with services.ports.uow(read_only=True) as uow:
        email = uow.outbox.listing(1)[0]
    assert email.template == "account_unlock"
    assert client.get("/espace").status_code == 302  # the session ended with the lock
    link = email.context["unlock_url"].removeprefix("http://localhost")
    assert post(client, link, {}).status_code == 302
    assert log_in(client, account["identifier"]).status_code == 302


def test_prolonger_la_session_extends_the_idle_timeout(
    services: Services, client: FlaskClient, clock: FixedClock
) -> None:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    page = text(client.get("/famille"))
    assert "Session ouverte jusqu’à 10h30 sans activité." in page
    clock.advance(pendulum.duration(minutes=25))
    extended = post(client, "/prolonger", {"retour": "/famille"}, "/famille")
    assert extended.headers["Location"] == "/famille"
    assert "jusqu’à 10h55" in text(client.get("/famille"))
    clock.advance(pendulum.duration(minutes=25))
    assert client.get("/espace").status_code == 200  # 50 minutes after login, still open
    assert (
        post(client, "/prolonger", {"retour": "https://evil.example"}, "/famille").headers[
            "Location"
        ]
        == "/espace"
    )


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "/espace\r\nX-Evil: 1",
        "/" + "a" * 10_000,
        "javascript:alert(1)",
    ],
)
def test_login_targets_are_this_sites_paths_only(
    services: Services, client: FlaskClient, target: str
) -> None:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    token = csrf(client, "/connexion")
    response = client.post(
        "/connexion",
        query_string={"suite": target},
        data={"csrf_token": token, "identifier": account["identifier"], "password": STRONG},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/espace"


def test_prolonger_after_the_session_ended_leads_to_the_login_page(
    services: Services, client: FlaskClient, clock: FixedClock
) -> None:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    token = csrf(client, "/famille")
    clock.advance(pendulum.duration(minutes=45))
    response = client.post("/prolonger", data={"csrf_token": token, "retour": "/famille"})
    assert response.headers["Location"] == "/connexion"
