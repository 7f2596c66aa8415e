"""« Demandes de places » in Chromium (issue 16): during the demo's summer campaign (ETE2027), the
Martin family asks for summer days for Léa in an order of preference, from « Réservations »;
18 other families (in the first priority class) ask for Monday 2 August for both their
children, which fills its 36 places; the window closes, the staff draw and publish; the family
sees each result explained: a place granted, and Monday 2 August on the waiting list with its
rank. axe-core on each page at 1280 and 320 px; a request with the keyboard only at 320 px.

A portal of its own (the demo town on SQLite) on a fixed clock, set inside the window and then
moved past the window's close (the session expires meanwhile: the family logs in again)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import attrs
import pendulum
import pytest
from click.testing import CliRunner
from playwright.sync_api import Locator, Page, expect
from werkzeug.serving import make_server

from adapters.clock import FixedClock
from adapters.persistence import upgrade
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.cli import main
from entrypoints.cli.demo import DEMO_PDF
from entrypoints.settings import Settings
from entrypoints.web import create_app
from portail_core.domain.audit import Actor
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.dossiers.family import RegulationConsent
from portail_core.services.dossiers.creation import create_family
from tests.integration.browser.conftest import assert_no_accessibility_violations
from tests.integration.browser.test_reservation_journey import log_in
from tests.unit.dossier_builders import complete_family, proof_of_address

pytestmark = pytest.mark.browser

CODE = "ETE2027"
# A fixed day inside the demo's window (1 June 2026 - 15 May 2027), not the real date: the
# test must not start failing once the real window has closed.
ASKING = pendulum.datetime(2026, 12, 1, 10, 0, tz="Europe/Paris")
CLOSED = pendulum.datetime(2027, 5, 20, 10, 0, tz="Europe/Paris")  # the window closed on 15 May
FULL_DAY = Slot(date(2027, 8, 2), "JOURNEE")  # 36 places for the 6-11 year olds
STAFF = Actor.staff("agent")


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[tuple[str, Services, FixedClock]]:
    clock = FixedClock(ASKING)
    settings = Settings.from_env({"PORTAIL_INSTANCE_PATH": str(tmp_path)})
    services = bootstrap(settings, clock=clock)
    assert services.engine is not None
    upgrade(services.engine)
    loaded = CliRunner().invoke(main, ["demo", "load"], obj=services)
    assert loaded.exit_code == 0, loaded.output
    server = make_server("127.0.0.1", 0, create_app(services=services), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", services, clock
    server.shutdown()
    thread.join(timeout=10)
    services.close()


def fill_the_full_day(services: Services) -> None:
    """18 resident families ask for FULL_DAY for their two children: its 36 places."""
    with services.ports.uow(read_only=True) as uow:
        regulations = uow.catalogue.get().regulations()
    now = services.ports.clock.now()
    for n in range(18):
        family = attrs.evolve(
            complete_family(),
            name=f"Famille{n:02d}",
            documents=[proof_of_address(valid_until=date(2027, 8, 31))],
            consents=[
                RegulationConsent.create(establishment_code=code, version=version, accepted_at=now)
                for code, version in regulations.items()
            ],
        )
        family_id = create_family(
            services.ports.uow(), family, actor=STAFF, clock=services.ports.clock
        )
        for child in family.children:
            assert child.id is not None
            services.portail.allocation.submit(family_id, CODE, child.id, [FULL_DAY], STAFF)


def close_draw_and_publish(services: Services, clock: FixedClock) -> None:
    """The window closes; the Martin family's proof of address is renewed (the demo's is valid
    90 days) and it no longer lives in the commune (a lower priority class); the staff draw
    and publish."""
    clock.advance(CLOSED - clock.now())
    services.portail.dossiers.add_document(
        1, kind="justificatif_domicile", data=DEMO_PDF, filename="facture.pdf",
        valid_until=date(2027, 8, 31), actor=STAFF,
    )  # fmt: skip
    with services.ports.uow() as uow:
        martin = uow.families.get(1)
        assert martin is not None
        martin.resident = False
        uow.families.update(martin, clock.now())
        uow.commit()
    services.portail.allocation.draw(CODE, dry_run=False, actor=STAFF)
    services.portail.allocation.publish(CODE, actor=STAFF)


def day_group(page: Page, name: str) -> Locator:
    return page.get_by_role("group", name=name, exact=True)


def test_a_family_asks_for_summer_days_in_order_and_sees_its_results_after_the_draw(
    page: Page, portal: tuple[str, Services, FixedClock]
) -> None:
    live_server, services, clock = portal
    log_in(page, live_server)
    page.get_by_role("link", name="Réservations", exact=True).click()
    page.get_by_role("link", name="Demandes de places").click()
    expect(page.locator("h1")).to_have_text("Demandes de places")
    campaign = page.get_by_role("region", name="Été 2027 : Accueil de loisirs Les Dunes")
    expect(campaign).to_contain_text("Demander tôt ne donne aucun avantage")
    expect(campaign).to_contain_text("Empreinte du tirage")
    assert_no_accessibility_violations(page)
    campaign.get_by_role("link", name=re.compile("^Demander des jours pour Léa")).click()
    expect(page.locator("h1")).to_have_text("Été 2027 : demandes pour Léa Martin")
    assert_no_accessibility_violations(page)

    tuesday = day_group(page, "Mardi 6 juillet 2027")
    tuesday.get_by_role("checkbox", name="Journée avec repas").check()
    tuesday.get_by_label("Ordre de préférence, Journée avec repas").fill("2")
    wednesday = day_group(page, "Mercredi 7 juillet 2027")
    wednesday.get_by_role("checkbox", name="Matin sans repas").check()
    wednesday.get_by_label("Ordre de préférence, Matin sans repas").fill("un")
    monday = day_group(page, "Lundi 2 août 2027")
    monday.get_by_role("checkbox", name="Journée avec repas").check()
    monday.get_by_label("Ordre de préférence, Journée avec repas").fill("1")
    page.get_by_role("button", name="Enregistrer mes demandes").last.click()
    expect(page).to_have_title(re.compile("^Erreur : "))
    expect(page.get_by_role("alert")).to_contain_text("doit être un nombre entier")
    expect(monday.get_by_role("checkbox", name="Journée avec repas")).to_be_checked()
    assert_no_accessibility_violations(page)
    page.get_by_role("alert").get_by_role("link").click()  # to the field at fault
    expect(wednesday.get_by_label("Ordre de préférence, Matin sans repas")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    page.get_by_role("button", name="Enregistrer mes demandes").first.click()
    expect(page.get_by_role("status")).to_contain_text("Vos demandes sont enregistrées")
    listed = page.locator("main ol li")
    expect(listed).to_have_text([
        "lundi 2 août 2027 : Journée avec repas",
        "mardi 6 juillet 2027 : Journée avec repas",
        "mercredi 7 juillet 2027 : Matin sans repas",
    ])  # fmt: skip
    assert_no_accessibility_violations(page)

    fill_the_full_day(services)
    close_draw_and_publish(services, clock)
    log_in(page, live_server)  # the session expired while the clock moved
    page.goto(live_server + "/demandes-de-places")
    campaign = page.get_by_role("region", name="Été 2027 : Accueil de loisirs Les Dunes")
    expect(campaign).to_contain_text("Nombre secret du tirage")
    assert_no_accessibility_violations(page)
    campaign.get_by_role("link", name=re.compile("^Voir les résultats")).click()
    expect(page.locator("h1")).to_have_text("Résultats : Été 2027")
    results = page.get_by_role("region", name="Léa")
    expect(results.get_by_role("listitem")).to_have_count(3)
    waiting = results.get_by_role("listitem").filter(has_text="Lundi 2 août 2027")
    expect(waiting).to_contain_text("Liste d'attente, rang 1")
    expect(waiting).to_contain_text(re.compile(r"Explication : priorité [2-4], rang 1 au tirage"))
    granted = results.get_by_role("listitem").filter(has_text="Mardi 6 juillet 2027")
    expect(granted).to_contain_text("Place attribuée")
    expect(granted).to_contain_text("(votre choix n° 2)")
    assert_no_accessibility_violations(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert fits_in_320_pixels(page)
    assert_no_accessibility_violations(page)


def fits_in_320_pixels(page: Page) -> bool:
    """Measured once the stylesheet has loaded (it breaks the seed's long fingerprint)."""
    page.wait_for_load_state("load")
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width <= 320


def tab_to(page: Page, target: Locator, presses: int = 400) -> None:
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{target} is not reached with the Tab key")


def test_a_request_with_the_keyboard_only_at_320_pixels(
    page: Page, portal: tuple[str, Services, FixedClock]
) -> None:
    live_server, services, _ = portal
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, live_server)
    tab_to(page, page.get_by_role("link", name="Réservations", exact=True))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Réservations")
    tab_to(page, page.get_by_role("link", name="Demandes de places"))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Demandes de places")
    assert fits_in_320_pixels(page)
    assert_no_accessibility_violations(page)
    tab_to(page, page.get_by_role("link", name=re.compile("^Demander des jours pour Léa")))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Été 2027 : demandes pour Léa Martin")
    assert fits_in_320_pixels(page)
    assert_no_accessibility_violations(page)
    box = day_group(page, "Jeudi 8 juillet 2027").get_by_role("checkbox", name="Journée avec repas")
    tab_to(page, box)
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("1")
    tab_to(page, page.get_by_role("button", name="Enregistrer mes demandes").first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Vos demandes sont enregistrées")
    [slot] = services.portail.allocation.request_form(1, CODE, 1).requests
    assert slot == Slot(date(2027, 7, 8), "JOURNEE")
    assert fits_in_320_pixels(page)
    assert_no_accessibility_violations(page)
