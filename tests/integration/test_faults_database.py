"""Fault: PostgreSQL connections killed (``pg_terminate_backend`` from another connection) in
the middle of a billing run and of a family's confirmation.

The moment is chosen, not hoped for: an event hook on the real engine terminates the
connection's backend just before a given statement (or before COMMIT) is sent, and waits until
it is gone. Either way the change is all or nothing (no invoice, no number used, no e-mail, no
reservation without its history), the desk and the family read a French message (exit code 7,
HTTP 503; never a traceback nor a 500), and doing it again succeeds, once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, create_engine, event, text

from adapters.clock import FixedClock
from adapters.commune_file import read_commune_file
from adapters.passwords import PlainTestHasher
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.cli import main
from entrypoints.settings import Settings
from entrypoints.web import create_app
from portail_core.services.catalogue.offer import load_catalogue
from portail_core.services.dossiers.creation import create_family
from tests.integration.conftest import empty_database_url, postgres_url_or_skip
from tests.integration.invoice_town import BILLING_DAY, SEPTEMBER_WEDNESDAYS, book_september
from tests.integration.test_auth_web import (
    NOW,
    STAFF,
    activate,
    csrf,
    log_in,
    open_family_account,
)
from tests.unit.dossier_builders import complete_family

pytestmark = pytest.mark.postgresql

LOST = "La connexion à la base de données a été perdue"


class Killer:
    """Terminates the backend of the connection about to send ``statement`` (a prefix, or
    "COMMIT"), once, from another connection, and waits until it has gone."""

    def __init__(self, engine: Engine, admin: Engine, statement: str) -> None:
        self.engine, self.admin, self.statement = engine, admin, statement
        self.killed: list[int] = []

    def __enter__(self) -> Killer:
        if self.statement == "COMMIT":
            event.listen(self.engine, "commit", self._before_commit)
        else:
            event.listen(self.engine, "before_cursor_execute", self._before_statement)
        return self

    def __exit__(self, *_: object) -> None:
        if self.statement == "COMMIT":
            event.remove(self.engine, "commit", self._before_commit)
        else:
            event.remove(self.engine, "before_cursor_execute", self._before_statement)

    def _before_statement(self, connection: Connection, *args: Any) -> None:
        statement = args[1]
        if statement.lstrip().upper().startswith(self.statement):
            self._kill(connection)

    def _before_commit(self, connection: Connection) -> None:
        self._kill(connection)

    def _kill(self, connection: Connection) -> None:
        if self.killed:
            return
        pid = connection.connection.dbapi_connection.info.backend_pid  # type: ignore[union-attr]
        with self.admin.connect() as admin:
            gone = admin.execute(text("SELECT pg_terminate_backend(:pid, 30000)"), {"pid": pid})
            assert gone.scalar_one() is True  # terminated, and waited for
        self.killed.append(pid)


@pytest.fixture
def admin() -> Iterator[Engine]:
    engine = create_engine(postgres_url_or_skip(), isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    """The demo town on PostgreSQL (a schema of its own), on 15 June 2026."""
    for url in empty_database_url("postgresql", tmp_path):
        environment = {
            **os.environ,
            "PORTAIL_DATABASE_URL": url,
            "PORTAIL_INSTANCE_PATH": str(tmp_path),
            "PORTAIL_SECRET_KEY": "k" * 40,
        }
        services = bootstrap(
            Settings.from_env(environment), clock=FixedClock(NOW), hasher=PlainTestHasher()
        )
        services.upgrade_database()
        demo = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
        town = read_commune_file(demo)
        clock = services.ports.clock
        load_catalogue(services.ports.uow(), town.details, town.catalogue, actor=STAFF, clock=clock)
        yield services
        services.close()


def count(services: Services, sql: str) -> int:
    assert services.engine is not None
    with services.engine.connect() as connection:
        value = connection.execute(text(sql)).scalar_one()
    assert isinstance(value, int)
    return value


# --- The billing run -------------------------------------------------------------------------


def billable_town(services: Services) -> None:
    """Three families with September's Wednesdays booked, billed on 2 October."""
    for _ in range(3):
        family_id = create_family(
            services.ports.uow(), complete_family(), actor=STAFF, clock=services.ports.clock
        )
        book_september(services, family_id, "Léa", SEPTEMBER_WEDNESDAYS)
    assert isinstance(services.ports.clock, FixedClock)
    services.ports.clock.set(BILLING_DAY)


NOTHING_BILLED = (
    "SELECT count(*) FROM invoices",
    "SELECT count(*) FROM document_sequences",  # no number drawn: none is lost
    "SELECT count(*) FROM outbox",
    "SELECT count(*) FROM audit_events WHERE action = 'billing.run'",
)


def billing_run(services: Services) -> Any:
    return CliRunner().invoke(main, ["billing", "run", "--month", "2026-09"], obj=services)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE DOCUMENT_SEQUENCES",
        "INSERT INTO INVOICES",
        "INSERT INTO OUTBOX",
        "INSERT INTO AUDIT",
    ],
)
def test_a_billing_run_whose_connection_dies_writes_nothing_and_runs_again(
    services: Services, admin: Engine, statement: str
) -> None:
    billable_town(services)
    assert services.engine is not None
    with Killer(services.engine, admin, statement) as killer:
        result = billing_run(services)
    assert killer.killed, f"no {statement} was sent"
    assert result.exit_code == 7, result.output
    assert f"Erreur : {LOST} : rien n'a été enregistré." in result.output
    assert "Traceback" not in result.output
    for written in NOTHING_BILLED:
        assert count(services, written) == 0, written

    again = billing_run(services)
    assert again.exit_code == 0, again.output
    with services.engine.connect() as connection:
        numbers = connection.execute(text("SELECT number FROM invoices ORDER BY number")).all()
    assert [n for (n,) in numbers] == ["FA-2026-000001", "FA-2026-000002", "FA-2026-000003"]
    assert count(services, "SELECT count(*) FROM outbox") == 3


