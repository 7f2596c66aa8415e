"""Two portal servers on one PostgreSQL, as behind a load balancer: nothing one of them keeps in
its memory is needed by the other.

Two real gunicorn servers (two workers each) serve the portal from the same environment on one
database. One browser goes from one to the other at every step: logged in on A, it is at home on
B; a form of A is accepted by B (CSRF); a planning validated on A (its draft) is confirmed on B.
A family's wrong passwords are counted across both; a change the desk makes (a capacity) is seen
at once by both.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import attrs
import pytest
from sqlalchemy import text

from adapters.clock import FixedClock
from adapters.passwords import PlainTestHasher
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.settings import Settings
from portail_core.domain.dossiers.family import RegulationConsent
from tests.integration.conftest import empty_database_url
from tests.integration.deploy_files import ROOT
from tests.integration.http_browser import Browser, Page, free_port, stop, wait_until_up
from tests.integration.reservation_town import ALSH, JOURNEE, Town, make_town
from tests.unit.dossier_builders import YEAR, complete_family
from tests.unit.reservation_world import DESK, NOW, WEDNESDAY, book, demo_catalogue, with_places

pytestmark = pytest.mark.postgresql

PASSWORD = "cheval agrafe pile correct"  # the test families'
MONTH = "2026-09"
CELL = "2026-09-09|JOURNEE"  # a Wednesday without school: the ALSH is open


@attrs.frozen
class Servers:
    a: int
    b: int
    services: Services  # the desk's, in this process
    town: Town


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    for url in empty_database_url("postgresql", tmp_path):
        environment = {
            **os.environ,
            "PORTAIL_DATABASE_URL": url,
            "PORTAIL_SECRET_KEY": "une clé partagée par tous les serveurs de la ville",
            "PORTAIL_INSTANCE_PATH": str(tmp_path / "instance"),
            "PORTAIL_PUBLIC_URL": "http://127.0.0.1:8000",
        }
        services = bootstrap(
            Settings.from_env(environment), clock=FixedClock(NOW), hasher=PlainTestHasher()
        )
        services.upgrade_database()
        town = make_town(services.ports.uow, places=5)
        ports = free_port(), free_port()
        processes = [gunicorn(port, environment) for port in ports]
        try:
            for port, process in zip(ports, processes, strict=True):
                assert wait_until_up(port, process).status == 200
            yield Servers(ports[0], ports[1], services, town)
        finally:
            outputs = [stop(process) for process in processes]
            services.close()
        for process, output in zip(processes, outputs, strict=True):
            assert process.returncode == 0, output
            assert "Traceback" not in output, output


def gunicorn(port: int, environment: dict[str, str]) -> subprocess.Popen[str]:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        *("--workers", "2", "--threads", "2", "--bind", f"127.0.0.1:{port}"),
        *("--log-level", "warning", "tests.integration.two_servers_app:wsgi()"),
    ]
    return subprocess.Popen(
        command,
        env=environment,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def family_with_account(servers: Servers, number: int) -> tuple[int, str]:
    """A complete family (Léa, élémentaire; Tom, maternelle), its account activated with
    PASSWORD; its number and identifier."""
    portal = servers.services.portail
    family = complete_family()
    family.guardians[0] = attrs.evolve(family.guardians[0], email=f"famille{number}@example.fr")
    _, catalogue = demo_catalogue()
    family.consents = [
        RegulationConsent.create(establishment_code=code, version=version, accepted_at=NOW)
        for code, version in catalogue.regulations().items()
    ]
    family_id = portal.dossiers.create(family, actor=DESK, allow_duplicate=True)
    opening = portal.accounts.open(family_id, actor=DESK, school_year=YEAR)
    with servers.services.ports.uow(read_only=True) as uow:
        link = uow.outbox.listing(1)[0].context["activation_url"]
    portal.accounts.activate(link.rsplit("/", 1)[1], PASSWORD, actor_ip="10.0.0.1")
    return family_id, opening.identifier


def log_in(browser: Browser, port: int, identifier: str, password: str = PASSWORD) -> Page:
    browser.get(port, "/connexion")
    return browser.post(port, "/connexion", [("identifier", identifier), ("password", password)])


def child(servers: Servers, family_id: int, first_name: str) -> str:
    return str(servers.town.child_id(family_id, first_name))


def test_a_family_logged_in_on_one_server_books_through_both(servers: Servers) -> None:
    family_id, identifier = family_with_account(servers, 1)
    lea = child(servers, family_id, "Léa")
    browser = Browser()
    a, b = servers.a, servers.b

    assert log_in(browser, a, identifier).status == 302  # logged in on A
    home = browser.get(b, "/reservations")  # at home on B
    assert home.status == 200, home.text
    assert f'name="enfant" value="{lea}"' in home.text
    browser.get(a, "/reservations")  # a form served by A, its CSRF token A's...
    chosen = browser.post(b, "/reservations", [("enfant", lea), ("structure", ALSH)])
    assert chosen.status == 302, chosen.text  # ...accepted by B
    grid = browser.get(a, f"/reservations/{lea}/{ALSH}?mois={MONTH}")
    assert f'name="creneau" value="{CELL}"' in grid.text
    validated = browser.post(a, f"/reservations/{lea}/{ALSH}", [("mois", MONTH), ("creneau", CELL)])
    assert validated.status == 302, validated.text  # the draft, written by A
    summary = browser.get(b, validated.location)  # read by B
    assert summary.status == 200, summary.text
    confirmed = browser.post(b, validated.location.split("?")[0], [])  # confirmed on B
    assert confirmed.status == 302, confirmed.text
    confirmation = browser.get(a, confirmed.location)
    assert "Numéro de confirmation" in confirmation.text

    with servers.services.engine.connect() as connection:  # type: ignore[union-attr]
        booked = connection.execute(
            text(
                "SELECT count(*) FROM reservations WHERE child_id = :child AND day = :day "
                "AND unit_code = :unit AND status = 'booked'"
            ),
            {"child": int(lea), "day": "2026-09-09", "unit": JOURNEE},
        ).scalar_one()
    assert booked == 1
    assert browser.post(b, "/deconnexion", []).status == 302  # logged out on B...
    assert browser.get(a, "/reservations").status == 302  # ...is logged out on A


def test_wrong_passwords_are_counted_across_both_servers(servers: Servers) -> None:
    _, identifier = family_with_account(servers, 2)
    browser = Browser()

    for attempt in range(5):  # A, B, A, B, A: five in a row, the most before a delay
        port = (servers.a, servers.b)[attempt % 2]
        refused = log_in(browser, port, identifier, "pas le bon mot de passe")
        assert refused.status == 401, refused.text

    delayed = log_in(browser, servers.b, identifier)  # the right password, too soon
    assert delayed.status == 429, delayed.text
    assert "Trop d'essais : réessayez dans 1 minute." in unescape(delayed.text)


def test_a_capacity_changed_by_the_desk_is_seen_at_once_by_both_servers(servers: Servers) -> None:
    family_id, identifier = family_with_account(servers, 3)
    other, _ = family_with_account(servers, 4)
    lea = child(servers, family_id, "Léa")
    browser = Browser()
    assert log_in(browser, servers.a, identifier).status == 302
    grid = f"/reservations/{lea}/{ALSH}?mois={MONTH}"
    for port in (servers.a, servers.b):  # both have shown the day with free places
        assert f'name="creneau" value="{CELL}"' in browser.get(port, grid).text
    assert servers.town.run(
        other, book((WEDNESDAY, JOURNEE))
    ).number  # another family takes a place

    details, catalogue = demo_catalogue()  # the desk: one place a day from now on
    servers.services.portail.catalogue.load(
        details, with_places(catalogue, ALSH, JOURNEE, 1), actor=DESK
    )

    for port in (servers.b, servers.a):  # no server goes on with the capacity it had read
        page = browser.get(port, grid).text
        assert f'name="creneau" value="{CELL}"' not in page
        assert f'name="attente" value="{CELL}"' in page  # full: the waiting list instead
