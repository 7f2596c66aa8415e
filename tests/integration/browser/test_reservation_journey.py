"""The seed's seven reservation steps in Chromium on the demo commune (the child and the
establishment chosen on one screen), then a cancellation and the history with the names of the
establishment and the unit; axe-core on every reservation page; the choice and the grid with the
keyboard only and at 320 px.

The portal runs on the real clock: the test books a Wednesday of the ALSH two months ahead,
whose deadline (Thursday of the week before) has not passed.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from entrypoints.cli.demo import DEMO_PASSWORD
from tests.integration.browser.conftest import assert_no_accessibility_violations

pytestmark = pytest.mark.browser


def log_in(page: Page, live_server: str) -> None:
    page.goto(live_server + "/connexion")
    page.get_by_label("Identifiant (obligatoire)").fill("martin.1")
    page.get_by_label("Mot de passe (obligatoire)", exact=True).fill(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Vous êtes connecté : famille Martin")


def open_grid(page: Page) -> None:
    """Steps 1 to 4 (the child and the establishment on one screen), then two months ahead."""
    page.get_by_role("link", name="Réservations", exact=True).click()  # step 1
    expect(page.locator("h1")).to_have_text("Réservations")
    assert_no_accessibility_violations(page)
    children = page.get_by_role("group", name="Sélectionnez l’enfant concerné")
    children.get_by_role("radio", name="Léa Martin").check()  # step 2
    places = page.get_by_role("group", name="Sélectionnez l’établissement")
    places.get_by_role("radio", name=re.compile(r"^Accueil de loisirs")).check()  # step 3
    page.get_by_role("button", name="Continuer").click()  # step 4
    expect(page.get_by_role("button", name="Valider le planning")).to_be_visible()
    page.get_by_role("link", name="Mois suivant").click()
    page.get_by_role("link", name="Mois suivant").click()
    expect(page.locator("h1")).to_contain_text("Planning de")


def test_seven_steps_then_a_cancellation_and_the_history(page: Page, live_server: str) -> None:
    log_in(page, live_server)
    open_grid(page)
    assert_no_accessibility_violations(page)
    box = page.get_by_role("checkbox", name=re.compile(r"^Réserver Journée avec repas, ")).first
    name = box.get_attribute("value")
    assert name is not None
    box.check()  # step 5
    page.get_by_role("button", name="Valider le planning").click()
    expect(page.locator("h1")).to_contain_text("Récapitulatif pour")
    expect(page.get_by_role("heading", name="Réservations ajoutées")).to_be_visible()
    expect(page.get_by_text("Coût estimé")).to_be_visible()
    assert_no_accessibility_violations(page)
    page.get_by_role("button", name="Confirmer la réservation").click()  # step 6
    expect(page.locator("h1")).to_have_text("Réservation confirmée")
    number = page.get_by_role("status").locator("strong").inner_text()
    assert re.fullmatch(r"R-[A-Z2-9]{4}-[A-Z2-9]{4}", number)
    assert_no_accessibility_violations(page)
    page.get_by_role("link", name="Terminer").click()  # step 7
    expect(page.locator("h1")).to_have_text("Réservations")

    page.get_by_role("radio", name="Léa Martin").check()
    page.get_by_role("radio", name=re.compile(r"^Accueil de loisirs")).check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("link", name="Mois suivant").click()
    page.get_by_role("link", name="Mois suivant").click()
    booked = page.locator(f'input[name="creneau"][value="{name}"]')
    expect(booked).to_be_checked()
    booked.uncheck()
    page.get_by_role("button", name="Valider le planning").click()
    expect(page.get_by_role("heading", name="Annulations")).to_be_visible()
    page.get_by_role("button", name="Confirmer la réservation").click()
    expect(page.locator("h1")).to_have_text("Réservation confirmée")
    page.get_by_role("link", name=re.compile(r"^Historique des réservations de ")).click()
    expect(page.locator("h1")).to_contain_text("Historique des réservations de")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Annulation")
    expect(rows.nth(1)).to_contain_text("Réservation")
    expect(rows.nth(1)).to_contain_text(number)
    expect(rows.nth(1)).to_contain_text("Accueil de loisirs Les Dunes, Journée avec repas")
    expect(page.locator("table")).not_to_contain_text("ALSH")
    assert_no_accessibility_violations(page)


def test_the_grid_with_the_keyboard_only_and_at_320_pixels(page: Page, live_server: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, live_server)
    open_grid(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_accessibility_violations(page)
    value = page.locator('input[name="creneau"]:not(:checked)').first.get_attribute("value")
    first_box = page.locator(f'input[name="creneau"][value="{value}"]')
    first_box.focus()
    page.keyboard.press("Space")
    expect(first_box).to_be_checked()
    page.get_by_role("button", name="Valider le planning").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Confirmer la réservation")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_choice_with_the_keyboard_only_at_320_pixels_and_its_errors(
    page: Page, live_server: str
) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, live_server)
    page.get_by_role("link", name="Réservations", exact=True).click()
    continuer = page.get_by_role("button", name="Continuer")
    continuer.focus()
    page.keyboard.press("Enter")  # nothing chosen: both questions are named, nothing is lost
    expect(page).to_have_title(re.compile(r"^Erreur : Réservations"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Sélectionnez l’enfant concerné.")
    expect(summary).to_contain_text("Sélectionnez l’établissement.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_accessibility_violations(page)
    summary.get_by_role("link", name="Sélectionnez l’enfant concerné.").focus()
    page.keyboard.press("Enter")  # the error's link leads to the question
    first_child = page.get_by_role("radio", name="Léa Martin")
    first_child.focus()
    page.keyboard.press("Space")
    expect(first_child).to_be_checked()
    first_place = page.get_by_role("group", name="Sélectionnez l’établissement").get_by_role(
        "radio"
    )
    first_place.first.focus()
    page.keyboard.press("Space")
    expect(first_place.first).to_be_checked()
    page.keyboard.press("Tab")
    expect(continuer).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Valider le planning")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Planning de Léa")
