"""« Signaler une absence » in Chromium on the demo commune: from the reservations, a form sent
empty (its errors announced and linked), then an illness with its certificate, listed as not
yet justified, then withdrawn with « Retirer ce signalement »; axe-core on each page; the form
and the withdrawal with the keyboard only and at 320 px.

The portal runs on the real clock: the absence is a few days ahead.
"""

import re
from datetime import date, timedelta
from pathlib import Path

import pendulum
import pytest
from playwright.sync_api import Page, expect

from tests.integration.browser.conftest import assert_no_accessibility_violations
from tests.integration.browser.test_reservation_journey import log_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def paris_today() -> date:
    """Today on the portal's clock (Paris)."""
    return pendulum.now("Europe/Paris").date()


def day_fr(day: date) -> str:
    """As the page prints it: « 14 septembre 2026 » (« 1er septembre 2026 »)."""
    text = pendulum.date(day.year, day.month, day.day).format("D MMMM YYYY", locale="fr")
    return "1er" + text[1:] if day.day == 1 else text


def open_form(page: Page, live_server: str) -> None:
    log_in(page, live_server)
    page.get_by_role("link", name="Vos réservations et annulations").click()
    page.get_by_role("link", name="Signaler une absence ou une maladie").click()
    expect(page.locator("h1")).to_have_text("Signaler une absence ou une maladie")


def test_an_illness_with_its_certificate(page: Page, live_server: str, tmp_path: Path) -> None:
    open_form(page, live_server)
    assert_no_accessibility_violations(page)

    page.get_by_role("button", name="Signaler l’absence").click()
    expect(page).to_have_title(re.compile(r"^Erreur : Absences"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Indiquez le premier jour")
    expect(summary).to_contain_text("Choisissez le motif")
    assert_no_accessibility_violations(page)

    first = paris_today() + timedelta(days=3)
    last = first + timedelta(days=2)
    certificate = tmp_path / "certificat.pdf"
    certificate.write_bytes(PDF)
    page.get_by_label("Enfant (obligatoire)").select_option(label="Léa Martin")
    page.get_by_label("Premier jour d’absence (obligatoire)").fill(f"{first:%d/%m/%Y}")
    page.get_by_label("Dernier jour d’absence (obligatoire)").fill(f"{last:%d/%m/%Y}")
    page.get_by_label("Maladie").check()
    page.get_by_label("Certificat médical (facultatif)").set_input_files(str(certificate))
    page.get_by_role("button", name="Signaler l’absence").click()
    expect(page.get_by_role("status")).to_contain_text("L’absence est signalée")
    row = page.get_by_role("row").filter(has_text="Léa Martin").filter(has_text=day_fr(first))
    expect(row).to_contain_text("Maladie")
    expect(row).to_contain_text("Non justifiée")
    expect(row.get_by_role("link", name="Télécharger")).to_be_visible()
    assert_no_accessibility_violations(page)

    row.get_by_role("button", name="Retirer ce signalement").click()
    expect(page.get_by_role("status")).to_contain_text("Le signalement est retiré")
    expect(page).to_have_title(re.compile(r"^Absences"))
    expect(row).to_have_count(0)
    assert_no_accessibility_violations(page)


def test_the_form_with_the_keyboard_only_and_at_320_pixels(page: Page, live_server: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    open_form(page, live_server)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    day = paris_today() + timedelta(days=20)
    page.get_by_label("Enfant (obligatoire)").focus()
    page.keyboard.press("ArrowDown")  # from « Choisissez » to the first child
    page.keyboard.press("Tab")
    page.keyboard.type(f"{day:%d/%m/%Y}")
    page.keyboard.press("Tab")
    page.keyboard.type(f"{day:%d/%m/%Y}")
    page.keyboard.press("Tab")  # the first reason, Maladie
    page.keyboard.press("ArrowDown")  # Raison familiale
    page.keyboard.press("Tab")  # the certificate, left empty
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("L’absence est signalée")
    row = page.get_by_role("row").filter(has_text=day_fr(day))
    expect(row).to_contain_text("Raison familiale")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_accessibility_violations(page)

    withdraw = row.get_by_role("button", name="Retirer ce signalement")
    page.get_by_role("region", name="Absences signalées").focus()
    for _ in range(30):  # Tab from the list to the absence's button
        page.keyboard.press("Tab")
        if withdraw.evaluate("button => button === document.activeElement"):
            break
    else:
        pytest.fail("« Retirer ce signalement » is not reached with the Tab key")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Le signalement est retiré")
    expect(row).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_accessibility_violations(page)
