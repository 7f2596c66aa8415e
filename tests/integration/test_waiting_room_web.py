"""The waiting room through Flask's client on SQLite, with room for one family: the second one
asking for the booking pages is sent to « File d'attente des réservations »; reloading, and
another session of the same account, keep its one ticket; the first family's confirmation (or
its logout) lets it in at the queue's next move, in every session of its account, and sends
the first one back in line; a form posted while waiting leads to the queue and writes nothing;
switched off, everyone goes in; another family (or nobody) never sees a ticket that is not its
own; the page's address stays on the site."""

from __future__ import annotations

import re

import pendulum
import pytest
from flask.testing import FlaskClient
from sqlalchemy import text as sql
from werkzeug.test import TestResponse

from adapters.clock import FixedClock
from entrypoints.bootstrap import Services
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    STAFF,
    activate,
    client,
    clock,
    csrf,
    log_in,
    open_family_account,
    services,
    text,
)
from tests.integration.test_reservations_web import grid_post

QUEUE = "/file-d-attente?suite=/reservations"


def new_family(services: Services, client: FlaskClient) -> tuple[FlaskClient, str]:
    """A family's browser, logged in; and its account's identifier."""
    browser = client.application.test_client()
    account = open_family_account(services)
    activate(browser, account["activation_url"])
    log_in(browser, account["identifier"])
    return browser, account["identifier"]


def another_session(client: FlaskClient, identifier: str) -> FlaskClient:
    browser = client.application.test_client()
    log_in(browser, identifier)
    return browser


def news(browser: FlaskClient) -> dict[str, object]:
    answer = browser.get("/file-d-attente/etat")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    found: dict[str, object] = answer.get_json()
    return found


def book(browser: FlaskClient) -> TestResponse:
    """Léa at the ALSH on Wednesday 9 September, confirmed: steps 2 to 6."""
    home = text(browser.get("/reservations"))
    child = re.findall(r'name="enfant" value="(\d+)"', home)[0]
    validated = grid_post(browser, int(child), creneau=["2026-09-09|JOURNEE"])
    assert validated.status_code == 302  # type: ignore[attr-defined]
    summary = validated.headers["Location"]  # type: ignore[attr-defined]
    token = csrf(browser, summary)
    return browser.post(summary.split("?")[0], data={"csrf_token": token})


@pytest.fixture
def one_place(services: Services) -> Services:
    services.portail.waiting_room.automatic(capacity=1, actor=STAFF)
    return services


def test_a_queued_family_keeps_its_ticket_everywhere_and_goes_in_when_a_place_frees(
    one_place: Services, client: FlaskClient, clock: FixedClock
) -> None:
    first, _ = new_family(one_place, client)
    second, identifier = new_family(one_place, client)
    assert first.get("/reservations").status_code == 200
    sent = second.get("/reservations")
    assert sent.status_code == 303
    assert sent.headers["Location"] == QUEUE
    page = second.get(QUEUE)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    shown = text(page)
    assert "<h1>File d’attente des réservations</h1>" in shown
    assert 'role="status"' in shown
    assert "Vous êtes la prochaine famille à entrer." in shown
    assert '<noscript><meta http-equiv="refresh" content="10"></noscript>' in shown
    assert 'data-suite="/reservations"' in shown
    assert "waiting-room.js" in shown

    for _ in range(3):  # reloads, the grid asked directly, another session of the account
        assert second.get("/reservations?enfant=1").status_code == 303
        assert second.get(QUEUE).status_code == 200
    other_tab = another_session(client, identifier)
    assert other_tab.get("/reservations").status_code == 303
    assert news(other_tab) == {
        "entree": False,
        "rang": 1,
        "position": "Vous êtes la prochaine famille à entrer.",
        "attente": "L’attente sera estimée dès les premières entrées.",  # the clock stands
        "prochaine": 2,
    }
    status = one_place.portail.waiting_room.status()
    assert (status.inside, status.waiting) == (1, 1)

    confirmed = book(first)
    assert confirmed.status_code == 302
    assert "Numéro de confirmation" in text(first.get(confirmed.headers["Location"]))
    clock.advance(pendulum.duration(seconds=1))  # the place is filled at the queue's next move
    assert news(second) == {"entree": True}
    assert second.get(QUEUE).headers["Location"] == "/reservations"
    assert second.get("/reservations").status_code == 200
    assert other_tab.get("/reservations").status_code == 200  # the account's ticket
    assert first.get("/reservations").status_code == 303  # back in line, first
    assert news(first)["rang"] == 1


