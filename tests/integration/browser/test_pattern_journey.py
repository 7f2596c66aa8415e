"""« Semaine type » in Chromium on the demo commune: a family books the canteen four days a week
to the end of the school year from the planning grid, sees the usual summary and confirmation,
then finds the days booked in the grid; axe-core on each page at 1280 and 320 px; the same
journey with the keyboard only.

The portal runs on the real clock: the pattern starts at the first day that can still be booked
and ends the day before the summer holidays (late June or early July) whatever today is.
"""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.integration.browser.conftest import (
    assert_no_accessibility_violations,
    demo_services,
    serving,
)
from tests.integration.browser.test_reservation_journey import log_in

pytestmark = pytest.mark.browser

CANTEEN = re.compile(r"^Restaurant scolaire de l'école de la Plage")
DAY = re.compile(r"^(\w+ \d+(?:er)? \w+ \d{4}) : Repas")


@pytest.fixture(scope="module")
def pattern_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo portal of its own: a year of bookings here leaves the other journeys' alone."""
    with serving(demo_services(tmp_path_factory.mktemp("pattern-instance"))) as address:
        yield address


def open_canteen_grid(page: Page, child: str) -> None:
    page.get_by_role("link", name="Réservations", exact=True).click()
    page.get_by_role("radio", name=child).check()
    page.get_by_role("radio", name=CANTEEN).check()
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("button", name="Valider le planning")).to_be_visible()


def expect_booked_in_grid(page: Page, child: str, day: str) -> None:
    """The day shows as booked in the grid, this month or the next."""
    open_canteen_grid(page, child)
    box = page.get_by_role("checkbox", name=f"Réservé Repas, {day}")
    if box.count() == 0:
        page.get_by_role("link", name="Mois suivant").click()
    expect(box).to_be_checked()


def first_and_last_days(page: Page) -> tuple[str, str]:
    added = page.locator("h2:text('Réservations ajoutées') + ul > li")
    first, last = DAY.match(added.first.inner_text()), DAY.match(added.last.inner_text())
    assert first is not None
    assert last is not None
    return first[1], last[1]


def test_a_school_year_of_canteen_four_days_a_week(page: Page, pattern_server: str) -> None:
    log_in(page, pattern_server)
    open_canteen_grid(page, "Tom Martin")
    page.get_by_role("link", name="Réserver les mêmes jours chaque semaine").click()
    expect(page.locator("h1")).to_have_text(re.compile(r"^Semaine type de Tom : "))
    assert_no_accessibility_violations(page)
    page.get_by_role("button", name="Voir le récapitulatif").click()  # nothing ticked
    expect(page).to_have_title(re.compile(r"^Erreur : Semaine type"))
    expect(page.get_by_role("alert")).to_contain_text("Cochez au moins une unité")
    expect(page.get_by_role("alert")).to_contain_text("Choisissez jusqu’à quand réserver.")
    assert_no_accessibility_violations(page)
    for day in ("Lundi", "Mardi", "Jeudi", "Vendredi"):
        page.get_by_role("group", name=day).get_by_role(
            "checkbox", name=re.compile("^Repas")
        ).check()
    page.get_by_role("radio", name="Jusqu’à la fin de l’année scolaire").check()
    page.get_by_role("button", name="Voir le récapitulatif").click()
    expect(page.locator("h1")).to_have_text("Récapitulatif pour Tom")
    expect(page.get_by_role("heading", name="Réservations ajoutées")).to_be_visible()
    first, last = first_and_last_days(page)
    assert re.search(r" (juin|juillet) ", last), last
    assert_no_accessibility_violations(page)
    page.get_by_role("button", name="Confirmer la réservation").click()
    expect(page.locator("h1")).to_have_text("Réservation confirmée")
    assert_no_accessibility_violations(page)
    expect_booked_in_grid(page, "Tom Martin", first)
    assert_no_accessibility_violations(page)


def test_the_pattern_with_the_keyboard_only_at_320_pixels(page: Page, pattern_server: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, pattern_server)
    open_canteen_grid(page, "Léa Martin")
    link = page.get_by_role("link", name="Réserver les mêmes jours chaque semaine")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(re.compile(r"^Semaine type de Léa : "))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_accessibility_violations(page)
    tuesday = page.get_by_role("group", name="Mardi").get_by_role(
        "checkbox", name=re.compile("^Repas")
    )
    tuesday.focus()
    page.keyboard.press("Space")
    expect(tuesday).to_be_checked()
    year = page.get_by_role("radio", name="Jusqu’à la fin de l’année scolaire")
    year.focus()
    page.keyboard.press("Space")
    expect(year).to_be_checked()
    page.get_by_role("button", name="Voir le récapitulatif").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Récapitulatif pour Léa")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_accessibility_violations(page)
    first, _ = first_and_last_days(page)
    page.get_by_role("button", name="Confirmer la réservation").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Réservation confirmée")
    assert_no_accessibility_violations(page)
    expect_booked_in_grid(page, "Léa Martin", first)
