"""Refusals on the dossier's forms in Chromium on the demo commune: allergies over their limit
refused with the limit named and the text kept, a refused document shown with its error alone;
axe-core on each refusal, keyboard only, 320 px."""

import pytest
from playwright.sync_api import Page, expect

from tests.integration.browser.conftest import assert_no_accessibility_violations
from tests.integration.browser.test_reservation_journey import log_in

pytestmark = pytest.mark.browser


def test_allergies_over_the_limit_are_refused_and_kept(page: Page, live_server: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, live_server)
    page.goto(live_server + "/famille")
    page.get_by_role("link", name="Santé et autorisations de Léa").click()
    allergies = page.get_by_label("Allergies")
    expect(allergies).to_have_attribute("maxlength", "1000")
    page.evaluate("document.getElementById('champ-allergies').removeAttribute('maxlength')")
    typed = "Arachide et fruits à coque. " * 36  # 1008 characters: a browser without maxlength
    allergies.fill(typed)
    page.get_by_role("button", name="Enregistrer").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_title(
        "Erreur : Santé et autorisations de Léa – Portail Famille – Ville de Démo-sur-Mer"
    )
    expect(page.get_by_role("alert")).to_contain_text(
        "Les allergies tiennent en 1 000 caractères au plus."
    )
    expect(page.get_by_label("Allergies")).to_have_value(typed.strip("\n"))
    expect(page.get_by_label("Allergies")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_accessibility_violations(page)
    page.get_by_role("alert").get_by_role("link").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Allergies")).to_be_focused()


def test_a_refused_document_shows_its_error_alone(page: Page, live_server: str) -> None:
    log_in(page, live_server)
    page.goto(live_server + "/famille/pieces?envoye=1")  # just after a document was sent
    expect(page.get_by_role("status")).to_contain_text("Votre pièce est envoyée.")
    page.get_by_label("Type de pièce (obligatoire)").select_option("assurance")
    page.get_by_label("Fichier (obligatoire)").set_input_files(
        files=[{"name": "assurance.pdf", "mimeType": "application/pdf", "buffer": b"#!/bin/sh\n"}]
    )
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("alert")).to_contain_text("Seuls les fichiers PDF, JPEG et PNG")
    expect(page.get_by_text("Votre pièce est envoyée.")).to_have_count(0)
    expect(page.get_by_label("Type de pièce (obligatoire)")).to_have_value("assurance")
    assert_no_accessibility_violations(page)
