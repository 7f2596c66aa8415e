"""The audit trail on memory, SQLite and PostgreSQL: instants, actors and details survive."""

import pendulum

from portail_core.domain.audit import Actor, AuditEvent, Channel
from tests.integration.conftest import UowFactory


def event(n: int, at: pendulum.DateTime) -> AuditEvent:
    return AuditEvent(
        at=at,
        actor=Actor.staff("mdupont"),
        action="catalogue.load",
        summary=f"Chargement {n} : « Cantine » modifiée",
        details={"updated": ["CANTINE-PLAGE"], "n": n, "old_new": ["Repas", "Déjeuner"]},
    )


def test_events_read_back_newest_first_with_their_utc_instant(new_uow: UowFactory) -> None:
    # 02:30 on the night clocks go back: the second of the two 02:30s, 01:30 UTC.
    ambiguous = pendulum.datetime(2026, 10, 25, 1, 30, tz="UTC").in_timezone("Europe/Paris")
    with new_uow() as uow:
        uow.audit.record(event(1, pendulum.datetime(2026, 10, 24, 8, 0, tz="Europe/Paris")))
        uow.audit.record(event(2, ambiguous))
        uow.commit()
    with new_uow(read_only=True) as uow:
        latest = uow.audit.latest(10)
    assert [e.details["n"] for e in latest] == [2, 1]
    assert latest[0].at == pendulum.datetime(2026, 10, 25, 1, 30, tz="UTC")
    assert latest[0].at.timezone_name == "UTC"
    assert latest[1].at == pendulum.datetime(2026, 10, 24, 6, 0, tz="UTC")
    assert latest[0].actor == Actor("mdupont", Channel.DESK)
    assert latest[0].summary == "Chargement 2 : « Cantine » modifiée"
    assert latest[0].details["old_new"] == ["Repas", "Déjeuner"]


def test_an_event_is_lost_with_the_change_it_describes(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        uow.audit.record(event(1, pendulum.datetime(2026, 10, 24, 8, 0, tz="UTC")))
    with new_uow(read_only=True) as uow:
        assert uow.audit.latest(10) == []


def test_latest_respects_its_limit(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        for n in range(5):
            uow.audit.record(event(n, pendulum.datetime(2026, 1, 1, 8, n, tz="UTC")))
        uow.commit()
    with new_uow(read_only=True) as uow:
        assert [e.details["n"] for e in uow.audit.latest(2)] == [4, 3]
