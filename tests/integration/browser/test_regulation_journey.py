"""« Règlements intérieurs » in Chromium (issue 13): the town publishes a new version of the
ALSH's règlement, in force today without delay; the family's bookings there are refused and its
pages say why; it reads the règlement (the PDF), accepts it with the button, and books again.
axe-core on each page at 1280 and 320 px; the acceptance with the keyboard only.

A portal of its own (the demo town on SQLite, the real clock): the new version must not block
the other journeys' bookings.
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
from entrypoints.bootstrap import bootstrap
from entrypoints.cli import main
from entrypoints.settings import Settings
from entrypoints.web import create_app
from portail_core.domain.audit import Actor
from portail_core.services.regulations.publishing import RegulationUpload
from tests.integration.browser.conftest import assert_no_accessibility_violations
from tests.integration.browser.test_reservation_journey import log_in, open_grid

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TITLE = "Règlement intérieur de l'accueil de loisirs, rentrée"


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """The demo town with version 2026-2 of the ALSH's règlement in force from today."""
    services = bootstrap(Settings.from_env({"PORTAIL_INSTANCE_PATH": str(tmp_path)}))
    assert services.engine is not None
    upgrade(services.engine)
    loaded = CliRunner().invoke(main, ["demo", "load"], obj=services)
    assert loaded.exit_code == 0, loaded.output
    services.portail.regulations.publish(
        establishment_code="ALSH",
        upload=RegulationUpload(PDF, "reglement-alsh-2026-2.pdf"),
        version="2026-2",
        effective_from=pendulum.now("Europe/Paris").date(),
        title=TITLE,
        actor=Actor.staff("agent"),
    )
    server = make_server("127.0.0.1", 0, create_app(services=services), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    services.close()


def try_to_book(page: Page) -> None:
    open_grid(page)
    page.get_by_role("checkbox", name=re.compile(r"^Réserver Journée avec repas, ")).first.check()
    page.get_by_role("button", name="Valider le planning").click()
    expect(page.locator("h1")).to_contain_text("Récapitulatif pour")


def test_a_family_reads_and_accepts_the_new_version_then_books_again(
    page: Page, live_server: str
) -> None:
    log_in(page, live_server)
    notice = page.get_by_role("region", name="Règlement intérieur à accepter")
    expect(notice).to_contain_text("Accueil de loisirs Les Dunes : version 2026-2")
    expect(notice).to_contain_text("vos réservations dans cette structure sont refusées")
    assert_no_accessibility_violations(page)

    try_to_book(page)
    expect(page.locator("main")).to_contain_text(
        "Le règlement intérieur de « Accueil de loisirs Les Dunes » (version 2026-2) n'a pas "
        "été accepté"
    )
    page.goto(live_server + "/espace")
    page.get_by_role("link", name="Informations utiles").click()
    assert_no_accessibility_violations(page)
    page.get_by_role("link", name="Règlements intérieurs").click()
    expect(page.locator("h1")).to_have_text("Règlements intérieurs")
    assert_no_accessibility_violations(page)
    section = page.get_by_role("region", name="Accueil de loisirs Les Dunes")
    link = section.get_by_role("link", name=re.compile(TITLE))
    pdf = page.request.get(live_server + str(link.get_attribute("href")))
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body() == PDF
    expect(section).to_contain_text("À accepter : version 2026-2.")
    section.get_by_role("button", name=re.compile("^J’ai lu et j’accepte")).click()
    expect(page.get_by_role("status")).to_contain_text(
        "Votre acceptation du règlement intérieur de Accueil de loisirs Les Dunes est enregistrée"
    )
    expect(section).to_contain_text("Vous avez accepté ce règlement intérieur.")
    assert_no_accessibility_violations(page)

    page.goto(live_server + "/espace")
    expect(page.get_by_role("region", name="Règlement intérieur à accepter")).to_have_count(0)
    try_to_book(page)
    expect(page.locator("main")).not_to_contain_text("n'a pas été accepté")
    page.get_by_role("button", name="Confirmer la réservation").click()
    expect(page.locator("h1")).to_have_text("Réservation confirmée")


def test_the_acceptance_with_the_keyboard_only_at_320_pixels(page: Page, live_server: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, live_server)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_accessibility_violations(page)
    read = page.get_by_role("link", name="Lire et accepter le règlement intérieur")
    for _ in range(40):  # Tab from the top of the page to the notice's link
        page.keyboard.press("Tab")
        if read.evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail("the notice's link is not reached with the Tab key")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Règlements intérieurs")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_accessibility_violations(page)
    button = page.get_by_role("button", name=re.compile("^J’ai lu et j’accepte"))
    for _ in range(40):
        page.keyboard.press("Tab")
        if button.evaluate("button => button === document.activeElement"):
            break
    else:
        pytest.fail("« J’ai lu et j’accepte » is not reached with the Tab key")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("est enregistrée")
    expect(page.get_by_role("button", name=re.compile("^J’ai lu et j’accepte"))).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_accessibility_violations(page)