def test_a_billing_run_whose_connection_dies_at_commit_says_to_check_and_runs_again(
    services: Services, admin: Engine
) -> None:
    """Lost while committing, the outcome cannot be known from here: the message says to look
    before doing it again, and running again is safe (the run is idempotent)."""
    billable_town(services)
    assert services.engine is not None
    with Killer(services.engine, admin, "COMMIT") as killer:
        result = billing_run(services)
    assert killer.killed
    assert result.exit_code == 7, result.output
    assert f"Erreur : {LOST} pendant l'enregistrement" in result.output
    assert "Traceback" not in result.output
    assert count(services, "SELECT count(*) FROM invoices") == 0  # killed before it arrived
    assert billing_run(services).exit_code == 0
    assert count(services, "SELECT count(*) FROM invoices") == 3


# --- A family's confirmation -------------------------------------------------------------------


@pytest.fixture
def client(services: Services) -> FlaskClient:
    return create_app({"TESTING": True}, services=services).test_client()


def validated_summary(services: Services, client: FlaskClient) -> str:
    """A family logged in, with a planning validated for Léa (a Wednesday at the ALSH); the
    summary's address."""
    account = open_family_account(services)
    activate(client, account["activation_url"])
    log_in(client, account["identifier"])
    family_id = int(account["identifier"].rsplit(".", 1)[1])
    with services.ports.uow(read_only=True) as uow:
        family = uow.families.get(family_id)
    assert family is not None
    child = next(c.id for c in family.children if c.first_name == "Léa")
    path = f"/reservations/{child}/ALSH"
    token = csrf(client, f"{path}?mois=2026-09")
    data = {"csrf_token": token, "mois": "2026-09", "creneau": ["2026-09-09|JOURNEE"]}
    validated = client.post(path, data=data)
    assert validated.status_code == 302
    return str(validated.headers["Location"])


BOOKED = {
    "reservations": "SELECT count(*) FROM reservations",
    "history": "SELECT count(*) FROM reservation_events",
    "e-mails": "SELECT count(*) FROM outbox WHERE template = 'reservation_confirmation'",
    "audit": "SELECT count(*) FROM audit_events WHERE action LIKE 'reservation%'",
    "confirmed summaries": "SELECT count(*) FROM planning_drafts WHERE confirmation IS NOT NULL",
}


def booked(services: Services) -> dict[str, int]:
    return {name: count(services, sql) for name, sql in BOOKED.items()}


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO PLACE_LOCKS",
        "INSERT INTO RESERVATION_EVENTS",
        "INSERT INTO OUTBOX",
        "UPDATE PLANNING_DRAFTS",
    ],
)
def test_a_confirmation_whose_connection_dies_books_nothing_and_the_family_confirms_again(
    services: Services, client: FlaskClient, admin: Engine, statement: str
) -> None:
    summary = validated_summary(services, client)
    token = csrf(client, summary)
    before = booked(services)
    assert services.engine is not None
    with Killer(services.engine, admin, statement) as killer:
        answer = client.post(summary.split("?")[0], data={"csrf_token": token})
    assert killer.killed, f"no {statement} was sent"
    page = answer.get_data(as_text=True)
    assert answer.status_code == 503, page
    assert LOST in page
    assert "rien n&#39;a été enregistré" in page or "rien n'a été enregistré" in page
    assert booked(services) == before  # nothing, not even the history or the e-mail

    again = client.post(summary.split("?")[0], data={"csrf_token": token})
    assert again.status_code == 302
    confirmation = client.get(again.headers["Location"]).get_data(as_text=True)
    assert re.search(r"Numéro de confirmation : <strong>R-[A-Z0-9-]+</strong>", confirmation)
    assert booked(services) == {
        "reservations": 1,
        "history": 1,
        "e-mails": 1,
        "audit": before["audit"] + 1,
        "confirmed summaries": 1,
    }


def test_a_confirmation_whose_connection_dies_at_commit_says_to_check_and_books_once(
    services: Services, client: FlaskClient, admin: Engine
) -> None:
    """Lost while committing, the portal cannot know whether the booking was kept: the family
    is told to check before doing it again, and confirming the same summary again books once
    (here the COMMIT never arrived, so the second confirmation is the one that books)."""
    summary = validated_summary(services, client)
    token = csrf(client, summary)
    before = booked(services)
    assert services.engine is not None
    with Killer(services.engine, admin, "COMMIT") as killer:
        answer = client.post(summary.split("?")[0], data={"csrf_token": token})
    assert killer.killed
    page = answer.get_data(as_text=True).replace("&#39;", "'")
    assert answer.status_code == 503, page
    assert f"{LOST} pendant l'enregistrement : vérifiez si l'opération a abouti" in page
    assert "rien n'a été enregistré" not in page
    assert booked(services) == before

    for _ in range(2):  # « Confirmer » again, then once more: one booking
        again = client.post(summary.split("?")[0], data={"csrf_token": token})
        assert again.status_code == 302
    assert booked(services) == {
        "reservations": 1,
        "history": 1,
        "e-mails": 1,
        "audit": before["audit"] + 1,
        "confirmed summaries": 1,
    }
