"""Smoke test of the portal in Chromium: it renders, is structured, and axe-core finds nothing."""

import pytest
from playwright.sync_api import Page

from tests.integration.browser.conftest import assert_no_accessibility_violations

pytestmark = pytest.mark.browser


def test_the_home_page_renders_with_one_h1_and_no_accessibility_violation(
    page: Page, live_server: str
) -> None:
    response = page.goto(live_server + "/")
    assert response is not None
    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert "Ville de Démo-sur-Mer" in page.locator("h1").inner_text()
    assert page.title() == "Accueil – Portail Famille – Ville de Démo-sur-Mer"
    assert page.locator("html").get_attribute("lang") == "fr"
    assert_no_accessibility_violations(page)


@pytest.mark.parametrize("path", ["/accessibilite", "/page-inconnue"])
def test_other_pages_have_no_accessibility_violation(
    page: Page, live_server: str, path: str
) -> None:
    page.goto(live_server + path)
    assert page.locator("h1").count() == 1
    assert_no_accessibility_violations(page)


def test_the_skip_link_is_the_first_stop_of_the_keyboard_and_leads_to_the_content(
    page: Page, live_server: str
) -> None:
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Aller au contenu"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_the_home_page_fits_a_320_pixel_wide_screen(page: Page, live_server: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_accessibility_violations(page)


def test_the_page_runs_under_the_content_security_policy_without_violations(
    page: Page, live_server: str
) -> None:
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    page.goto(live_server + "/accessibilite")
    page.wait_for_load_state("load")
    assert [text for text in violations if "Content Security Policy" in text] == []
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert background == "rgb(0, 66, 122)"  # the stylesheet loaded under the policy


def test_the_accessibility_check_does_catch_a_faulty_page(page: Page) -> None:
    page.set_content("<html><body><img src='x.png'><input type='text'></body></html>")
    with pytest.raises(AssertionError, match="image-alt"):
        assert_no_accessibility_violations(page)


CATALOGUE_PAGES = ["/tarifs", "/structures", "/structures/ALSH/calendrier?mois=2027-02"]


@pytest.mark.parametrize("path", CATALOGUE_PAGES)
def test_catalogue_pages_have_no_accessibility_violation(
    page: Page, live_server: str, path: str
) -> None:
    page.goto(live_server + path)
    assert page.locator("h1").count() == 1
    assert page.locator("table, ul.cards").count() >= 1
    assert_no_accessibility_violations(page)


@pytest.mark.parametrize("path", CATALOGUE_PAGES)
def test_catalogue_pages_fit_a_320_pixel_wide_screen(
    page: Page, live_server: str, path: str
) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_accessibility_violations(page)


def test_the_calendar_is_reached_from_the_menu_with_the_keyboard_only(
    page: Page, live_server: str
) -> None:
    page.goto(live_server + "/")
    for _ in range(4):  # skip link, town name, "Tarifs", then the calendars
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Structures et calendriers"
    page.keyboard.press("Enter")
    page.wait_for_url("**/structures")
    page.get_by_role("link", name="Calendrier d’ouverture : Accueil de loisirs Les Dunes").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/structures/ALSH/calendrier")
    assert page.get_by_role("table").count() == 1
