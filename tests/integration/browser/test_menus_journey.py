"""« Menus de la restauration scolaire » in Chromium on the demo commune, whose menus
`portail demo load` imports from its CSV file (menus-demo.csv, moved to this week and the
next): from « Informations utiles », the week's dishes with their allergens in words, Léa's
own (arachides, ticked in her dossier) flagged « À éviter »; the next week and back; an
allergen ticked for Tom with the keyboard only, then flagged too, at 320 px; axe-core on each
page."""

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.integration.browser.conftest import assert_no_accessibility_violations
from tests.integration.browser.test_reservation_journey import log_in

pytestmark = pytest.mark.browser


def test_the_week_s_menus_with_the_child_s_allergens(page: Page, live_server: str) -> None:
    log_in(page, live_server)
    page.get_by_role("link", name="Informations utiles").click()
    page.get_by_role("link", name="Menus de la restauration scolaire").click()
    expect(page.locator("h1")).to_have_text("Menus de la restauration scolaire")
    restaurant = page.get_by_role("region", name="Restaurant scolaire de l'école de la Plage")
    expect(restaurant).to_contain_text("Pour Léa, Tom.")
    brownie = restaurant.get_by_role("listitem").filter(has_text="Brownie aux cacahuètes")
    expect(brownie).to_contain_text("Allergènes : gluten, œufs, arachides, lait")
    expect(brownie).to_contain_text("À éviter pour Léa : arachides")
    chicken = restaurant.get_by_role("listitem").filter(has_text="Poulet rôti")
    expect(chicken).to_contain_text("Allergènes : aucun")
    expect(chicken).not_to_contain_text("À éviter")
    expect(page.get_by_text("Couscous")).to_have_count(0)  # the other school's
    assert_no_accessibility_violations(page)

    page.get_by_role("link", name="Semaine suivante").click()
    expect(page.get_by_text("Hachis parmentier")).to_be_visible()
    expect(page.get_by_role("link", name="Semaine suivante")).to_have_count(0)
    assert_no_accessibility_violations(page)
    page.get_by_role("link", name="Semaine précédente").click()
    expect(page.get_by_text("Brownie aux cacahuètes")).to_be_visible()


def focus_by_tab(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{target} is not reached with the Tab key")


def test_an_allergen_ticked_with_the_keyboard_at_320_pixels(page: Page, live_server: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, live_server)
    page.goto(live_server + "/famille")
    focus_by_tab(page, page.get_by_role("link", name="Santé et autorisations de Tom"))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Santé et autorisations de Tom")
    assert_no_accessibility_violations(page)
    focus_by_tab(page, page.get_by_label("Moutarde"))
    page.keyboard.press("Space")
    focus_by_tab(page, page.get_by_role("button", name="Enregistrer"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_be_visible()

    page.goto(live_server + "/menus")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    carrots = page.get_by_role("listitem").filter(has_text="Carottes râpées")
    expect(carrots).to_contain_text("Allergènes : moutarde")
    expect(carrots).to_contain_text("À éviter pour Tom : moutarde")
    assert_no_accessibility_violations(page)
    focus_by_tab(page, page.get_by_role("link", name="Semaine suivante"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Hachis parmentier")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_accessibility_violations(page)
