"""« Pré-inscription scolaire » in Chromium on the demo town (the Martins live 12 rue des Pins:
sector school « École des Pins »): a new child asked for at the sector school with its livret de
famille and proof of address (the form sent empty first: its errors announced and linked), the
desk accepts, the child appears in the dossier with its class and the family books its canteen
(after accepting the canteen's règlement); a derogation for Tom, typed with the keyboard only at
320 px, refused with a reason the family reads. axe-core on each page.

A portal of its own (the demo town on SQLite, the real clock): the new child and its bookings
must not change the other journeys' pages.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from adapters.persistence import upgrade
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.cli import main
from entrypoints.settings import Settings
from entrypoints.web import create_app
from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.completeness import SchoolYear
from portail_core.ports.preregistrations import PreregistrationFilter
from portail_core.services.dossiers.desk_health import DeskHealth
from tests.integration.browser.conftest import assert_no_accessibility_violations
from tests.integration.browser.test_reservation_journey import log_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DESK = Actor.staff("agent")


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Services]]:
    instance = tmp_path_factory.mktemp("preregistrations")
    services = bootstrap(Settings.from_env({"PORTAIL_INSTANCE_PATH": str(instance)}))
    assert services.engine is not None
    upgrade(services.engine)
    loaded = CliRunner().invoke(main, ["demo", "load"], obj=services)
    assert loaded.exit_code == 0, loaded.output
    server = make_server("127.0.0.1", 0, create_app(services=services), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", services
    server.shutdown()
    thread.join(timeout=10)
    services.close()


def last_request_id(services: Services) -> int:
    with services.ports.uow(read_only=True) as uow:
        number = uow.preregistrations.matching(PreregistrationFilter())[-1].id
    assert number is not None
    return number


def open_form(page: Page, url: str) -> None:
    log_in(page, url)
    page.get_by_role("link", name="Pré-inscription scolaire").click()
    expect(page.locator("h1")).to_have_text("Pré-inscription scolaire")
    expect(page.locator("main")).to_contain_text("votre école de secteur est École des Pins")
    assert_no_accessibility_violations(page)
    page.get_by_role("link", name="Faire une demande de pré-inscription").click()
    expect(page.locator("h1")).to_have_text("Demande de pré-inscription scolaire")


def test_a_new_child_accepted_at_the_sector_school_then_its_canteen_booked(
    page: Page, portal: tuple[str, Services], tmp_path: Path
) -> None:
    url, services = portal
    open_form(page, url)
    assert_no_accessibility_violations(page)
    page.get_by_role("button", name="Déposer la demande").click()
    expect(page).to_have_title(re.compile(r"^Erreur : Demande de pré-inscription"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choisissez l'enfant")
    expect(summary).to_contain_text("Joignez le justificatif de domicile")
    assert_no_accessibility_violations(page)

    start = SchoolYear.containing(pendulum.now("Europe/Paris").date()).start + 1
    livret, proof = tmp_path / "livret.pdf", tmp_path / "facture.pdf"
    livret.write_bytes(PDF)
    proof.write_bytes(PDF)
    page.get_by_label("Enfant (obligatoire)").select_option(label="Un nouvel enfant")
    page.get_by_label("Prénom").fill("Jules")
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("Date de naissance").fill(f"12/04/{start - 6}")
    page.get_by_label(f"{start}-{start + 1}").check()
    page.get_by_label(re.compile("^Livret de famille")).set_input_files(str(livret))
    page.get_by_label(re.compile("^Justificatif de domicile")).set_input_files(str(proof))
    page.get_by_role("button", name="Déposer la demande").click()
    expect(page.get_by_role("status")).to_contain_text("Votre demande est déposée")
    row = page.get_by_role("row").filter(has_text="Jules Martin")
    expect(row).to_contain_text("Déposée")
    expect(row).to_contain_text("CP")
    expect(row).to_contain_text("École des Pins")
    assert_no_accessibility_violations(page)

    accepted = services.portail.preregistrations.accept(last_request_id(services), actor=DESK)
    jules = accepted.request.child_id
    assert jules is not None  # the desk then completes his health, as for any new child
    services.portail.dossiers.growth.set_health(
        1, jules, DeskHealth(has_pai=False, vaccinations_up_to_date=True), actor=DESK
    )
    page.reload()
    expect(row).to_contain_text("Acceptée : École des Pins")
    page.get_by_role("link", name="Retour à mon espace").click()
    page.get_by_role("link", name="Informations famille et enfant(s)").click()
    expect(page.locator("main")).to_contain_text(f"Jules Martin, né(e) le 12 avril {start - 6}, CP")

    page.goto(url + "/informations/reglements")
    section = page.get_by_role("region", name="Restaurant scolaire de l'école des Pins")
    section.get_by_role("button", name=re.compile("^J’ai lu et j’accepte")).click()
    expect(page.get_by_role("status")).to_contain_text("Votre acceptation du règlement intérieur")

    page.goto(url + "/espace")
    page.get_by_role("link", name="Réservations", exact=True).click()
    page.get_by_role("group", name="Sélectionnez l’enfant concerné").get_by_role(
        "radio", name="Jules Martin"
    ).check()
    page.get_by_role("group", name="Sélectionnez l’établissement").get_by_role(
        "radio", name=re.compile(r"^Restaurant scolaire de l'école des Pins")
    ).check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("link", name="Mois suivant").click()
    page.get_by_role("checkbox", name=re.compile(r"^Réserver Repas, ")).first.check()
    page.get_by_role("button", name="Valider le planning").click()
    expect(page.locator("main")).not_to_contain_text("n'a pas été accepté")
    page.get_by_role("button", name="Confirmer la réservation").click()
    expect(page.locator("h1")).to_have_text("Réservation confirmée")


def test_a_derogation_with_the_keyboard_only_at_320_pixels_is_refused_with_a_reason(
    page: Page, portal: tuple[str, Services], tmp_path: Path
) -> None:
    url, services = portal
    page.set_viewport_size({"width": 320, "height": 640})
    open_form(page, url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    proof = tmp_path / "facture.pdf"
    proof.write_bytes(PDF)
    page.get_by_label(re.compile("^Justificatif de domicile")).set_input_files(str(proof))
    page.get_by_label("Enfant (obligatoire)").focus()
    page.keyboard.press("ArrowDown")  # Léa
    page.keyboard.press("ArrowDown")  # Tom
    for _ in range(4):  # first name, last name, birth date (a new child's), the school year
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the level: his age's
    page.keyboard.press("Tab")  # the reason for another level: none
    page.keyboard.press("Tab")  # the school
    page.keyboard.press("ArrowDown")  # École de la Plage (dérogation)
    page.keyboard.press("Tab")
    page.keyboard.type("Sa sœur Léa est à l'école de la Plage")
    assert page.evaluate("document.activeElement.id") == "champ-derogation_reason"
    page.get_by_role("button", name="Déposer la demande").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Votre demande est déposée")
    row = page.get_by_role("row").filter(has_text="Tom Martin")
    expect(row).to_contain_text("École de la Plage (dérogation)")
    assert_no_accessibility_violations(page)

    services.portail.preregistrations.refuse(
        last_request_id(services), reason="Plus de place en CE1 à la Plage", actor=DESK
    )
    page.reload()
    expect(row).to_contain_text("Refusée")
    expect(row).to_contain_text("Motif : Plus de place en CE1 à la Plage")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_accessibility_violations(page)
