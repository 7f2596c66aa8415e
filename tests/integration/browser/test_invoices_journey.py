""" "Factures et règlements" in Chromium on the demo commune: the list, an invoice's detail with
why it may no longer be paid online, the PDF download, a credit note, an invoice on direct
debit and the payment modes; axe-core on each page, at full width and at 320 px; the keyboard
alone from the list to the detail.

The demo family's September 2026 is billed by the billing run (on 2 October 2026), corrected
once by a late pointage (a credit note and a new invoice), and a direct-debit invoice is added.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from adapters.persistence import upgrade
from entrypoints.bootstrap import bootstrap
from entrypoints.cli import main
from entrypoints.cli.demo import DEMO_PASSWORD
from entrypoints.settings import Settings
from entrypoints.web import create_app
from tests.integration.browser.conftest import assert_no_accessibility_violations
from tests.integration.invoice_town import (
    SEPTEMBER_WEDNESDAYS,
    add_direct_debit_invoice,
    bill_september,
    book_september,
    mark_present,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def billed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo portal whose family has FA-2026-000001 (cancelled by AV-2026-000001),
    FA-2026-000002 to pay and FA-2026-000003 on direct debit."""
    instance: Path = tmp_path_factory.mktemp("invoices-instance")
    services = bootstrap(Settings.from_env({"PORTAIL_INSTANCE_PATH": str(instance)}))
    assert services.engine is not None
    upgrade(services.engine)
    loaded = CliRunner().invoke(main, ["demo", "load", "--no-invoice"], obj=services)
    assert loaded.exit_code == 0, loaded.output
    with services.ports.uow(read_only=True) as uow:
        [family] = [f for f in uow.families.listing() if f.name == "Martin"]
    assert family.id is not None
    book_september(services, family.id, "Léa", SEPTEMBER_WEDNESDAYS)
    book_september(services, family.id, "Tom", SEPTEMBER_WEDNESDAYS[:2])
    bill_september(services)
    mark_present(services, family.id, "Tom", SEPTEMBER_WEDNESDAYS[2])
    assert bill_september(services).count("corrected") == 1
    add_direct_debit_invoice(services, family.id, date(2026, 12, 5))
    server = make_server("127.0.0.1", 0, create_app(services=services), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    services.close()


def log_in(page: Page, server: str) -> None:
    page.goto(server + "/connexion")
    page.get_by_label("Identifiant (obligatoire)").fill("martin.1")
    page.get_by_label("Mot de passe (obligatoire)", exact=True).fill(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Vous êtes connecté : famille Martin")


def fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_invoices_the_detail_the_pdf_and_the_payment_modes(
    page: Page, billed_server: str, tmp_path: Path
) -> None:
    log_in(page, billed_server)
    page.get_by_role("link", name="Factures et règlements").click()
    expect(page.locator("h1")).to_have_text("Factures et règlements")
    rows = page.locator("table.invoices tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("prélèvement le 5 décembre 2026")
    expect(page.get_by_role("row", name=re.compile("Avoir AV-2026-000001"))).to_contain_text(
        "Avoir"
    )
    expect(page.get_by_role("row", name=re.compile("Facture FA-2026-000001"))).to_contain_text(
        "Annulée par avoir"
    )
    assert_no_accessibility_violations(page)

    page.get_by_role("link", name="Facture FA-2026-000002", exact=True).click()
    expect(page.locator("h1")).to_have_text("Facture FA-2026-000002")
    # Due on 1 November 2026: too late to pay it online (the demo town allows no days after).
    expect(page.get_by_role("button", name=re.compile("^Payer en ligne"))).to_have_count(0)
    expect(
        page.get_by_text("Paiement en ligne : Le paiement en ligne de la facture")
    ).to_contain_text(
        "était possible jusqu'au 01/11/2026 : réglez-la au guichet unique ou par chèque."
    )
    expect(page.get_by_role("table")).to_contain_text("Tom")
    assert_no_accessibility_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Télécharger la facture FA-2026-000002")).click()
    assert download.value.suggested_filename == "facture-FA-2026-000002.pdf"
    saved = tmp_path / "facture.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-1.7")

    page.get_by_role("link", name="modes de paiement").click()
    expect(page.locator("h1")).to_have_text("Modes de paiement")
    assert_no_accessibility_violations(page)

    page.goto(billed_server + "/factures/AV-2026-000001")
    expect(page.locator("h1")).to_have_text("Avoir AV-2026-000001")
    expect(page.get_by_role("button", name="Payer en ligne")).to_have_count(0)
    assert_no_accessibility_violations(page)

    page.goto(billed_server + "/factures/FA-2026-000003")
    expect(page.get_by_text("Prélèvement automatique le 05/12/2026")).to_be_visible()
    expect(page.get_by_role("button", name="Payer en ligne")).to_have_count(0)
    assert_no_accessibility_violations(page)


def test_at_320_pixels_and_with_the_keyboard_only(page: Page, billed_server: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, billed_server)
    page.goto(billed_server + "/factures")
    fits(page, 320)
    assert_no_accessibility_violations(page)
    for _ in range(40):  # Tab through the page until the invoice's link has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Facture FA-2026-000002":
            break
    else:
        pytest.fail("the invoice's link never got the focus")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Facture FA-2026-000002")
    fits(page, 320)
    assert_no_accessibility_violations(page)
    for path in ("/factures/modes-de-paiement", "/factures/AV-2026-000001"):
        page.goto(billed_server + path)
        fits(page, 320)
        assert_no_accessibility_violations(page)