def test_logging_out_gives_the_place_to_the_next_in_line(
    one_place: Services, client: FlaskClient, clock: FixedClock
) -> None:
    first, _ = new_family(one_place, client)
    second, _ = new_family(one_place, client)
    first.get("/reservations")
    assert second.get("/reservations").status_code == 303
    token = csrf(first, "/espace")
    assert first.post("/deconnexion", data={"csrf_token": token}).status_code == 302
    clock.advance(pendulum.duration(seconds=1))  # the place is filled at the queue's next move
    assert news(second) == {"entree": True}
    assert second.get("/reservations").status_code == 200


def test_a_form_posted_while_waiting_leads_to_the_queue_and_writes_nothing(
    one_place: Services, client: FlaskClient
) -> None:
    first, _ = new_family(one_place, client)
    second, _ = new_family(one_place, client)
    first.get("/reservations")
    token = csrf(second, "/espace")  # the logout form's: a valid token of this session
    form = {"csrf_token": token, "mois": "2026-09", "creneau": ["2026-09-09|JOURNEE"]}
    posted = second.post("/reservations/1/ALSH", data=form)
    assert posted.status_code == 303
    assert posted.headers["Location"] == "/file-d-attente?suite=/reservations/1/ALSH"
    assert one_place.engine is not None
    with one_place.engine.connect() as connection:
        assert connection.execute(sql("SELECT count(*) FROM planning_drafts")).scalar() == 0


def test_switched_off_everyone_goes_in(one_place: Services, client: FlaskClient) -> None:
    browsers = [new_family(one_place, client)[0] for _ in range(3)]
    assert [b.get("/reservations").status_code for b in browsers] == [200, 303, 303]
    one_place.portail.waiting_room.switch_off(actor=STAFF)
    assert [b.get("/reservations").status_code for b in browsers] == [200, 200, 200]
    assert news(browsers[2]) == {"entree": True}
    assert browsers[2].get(QUEUE).headers["Location"] == "/reservations"
    assert one_place.portail.waiting_room.status().waiting == 0


def test_nobody_sees_a_ticket_that_is_not_their_own(
    one_place: Services, client: FlaskClient
) -> None:
    first, _ = new_family(one_place, client)
    second, _ = new_family(one_place, client)
    third, _ = new_family(one_place, client)
    first.get("/reservations")
    second.get("/reservations")
    assert news(second)["rang"] == 1
    assert news(third) == {"entree": True}  # no ticket: nothing about the second's
    assert third.get(QUEUE).headers["Location"] == "/reservations"
    anonymous = client.application.test_client()
    assert anonymous.get("/file-d-attente/etat").status_code == 401
    assert anonymous.get("/file-d-attente/etat").get_json() == {"connexion": True}
    assert anonymous.get(QUEUE).headers["Location"].startswith("/connexion?suite=")


@pytest.mark.parametrize(
    "target",
    ["https://ailleurs.example/", "//ailleurs.example/x", "/\\ailleurs.example", "javascript:x"],
)
def test_the_page_only_leads_on_to_a_page_of_the_portal(
    services: Services, client: FlaskClient, target: str
) -> None:
    browser, _ = new_family(services, client)
    answer = browser.get("/file-d-attente", query_string={"suite": target})
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/espace"
