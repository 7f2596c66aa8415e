"""``portail waiting-room status|open|auto|off`` through click's CliRunner, on SQLite and
PostgreSQL: the room as migrated; opened early with a capacity and an hour (families queue,
nobody enters before it); automatic (admission starts); off (asked for, or --yes); the status
for people and as JSON; each change audited with what changed; bad input refused in French
with exit code 2, changing nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pendulum
import pytest
from click.testing import CliRunner, Result

from adapters.clock import FixedClock
from entrypoints.bootstrap import Services, bootstrap
from entrypoints.cli import main
from entrypoints.settings import Settings
from tests.integration.test_waiting_room_repository import accounts

NOW = pendulum.datetime(2026, 6, 15, 7, 30, tz="Europe/Paris")


@pytest.fixture
def services(database_url: str, sqlite_settings: Settings) -> Iterator[Services]:
    settings = Settings.from_env(
        {
            "PORTAIL_INSTANCE_PATH": str(sqlite_settings.instance_path),
            "PORTAIL_DATABASE_URL": database_url,
            "PORTAIL_SECRET_KEY": "k" * 40,
        }
    )
    found = bootstrap(settings, clock=FixedClock(NOW), create_database=True)
    found.upgrade_database()
    yield found
    found.close()


def run(services: Services, *args: str, answer: str | None = None) -> Result:
    return CliRunner().invoke(main, ["waiting-room", *args], obj=services, input=answer)


def status(services: Services) -> dict[str, Any]:
    result = run(services, "status", "--format", "json")
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.output)
    return found


def audited(services: Services) -> list[Any]:
    return [e for e in services.portail.audit.latest(100) if e.action.startswith("waiting_room.")]


def test_the_room_is_automatic_for_200_families_until_the_desk_changes_it(
    services: Services,
) -> None:
    shown = run(services, "status")
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[:4] == [
        "Salle d'attente : automatique.",
        "Capacité : 200 famille(s) dans les réservations en même temps ; place gardée 5 min "
        "sans page.",
        "Dans les réservations : 0 ; dans la file : 0 ; revenues pour réserver encore : 0.",
        "Entrées récentes : aucune mesurée ; attente du dernier de la file : —.",
    ]
    assert status(services)["mode"] == "auto"


def test_opened_early_families_queue_until_the_desk_starts_admission(services: Services) -> None:
    opened = run(
        services, "open", "--capacity", "2", "--lease", "10", "--admit-from", "15/06/2026 08:00"
    )
    assert opened.exit_code == 0, opened.output
    assert "Salle d'attente : ouverte en avance." in opened.output
    assert (
        "Personne n'entre encore : les entrées commencent le lundi 15 juin 2026 à 8h00."
        in opened.output
    )
    ids = accounts(services.ports.uow, 3)
    assert [services.portail.waiting_room.enter(account_id=a) for a in ids] == [False] * 3
    early = status(services)
    assert {k: early[k] for k in ("mode", "capacity", "lease_minutes", "admitting")} == {
        "mode": "open",
        "capacity": 2,
        "lease_minutes": 10,
        "admitting": False,
    }
    assert early["admit_from"] == "2026-06-15T06:00:00+00:00"
    assert (early["inside"], early["waiting"]) == (0, 3)

    started = run(services, "auto")
    assert started.exit_code == 0, started.output
    assert "Dans les réservations : 2 ; dans la file : 1" in started.output
    assert [services.portail.waiting_room.enter(account_id=a) for a in ids] == [
        True,
        True,
        False,
    ]
    assert status(services)["admit_from"] is None

    refused = run(services, "off", answer="n\n")
    assert refused.exit_code == 1
    assert status(services)["waiting"] == 1
    stopped = run(services, "off", "--yes")
    assert stopped.exit_code == 0, stopped.output
    assert stopped.output.startswith("Salle d'attente : arrêtée.\nToutes les familles entrent")
    assert (status(services)["inside"], status(services)["waiting"]) == (0, 0)
    events = audited(services)
    assert [e.action for e in events] == [
        "waiting_room.off",
        "waiting_room.auto",
        "waiting_room.open",
    ]
    assert events[0].details == {"changes": {"mode": ["auto", "off"]}, "cleared": 3}
    assert events[2].details["changes"]["capacity"] == [200, 2]
    assert events[2].actor.channel.value == "guichet"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("open", "--capacity", "0"), "--capacity"),
        (("auto", "--capacity", "100001"), "--capacity"),
        (("auto", "--lease", "61"), "--lease"),
        (
            ("open", "--admit-from", "demain matin"),
            "« demain matin » n'est pas un jour et une heure",
        ),
        (("open", "--admit-from", "31/02/2026 08:00"), "n'est pas un jour et une heure"),
        (("auto", "--admit-from", "15/06/2026 08:00"), "--admit-from"),
        (("status", "--format", "csv"), "--format"),
    ],
)
def test_bad_input_is_refused_in_french_and_changes_nothing(
    services: Services, args: tuple[str, ...], message: str
) -> None:
    result = run(services, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert status(services)["capacity"] == 200
    assert audited(services) == []
