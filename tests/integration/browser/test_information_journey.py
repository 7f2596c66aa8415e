"""« Informations utiles » in Chromium on the demo commune: the hub, « Actualités » and
« Contacts et informations pratiques »; a news item for one structure is seen by its families
only (the Martins' children go to the École de la Plage: its APS news shows, the École des Pins'
does not, and the public pages show only the news for everyone); axe-core at 1280 and 320 px;
the way from the family's home to each page with the keyboard only.

A server of its own: the news published here must not show on the other journeys' pages.
"""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from portail_core.domain.audit import Actor
from tests.integration.browser.conftest import (
    assert_no_accessibility_violations,
    demo_services,
    serving,
)
from tests.integration.browser.test_reservation_journey import log_in

pytestmark = pytest.mark.browser
DESK = Actor.staff("agent")
NEWS = (
    ("Inscriptions pour l’été", "Les inscriptions ouvrent le **1er juin**.", None),
    ("Sortie à la plage", "Pensez à la *casquette*.\n\n- crème\n- gourde", "APS-PLAGE"),
    ("Travaux aux Pins", "L’accueil du soir change de salle.", "APS-PINS"),
)


@pytest.fixture(scope="module")
def news_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    services = demo_services(tmp_path_factory.mktemp("news-instance"))
    for title, text, code in NEWS:
        line = services.portail.news.add(
            title=title, text=text, establishment_code=code, actor=DESK
        )
        assert line.item.id is not None
        services.portail.news.publish(line.item.id, actor=DESK)
    with serving(services) as address:
        yield address


def news_titles(page: Page) -> list[str]:
    return page.locator("article.news-item h2, article.news-item h3").all_inner_texts()


def test_a_structures_news_is_seen_by_its_families_only(page: Page, news_server: str) -> None:
    page.goto(news_server + "/actualites")
    expect(page.locator("h1")).to_have_text("Actualités")
    assert news_titles(page) == ["Inscriptions pour l’été"]
    assert_no_accessibility_violations(page)

    log_in(page, news_server)
    latest = page.get_by_role("region", name="Actualités")
    expect(latest.get_by_role("heading", name="Sortie à la plage")).to_be_visible()
    expect(latest.get_by_text("Pour les familles de Accueil périscolaire")).to_be_visible()
    expect(latest.locator("em")).to_have_text("casquette")
    assert "Travaux aux Pins" not in news_titles(page)
    assert_no_accessibility_violations(page)

    page.get_by_role("link", name="Informations utiles").click()
    expect(page.locator("h1")).to_have_text("Informations utiles")
    assert_no_accessibility_violations(page)
    page.get_by_role("link", name="Actualités", exact=True).click()
    expect(page.locator("h1")).to_have_text("Actualités")
    assert sorted(news_titles(page)) == ["Inscriptions pour l’été", "Sortie à la plage"]
    assert_no_accessibility_violations(page)

    page.get_by_role("link", name="Retour aux informations utiles").click()
    page.get_by_role("link", name="Contacts et informations pratiques").click()
    expect(page.locator("h1")).to_have_text("Contacts et informations pratiques")
    dunes = page.get_by_role("listitem").filter(has_text="Accueil de loisirs Les Dunes")
    expect(dunes.get_by_role("link", name="05 58 00 12 40")).to_have_attribute(
        "href", "tel:+33558001240"
    )
    expect(dunes).to_contain_text("Mercredis et vacances scolaires, 7h30-18h30")
    assert_no_accessibility_violations(page)


def press_tab_until(page: Page, name: str, limit: int = 80) -> None:
    """Tab through the page until the link named ``name`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.innerText")
        if focused and focused.strip() == name:
            return
    pytest.fail(f"« {name} » never gets the focus")


def test_the_pages_with_the_keyboard_only_and_at_320_pixels(page: Page, news_server: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, news_server)
    press_tab_until(page, "Informations utiles")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Informations utiles")
    assert_no_accessibility_violations(page)
    press_tab_until(page, "Actualités")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Actualités")
    assert_no_accessibility_violations(page)
    press_tab_until(page, "Retour aux informations utiles")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Informations utiles")
    press_tab_until(page, "Contacts et informations pratiques")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Contacts et informations pratiques")
    assert_no_accessibility_violations(page)
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False
