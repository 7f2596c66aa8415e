"""The family's first access in Chromium: activation, login, the four entries, the dossier,
logout; axe-core on every page, keyboard only for the forms."""

import threading
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pendulum
import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from adapters.clock import FixedClock
from adapters.commune_file import read_commune_file
from adapters.persistence import upgrade
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import Settings
from entrypoints.web import create_app
from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.family import RegulationConsent
from portail_core.services.accounts.opening import open_account
from portail_core.services.catalogue.offer import load_catalogue
from portail_core.services.dossiers.creation import create_family
from tests.integration.browser.conftest import assert_no_accessibility_violations
from tests.unit.dossier_builders import YEAR, complete_family

pytestmark = pytest.mark.browser

NOW = pendulum.datetime(2026, 6, 15, 10, 0, tz="Europe/Paris")
STAFF = Actor.staff("agent")
PASSWORD = "cheval agrafe pile correct"


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    instance: Path = tmp_path_factory.mktemp("journey")
    clock = FixedClock(NOW)
    base = bootstrap(Settings.from_env({"PORTAIL_INSTANCE_PATH": str(instance)}), clock=clock)
    assert base.engine is not None
    upgrade(base.engine)
    services = base
    demo = read_commune_file((files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8"))
    load_catalogue(services.ports.uow(), demo.details, demo.catalogue, actor=STAFF, clock=clock)
    family = complete_family()
    family.consents = [
        RegulationConsent.create(establishment_code=code, version=version, accepted_at=NOW)
        for code, version in demo.catalogue.regulations().items()
    ]
    family_id = create_family(services.ports.uow(), family, actor=STAFF, clock=clock)
    server = make_server("127.0.0.1", 0, create_app(services=services), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    opening = open_account(
        services.ports.uow(),
        family_id,
        school_year=YEAR,
        public_url=url,
        hasher=services.ports.hasher,
        actor=STAFF,
        clock=clock,
    )
    with services.ports.uow(read_only=True) as uow:
        link = uow.outbox.listing(1)[0].context["activation_url"]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": url, "link": link, "identifier": opening.identifier}
    server.shutdown()
    thread.join(timeout=10)
    base.close()


def test_activation_login_entries_dossier_logout(page: Page, journey: dict[str, str]) -> None:
    page.goto(journey["link"])
    expect(page).to_have_url(journey["url"] + "/activation")  # the secret left the address bar
    expect(page.locator("h1")).to_have_text("Activer mon compte")
    assert_no_accessibility_violations(page)

    page.get_by_label("Nouveau mot de passe (obligatoire)", exact=True).focus()
    page.keyboard.type("court")
    expect(page.locator("#retour-mot-de-passe")).to_contain_text("Encore 7 caractères")
    page.keyboard.press("Tab")
    page.keyboard.type("court")
    page.keyboard.press("Enter")
    expect(page).to_have_title(
        "Erreur : Activer mon compte – Portail Famille – Ville de Démo-sur-Mer"
    )
    assert_no_accessibility_violations(page)

    page.get_by_label("Nouveau mot de passe (obligatoire)", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmez le nouveau mot de passe (obligatoire)").fill(PASSWORD)
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page.locator("h1")).to_have_text("Connexion à votre espace")
    expect(page.get_by_role("status")).to_contain_text("Votre compte est activé")
    assert_no_accessibility_violations(page)

    page.get_by_label("Identifiant (obligatoire)").fill(journey["identifier"])
    page.get_by_label("Mot de passe (obligatoire)", exact=True).fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Vous êtes connecté : famille Martin")
    for entry in (
        "Informations utiles",
        "Informations famille et enfant(s)",
        "Vos réservations et annulations",
        "Factures et règlements",
    ):
        expect(page.get_by_text(entry, exact=True)).to_be_visible()
    assert_no_accessibility_violations(page)

    page.get_by_role("link", name="Informations famille et enfant(s)").click()
    expect(page.locator("h1")).to_have_text("Informations famille et enfant(s)")
    expect(page.get_by_text("Léa Martin", exact=False)).to_be_visible()
    assert_no_accessibility_violations(page)

    page.get_by_role("link", name="Modifier les coordonnées de Claire Martin").click()
    expect(page.locator("h1")).to_have_text("Coordonnées de Claire Martin")
    assert_no_accessibility_violations(page)
    page.get_by_label("Téléphone (obligatoire)").fill("06 11 22 33 44")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Vos coordonnées sont enregistrées")
    expect(page.get_by_text("06 11 22 33 44", exact=False)).to_be_visible()

    page.get_by_role("link", name="Santé et autorisations de Léa").click()
    expect(page.locator("h1")).to_have_text("Santé et autorisations de Léa")
    assert_no_accessibility_violations(page)
    page.get_by_label("Sorties en car ou minibus").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("enregistrées")

    page.get_by_role("link", name="Gérer les personnes autorisées").click()
    expect(page.locator("h1")).to_have_text("Personnes autorisées")
    assert_no_accessibility_violations(page)
    page.go_back()

    page.get_by_role("link", name="Signaler un nouveau quotient familial").click()
    expect(page.locator("h1")).to_have_text("Signaler un nouveau quotient familial")
    assert_no_accessibility_violations(page)
    page.get_by_label("Quotient familial (obligatoire)").fill("mille")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page).to_have_title(
        "Erreur : Nouveau quotient familial – Portail Famille – Ville de Démo-sur-Mer"
    )
    assert_no_accessibility_violations(page)
    page.get_by_label("Quotient familial (obligatoire)").fill("480")
    page.get_by_label("Document qui l’indique (obligatoire)").select_option("CAF")
    page.get_by_label("Valable à partir du (obligatoire)").fill("01/09/2026")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("status")).to_contain_text("transmise au guichet unique")
    expect(page.get_by_text("480 (attestation CAF", exact=False)).to_be_visible()

    page.get_by_role("link", name="Pièces justificatives (1)").click()
    expect(page.locator("h1")).to_have_text("Pièces justificatives")
    assert_no_accessibility_violations(page)
    page.go_back()

    page.set_viewport_size({"width": 320, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté")
    page.goto(journey["url"] + "/espace")
    expect(page.locator("h1")).to_have_text("Connexion à votre espace")
