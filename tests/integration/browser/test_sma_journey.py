"""« Pré-inscription à la SMA » in Chromium (issue 14): the family asks for a place for an
expected child and for Tom and sees each request's rank on the waiting list; the desk's
commission lists the candidates (``portail sma commission``) and offers the first a place
(``portail sma offer``); the family declines it, the next candidate (another family) comes up
and gets the next offer; an offer to Tom is accepted. axe-core on each page at 1280 and 320 px;
a request and an answer with the keyboard only.

A portal of its own (the demo town on SQLite, the real clock)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner
from playwright.sync_api import Locator, Page, expect
from werkzeug.serving import make_server

from adapters.persistence import upgrade
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.cli import main
from entrypoints.settings import Settings
from entrypoints.web import create_app
from portail_core.domain.audit import Actor
from portail_core.domain.shared.french_dates import numeric_day_fr
from tests.integration.browser.conftest import assert_no_accessibility_violations
from tests.integration.browser.test_reservation_journey import log_in
from tests.integration.test_billing_repository import add_family

pytestmark = pytest.mark.browser


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[tuple[str, Services]]:
    services = bootstrap(Settings.from_env({"PORTAIL_INSTANCE_PATH": str(tmp_path)}))
    assert services.engine is not None
    upgrade(services.engine)
    loaded = CliRunner().invoke(main, ["demo", "load"], obj=services)
    assert loaded.exit_code == 0, loaded.output
    server = make_server("127.0.0.1", 0, create_app(services=services), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", services
    server.shutdown()
    thread.join(timeout=10)
    services.close()


def day(months: int = 0, days: int = 0) -> str:
    return numeric_day_fr(pendulum.now("Europe/Paris").date().add(months=months, days=days))


def desk(services: Services, *args: str) -> str:
    result = CliRunner().invoke(main, ["sma", *args], obj=services)
    assert result.exit_code == 0, result.output
    return result.output


def commission(services: Services) -> list[int]:
    listed = json.loads(desk(services, "commission", "--date", day(), "--format", "json"))
    return [c["id"] for c in listed["candidates"]]


def offer(services: Services, number: int) -> None:
    desk(services, "offer", str(number), "--establishment", "SMA", "--start", day(months=4),
         "--deadline", day(days=10))  # fmt: skip


def file_request(page: Page, child: str, expected: bool = False) -> None:
    page.get_by_role("link", name="Faire une demande de pré-inscription").click()
    expect(page.locator("h1")).to_have_text("Demande de pré-inscription à la SMA")
    page.get_by_role("group", name="Pour quel enfant ?").get_by_label(child).check()
    if expected:
        page.get_by_label("Nom de famille de l’enfant").fill("Martin")
        page.get_by_label("Date de naissance prévue").fill(day(months=3))
    page.get_by_label("Date d’entrée souhaitée").fill(day(months=6))
    page.get_by_role("checkbox", name="Lundi").check()
    page.get_by_label("arrivée du lundi").fill("8:30")
    page.get_by_label("départ du lundi").fill("17:00")
    page.get_by_role("button", name="Déposer la demande").click()
    expect(page.get_by_role("status")).to_contain_text("Votre demande est déposée")


def test_a_declined_offer_goes_to_the_next_candidate_an_accepted_one_enrols(
    page: Page, portal: tuple[str, Services]
) -> None:
    live_server, services = portal
    log_in(page, live_server)
    page.get_by_role("link", name="Pré-inscription à la SMA").click()
    expect(page.locator("h1")).to_have_text("Pré-inscription à la SMA")
    assert_no_accessibility_violations(page)
    page.get_by_role("link", name="Faire une demande de pré-inscription").click()
    page.get_by_role("button", name="Déposer la demande").click()  # nothing filled in
    expect(page).to_have_title(re.compile("^Erreur – "))
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient 3 erreurs")
    assert_no_accessibility_violations(page)
    page.get_by_role("link", name="Retour à vos demandes").click()
    file_request(page, "Un enfant à naître", expected=True)
    other, _ = add_family(services.ports.uow, "Dupont")
    dupont = services.portail.sma.request(
        family_id=other, child_id=None, last_name="Dupont", expected_birth_date=day(months=2),
        start_date=day(months=5), hours={"mardi": ("8:00", "18:00")}, wishes=["SMA"],
        actor=Actor.system("test"),
    )  # fmt: skip
    file_request(page, "Tom Martin")
    expect(page.get_by_text(re.compile("rang 3 sur la liste d’attente"))).to_have_count(1)
    assert_no_accessibility_violations(page)
    expected, tom = (
        r.id for r in sorted(services.portail.sma.of_family(1), key=lambda line: line.request.id
        or 0) for r in [r.request]
    )  # fmt: skip
    assert expected is not None
    assert tom is not None
    assert dupont.id is not None
    assert commission(services) == [expected, dupont.id, tom]

    offer(services, expected)
    page.goto(live_server + "/sma")
    request = page.get_by_role("region", name=re.compile("enfant à naître"))
    expect(request).to_contain_text("Une place vous est proposée")
    assert_no_accessibility_violations(page)
    request.get_by_role("button", name=re.compile("^Refuser la place")).click()
    expect(page.get_by_role("status")).to_contain_text("Vous avez refusé la place")
    assert commission(services) == [dupont.id, tom]  # the next candidate comes up
    offer(services, dupont.id)
    assert commission(services) == [tom]

    offer(services, tom)
    page.goto(live_server + "/sma")
    request = page.get_by_role("region", name=re.compile("Tom Martin"))
    request.get_by_role("button", name=re.compile("^Accepter la place")).click()
    expect(page.get_by_role("status")).to_contain_text("Vous avez accepté la place")
    expect(page.get_by_role("region", name=re.compile("Tom Martin"))).to_contain_text("Acceptée")
    assert_no_accessibility_violations(page)


def tab_to(page: Page, target: Locator) -> None:
    for _ in range(60):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{target} is not reached with the Tab key")


def test_a_request_and_an_answer_with_the_keyboard_only_at_320_pixels(
    page: Page, portal: tuple[str, Services]
) -> None:
    live_server, services = portal
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, live_server)
    tab_to(page, page.get_by_role("link", name="Pré-inscription à la SMA"))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Pré-inscription à la SMA")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_accessibility_violations(page)
    tab_to(page, page.get_by_role("link", name="Faire une demande de pré-inscription"))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Demande de pré-inscription à la SMA")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_accessibility_violations(page)
    tab_to(page, page.get_by_label("Léa Martin"))
    page.keyboard.press("Space")
    expect(page.get_by_label("Léa Martin")).to_be_checked()
    tab_to(page, page.get_by_label("Date d’entrée souhaitée"))
    page.keyboard.type(day(months=6))
    tab_to(page, page.get_by_role("checkbox", name="Mardi"))
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("8h")
    page.keyboard.press("Tab")
    page.keyboard.type("18h")
    tab_to(page, page.get_by_role("button", name="Déposer la demande"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Votre demande est déposée")
    [line] = services.portail.sma.of_family(1)
    assert line.request.id is not None
    offer(services, line.request.id)
    page.reload()
    assert_no_accessibility_violations(page)
    tab_to(page, page.get_by_role("button", name=re.compile("^Accepter la place")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Vous avez accepté la place")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_accessibility_violations(page)
