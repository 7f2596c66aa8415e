"""« Agenda de vos réservations » through Flask's client on SQLite: the family creates its feed
and sees the address once; the feed answers text/calendar, never cached, and parses with
``icalendar``; revoked it answers the ordinary 404 page; a new one works; another family's
address never shows these children; no CSRF token, nothing created; the access log masks the
secret."""

from __future__ import annotations

import http.client
import logging
import re
from datetime import date
from html import unescape
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from icalendar import Calendar
from werkzeug.test import TestResponse

from entrypoints.bootstrap import Services
from entrypoints.web import create_app
from portail_core.domain.bookings.reservation import Reservation
from tests.integration.loopback import Served, wait_for
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    NOW,
    activate,
    client,
    clock,
    csrf,
    log_in,
    open_family_account,
    services,
    text,
)

FEED = re.compile(r'value="(http://127\.0\.0\.1:5000(/agenda/[A-Za-z0-9_-]{43}\.ics))"')


def logged_in_family(services: Services, client: FlaskClient) -> int:
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    return int(account["identifier"].rsplit(".", 1)[1])


@pytest.fixture
def family_id(services: Services, client: FlaskClient) -> int:
    family = logged_in_family(services, client)
    book(services, family, date(2026, 9, 9))
    return family


def book(services: Services, family: int, day: date) -> None:
    with services.ports.uow() as uow:
        found = uow.families.get(family)
        assert found is not None
        assert found.children[0].id is not None
        child = found.children[0].id
        uow.reservations.add(Reservation(family, child, "ALSH", "JOURNEE", day, "ELEM", NOW, "R1"))
        uow.commit()


def anonymous_client(client: FlaskClient) -> FlaskClient:
    """Another browser (a calendar) on the same portal, without a session."""
    return client.application.test_client()


def create(client: FlaskClient) -> TestResponse:
    token = csrf(client, "/reservations/agenda")
    return client.post("/reservations/agenda", data={"csrf_token": token})


def feed_path(page: TestResponse) -> str:
    match = FEED.search(page.get_data(as_text=True))
    assert match, page.get_data(as_text=True)
    return match[2]


def summaries(response: TestResponse) -> list[str]:
    calendar = Calendar.from_ical(response.get_data())
    return [str(event["summary"]) for event in calendar.walk("VEVENT")]


def test_the_page_is_reached_from_the_reservations_and_explains_how_to_subscribe(
    client: FlaskClient, family_id: int
) -> None:
    assert 'href="/reservations/agenda"' in text(client.get("/reservations"))
    page = text(client.get("/reservations/agenda"))
    assert "<h1>Agenda de vos réservations</h1>" in page
    assert "Vous n’avez pas d’agenda actif." in page
    assert "iPhone, iPad" in page
    assert "Google Agenda" in page
    assert "Outlook" in page
    assert "/agenda/" not in page


def test_create_shows_the_address_once_and_the_feed_parses(
    client: FlaskClient, family_id: int
) -> None:
    created = create(client)
    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    path = feed_path(created)
    secret = path.removeprefix("/agenda/").removesuffix(".ics")
    assert f'href="webcal://127.0.0.1:5000{path}"' in created.get_data(as_text=True)
    again = text(client.get("/reservations/agenda"))
    assert secret not in again  # shown once
    assert "Un agenda est actif depuis le" in again
    assert "Aucune application ne l’a encore lu." in again

    feed = anonymous_client(client).get(path)
    assert feed.status_code == 200
    assert feed.mimetype == "text/calendar"
    assert feed.headers["Cache-Control"] == "no-store"
    assert summaries(feed) == ["Léa : Journée avec repas (Accueil de loisirs Les Dunes)"]
    assert "lu pour la dernière fois le" in text(client.get("/reservations/agenda"))


def test_revoked_answers_the_ordinary_404_and_a_new_one_works(
    client: FlaskClient, family_id: int
) -> None:
    old = feed_path(create(client))
    token = csrf(client, "/reservations/agenda")
    revoked = client.post("/reservations/agenda/revocation", data={"csrf_token": token})
    assert revoked.status_code == 303
    assert "L’agenda est révoqué" in text(client.get(revoked.headers["Location"]))
    anonymous = anonymous_client(client)  # a calendar: no session, the page names no path
    gone, unknown = anonymous.get(old), anonymous.get("/agenda/" + "A" * 43 + ".ics")
    assert gone.status_code == unknown.status_code == 404
    assert gone.get_data() == unknown.get_data() == anonymous.get("/pas-de-page").get_data()
    new = feed_path(create(client))
    assert new != old
    assert client.get(new).status_code == 200
    replaced = feed_path(create(client))
    assert client.get(new).status_code == 404
    assert client.get(replaced).status_code == 200


def test_another_familys_address_never_shows_these_children(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    mine = feed_path(create(client))
    other = create_app({"TESTING": True}, services=services).test_client()
    other_family = logged_in_family(services, other)
    book(services, other_family, date(2026, 9, 16))
    theirs = feed_path(create(other))
    assert theirs != mine
    days = {
        str(e.decoded("dtstart").date())
        for e in Calendar.from_ical(client.get(theirs).get_data()).walk("VEVENT")
    }
    assert days == {"2026-09-16"}  # only the other family's reservation
    assert client.get(mine).status_code == 200


def test_no_csrf_token_creates_nothing(
    services: Services, client: FlaskClient, family_id: int
) -> None:
    assert client.post("/reservations/agenda", data={}).status_code == 400
    assert client.post("/reservations/agenda/revocation", data={}).status_code == 400
    assert services.portail.feeds.of_family(family_id) is None


def test_the_pages_need_a_login_but_the_feed_does_not(
    services: Services, client: FlaskClient
) -> None:
    page = client.get("/reservations/agenda")
    assert page.status_code == 302
    assert "/connexion" in page.headers["Location"]
    assert client.get("/agenda/inconnu.ics").status_code == 404


def test_too_many_unknown_addresses_from_one_client_answer_429(
    client: FlaskClient, family_id: int
) -> None:
    path = feed_path(create(client))
    for n in range(100):
        assert client.get(f"/agenda/devine-{n}.ics").status_code == 404
    refused = client.get(path)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 60
    assert "Trop d" in unescape(refused.get_data(as_text=True))


def test_the_demo_servers_access_log_masks_the_feeds_secret(
    services: Services, client: FlaskClient, family_id: int, caplog: pytest.LogCaptureFixture
) -> None:
    path = feed_path(create(client))
    secret = path.removeprefix("/agenda/").removesuffix(".ics")
    served = Served(create_app(services=services))
    caplog.set_level(logging.INFO, logger="werkzeug")
    try:
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
        connection.request("GET", urlsplit(path).path)
        assert connection.getresponse().status == 200
        connection.close()
        wait_for(lambda: "/agenda/[masqué]" in caplog.text)
    finally:
        served.close()
    assert secret not in caplog.text
