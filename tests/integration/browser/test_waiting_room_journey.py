"""The waiting room in Chromium, on the demo commune served on the real clock, with room for one
family: the demo family asks for « Réservations » behind two others and lands on « File
d'attente des réservations » (axe-core at 1280 and 320 px, the page reached with the keyboard);
as places free up, its position changes without the page being reloaded, then it is led to the
reservations. Without JavaScript, the page refreshes itself and gets in as well."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from entrypoints.bootstrap import Services
from portail_core.domain.audit import Actor
from tests.integration.browser.conftest import (
    assert_no_accessibility_violations,
    demo_services,
    serving,
)
from tests.integration.browser.test_reservation_journey import log_in
from tests.integration.test_waiting_room_repository import accounts

pytestmark = pytest.mark.browser

WAIT_MS = 75_000  # the page asks every 3 to 60 s, as far as the estimate says


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Services]]:
    """The demo commune on its own server (the room's settings must not leak into the other
    browser tests' portal)."""
    services = demo_services(tmp_path_factory.mktemp("waiting-room-instance"))
    with serving(services) as address:
        yield address, services


def two_families_first(services: Services) -> tuple[int, int]:
    """Room for one: one family inside, another waiting; their accounts."""
    room = services.portail.waiting_room
    room.switch_off(actor=Actor.staff("test"))  # a fresh queue for each run
    room.automatic(capacity=1, actor=Actor.staff("test"))
    inside, waiting = accounts(services.ports.uow, 2)
    assert room.enter(account_id=inside)
    assert not room.enter(account_id=waiting)
    return inside, waiting


@pytest.mark.parametrize("width", [1280, 320])
def test_a_queued_family_sees_its_place_move_then_gets_in(
    page: Page, portal: tuple[str, Services], width: int
) -> None:
    url, services = portal
    inside, waiting = two_families_first(services)
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, url)
    page.get_by_role("link", name="Réservations", exact=True).click()
    expect(page.locator("h1")).to_have_text("File d’attente des réservations")
    assert page.title().startswith("File d’attente des réservations")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Vous êtes n° 2 dans la file : 1 avant vous.")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_accessibility_violations(page)
    refresh = page.get_by_role("link", name="Actualiser maintenant")
    page.locator("h1").evaluate("h1 => { h1.tabIndex = -1; h1.focus(); }")
    for _ in range(10):
        page.keyboard.press("Tab")
        if refresh.evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail("« Actualiser maintenant » is not reached with the Tab key")

    page.evaluate("window.stillTheSamePage = true")
    services.portail.waiting_room.leave(account_id=inside)  # the first confirms: the second in
    expect(status).to_contain_text("Vous êtes la prochaine famille à entrer.", timeout=WAIT_MS)
    assert page.evaluate("window.stillTheSamePage === true")  # updated, not reloaded
    assert services.portail.waiting_room.enter(account_id=waiting)  # it comes in
    services.portail.waiting_room.leave(account_id=waiting)
    expect(page.locator("h1")).to_have_text("Réservations", timeout=WAIT_MS)
    assert page.url == url + "/reservations"


def test_without_javascript_the_page_refreshes_itself_and_gets_in(
    browser: Browser, portal: tuple[str, Services]
) -> None:
    url, services = portal
    inside, waiting = two_families_first(services)
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, url)
        page.goto(url + "/reservations")
        expect(page.locator("h1")).to_have_text("File d’attente des réservations")
        expect(page.get_by_role("status")).to_contain_text("n° 2 dans la file")
        services.portail.waiting_room.leave(account_id=inside)
        expect(page.get_by_role("status")).to_contain_text("la prochaine famille", timeout=WAIT_MS)
        assert services.portail.waiting_room.enter(account_id=waiting)
        services.portail.waiting_room.leave(account_id=waiting)
        expect(page.locator("h1")).to_have_text("Réservations", timeout=WAIT_MS)
    finally:
        context.close()
