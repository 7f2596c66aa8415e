"""« Agenda de vos réservations » in Chromium on the demo commune: from the reservations, the
feed created with the keyboard only, its address shown once and read by a calendar (no
session) as iCalendar that ``icalendar`` parses; then revoked with the keyboard, its address
answering 404; axe-core on each page at 1280 and 320 px."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.integration.browser.conftest import assert_no_accessibility_violations
from tests.integration.browser.test_reservation_journey import log_in

pytestmark = pytest.mark.browser


def tab_to(page: Page, name: str) -> None:
    """Press Tab from the page's top until the button ``name`` has the focus, then Enter."""
    button = page.get_by_role("button", name=name)
    page.locator("h1").evaluate("h1 => { h1.tabIndex = -1; h1.focus(); }")
    for _ in range(40):
        page.keyboard.press("Tab")
        if button.evaluate("button => button === document.activeElement"):
            page.keyboard.press("Enter")
            return
    pytest.fail(f"« {name} » is not reached with the Tab key")


def fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 320])
def test_the_feed_created_read_and_revoked_with_the_keyboard(
    page: Page, live_server: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server)
    page.get_by_role("link", name="Vos réservations et annulations").click()
    page.get_by_role("link", name="Agenda de vos réservations").click()
    expect(page.locator("h1")).to_have_text("Agenda de vos réservations")
    fits(page, width)
    assert_no_accessibility_violations(page)

    create = page.get_by_role("button", name="Créer l’agenda de vos réservations")
    if create.count() == 0:  # the other width's run left one: start from none
        tab_to(page, "Révoquer l’agenda")
        expect(create).to_be_visible()
    tab_to(page, "Créer l’agenda de vos réservations")
    expect(page.get_by_role("status").first).to_contain_text("Copiez son adresse maintenant")
    address = page.get_by_label("Adresse de l’agenda, à coller dans votre application d’agenda")
    url = address.input_value()
    path = urlsplit(url).path
    assert path.startswith("/agenda/")
    assert path.endswith(".ics")
    expect(page.get_by_role("link", name="S’abonner depuis cet appareil")).to_have_attribute(
        "href", "webcal://" + url.split("://", 1)[1]
    )
    fits(page, width)
    assert_no_accessibility_violations(page)

    calendar = page.context.browser.new_context()  # type: ignore[union-attr]  # no session
    try:
        feed = calendar.request.get(live_server + path)
        assert feed.status == 200
        assert feed.headers["content-type"].startswith("text/calendar")
        assert feed.headers["cache-control"] == "no-store"
        parsed = Calendar.from_ical(feed.body())
        assert str(parsed["x-wr-calname"]).startswith("Réservations – ")
        for event in parsed.walk("VEVENT"):
            assert str(event["summary"]).split(" : ")[0] in {"Léa", "Tom"}

        page.goto(live_server + "/reservations/agenda")
        expect(page.get_by_text("Un agenda est actif depuis le")).to_be_visible()
        assert path not in page.content()  # shown once
        tab_to(page, "Révoquer l’agenda")
        expect(page.get_by_role("status")).to_contain_text("L’agenda est révoqué")
        fits(page, width)
        assert_no_accessibility_violations(page)
        assert calendar.request.get(live_server + path).status == 404
    finally:
        calendar.close()
