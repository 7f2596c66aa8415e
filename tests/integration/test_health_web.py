"""``GET /sante``: the probe's JSON on SQLite through Flask's test client; the outbox backlog on
the twin and the real databases."""

import shutil
from pathlib import Path

import pendulum
from flask.testing import FlaskClient

from adapters.clock import FixedClock
from adapters.persistence import downgrade, upgrade
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.settings import Settings
from entrypoints.web import create_app
from portail_core.domain.messaging import EmailStatus, OutboxBacklog, OutgoingEmail
from tests.integration.conftest import UowFactory
from tests.integration.test_auth_web import (  # noqa: F401  (fixtures reused)
    client,
    clock,
    open_family_account,
    services,
)

QUEUED = pendulum.datetime(2026, 9, 1, 8, 0, tz="UTC")


def test_a_healthy_portal_answers_200_with_its_outbox_backlog(
    client: FlaskClient, services: Services, clock: FixedClock
) -> None:
    open_family_account(services)  # its activation e-mail waits in the outbox
    response = client.get("/sante")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    report = response.get_json()
    assert report["statut"] == "ok"
    assert report["base_de_donnees"] == "joignable"
    assert report["schema_a_jour"] is True
    assert report["revision"] == report["revision_attendue"]
    assert report["courriels_en_attente"] == 1
    assert report["plus_ancien_en_attente_secondes"] == 0  # queued at the fixed clock's now
    clock.advance(pendulum.duration(minutes=5))
    assert client.get("/sante").get_json()["plus_ancien_en_attente_secondes"] == 300
    assert "@" not in response.get_data(as_text=True)  # no address, no personal data


def test_a_schema_behind_the_code_answers_503(sqlite_settings: Settings) -> None:
    services = bootstrap(sqlite_settings, create_database=True)
    try:
        assert services.engine is not None
        upgrade(services.engine)
        downgrade(services.engine, "0021")
        response = create_app({"TESTING": True}, services=services).test_client().get("/sante")
    finally:
        services.close()
    assert response.status_code == 503
    report = response.get_json()
    assert report["statut"] == "en panne"
    assert report["base_de_donnees"] == "joignable"
    assert report["schema_a_jour"] is False
    assert report["revision"] == "0021"
    assert "courriels_en_attente" not in report


def test_an_unreachable_database_answers_503(
    sqlite_settings: Settings, instance_path: Path
) -> None:
    services = bootstrap(sqlite_settings, create_database=True)
    try:
        assert services.engine is not None
        upgrade(services.engine)
        app = create_app({"TESTING": True}, services=services)
        services.engine.dispose()
        shutil.rmtree(instance_path)  # the database gone under the portal's feet
        response = app.test_client().get("/sante")
    finally:
        services.close()
    assert response.status_code == 503
    report = response.get_json()
    assert report["base_de_donnees"] == "injoignable"
    assert report["statut"] == "en panne"


def test_the_backlog_counts_the_messages_not_sent_nor_given_up(new_uow: UowFactory) -> None:
    with new_uow(read_only=True) as reading:
        assert reading.outbox.backlog() == OutboxBacklog(0, None)
    with new_uow() as uow:
        for minutes, status in ((0, EmailStatus.SENT), (10, EmailStatus.PENDING)):
            message = OutgoingEmail(
                "x@example.fr", "account_activation", {}, QUEUED.add(minutes=minutes)
            )
            message.status = status
            uow.outbox.add(message)
        uow.outbox.add(OutgoingEmail("y@example.fr", "account_activation", {}, QUEUED.add(hours=1)))
        uow.commit()
    with new_uow(read_only=True) as reading:
        backlog = reading.outbox.backlog()
    assert backlog == OutboxBacklog(2, QUEUED.add(minutes=10))
    assert backlog.oldest_age_seconds(QUEUED.add(minutes=11)) == 60
