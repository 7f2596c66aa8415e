"""Confirming the main guardian's new e-mail in Chromium: the page from the link, confirmed with
the keyboard only, at 320 px wide; axe-core on each page, the spent link's page included."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from adapters.clock import FixedClock
from adapters.passwords import PlainTestHasher
from adapters.persistence import upgrade
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import Settings
from entrypoints.web import create_app
from portail_core.domain.audit import Actor, Channel
from portail_core.services.accounts.opening import open_account
from portail_core.services.dossiers.contacts import update_guardian_contact
from portail_core.services.dossiers.creation import create_family
from tests.integration.browser.conftest import assert_no_accessibility_violations
from tests.unit.dossier_builders import YEAR, complete_family

pytestmark = pytest.mark.browser

NOW = pendulum.datetime(2026, 6, 15, 10, 0, tz="Europe/Paris")
STAFF = Actor.staff("agent")
NEW = "claire@nouveau.example"


@pytest.fixture
def link(tmp_path: Path) -> Iterator[str]:
    """A portal where the Martins' main guardian has just typed a new e-mail: the link sent."""
    clock = FixedClock(NOW)
    base = bootstrap(Settings.from_env({"PORTAIL_INSTANCE_PATH": str(tmp_path)}), clock=clock)
    assert base.engine is not None
    upgrade(base.engine)
    services = base
    family_id = create_family(services.ports.uow(), complete_family(), actor=STAFF, clock=clock)
    server = make_server("127.0.0.1", 0, create_app(services=services), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    opening = open_account(
        services.ports.uow(),
        family_id,
        school_year=YEAR,
        public_url=url,
        hasher=PlainTestHasher(),
        actor=STAFF,
        clock=clock,
    )
    update_guardian_contact(
        services.ports.uow(),
        family_id,
        1,
        phones=["06 12 34 56 78"],
        email=NEW,
        public_url=url,
        actor=Actor(opening.identifier, Channel.PORTAL),
        clock=clock,
    )
    with services.ports.uow(read_only=True) as uow:
        (confirm,) = [e for e in uow.outbox.listing(5) if e.template == "email_change_confirm"]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield confirm.context["confirm_url"]
    server.shutdown()
    thread.join(timeout=10)
    base.close()


def test_the_new_address_is_confirmed_with_the_keyboard_at_320_pixels(
    page: Page, link: str
) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Confirmer la nouvelle adresse e-mail")
    expect(page.get_by_text(NEW)).to_be_visible()
    assert_no_accessibility_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    button = page.get_by_role("button", name="Confirmer la nouvelle adresse e-mail")
    for _ in range(30):  # Tab until the button has the focus
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    assert button.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Connexion à votre espace")
    expect(page.get_by_role("status")).to_contain_text(
        "Votre nouvelle adresse e-mail est confirmée"
    )
    assert_no_accessibility_violations(page)

    page.goto(link)
    expect(page.locator("h1")).to_have_text("Ce lien n’est plus valable")
    assert_no_accessibility_violations(page)
