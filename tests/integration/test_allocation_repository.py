"""Fair allocation's repository on SQLite and PostgreSQL: the campaigns kept by each process
with the catalogue (no query of their own on a booking grid), read again at once after a
change; the requests replaced per child; the decisions kept in draw order."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pendulum
from sqlalchemy import Engine, event

from adapters.persistence import SqlUnitOfWork, create_database_engine
from portail_core.domain.allocation import (
    AllocationRequest,
    Campaign,
    CampaignSettings,
    Decision,
    DrawInputs,
    Outcome,
    Wish,
)
from portail_core.domain.bookings.reservation import PlaceKey, Slot
from portail_core.domain.dossiers.family import Family
from tests.unit.dossier_builders import complete_family

PARIS = "Europe/Paris"
NOW = pendulum.datetime(2027, 5, 2, 9, tz=PARIS)
SUMMER = CampaignSettings.create(
    code="ETE2027",
    label="Été 2027",
    establishment_code="ALSH",
    first_day=date(2027, 7, 5),
    last_day=date(2027, 8, 31),
    requests_from=pendulum.datetime(2027, 5, 1, 8, tz=PARIS),
    requests_until=pendulum.datetime(2027, 5, 15, 18, tz=PARIS),
    priorities=("residence", "both_parents_working"),
    max_days_per_child=10,
)


@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[str]]:
    sent: list[str] = []

    def seen(_connection: object, _cursor: object, statement: str, *_: object) -> None:
        if not statement.startswith("BEGIN"):
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def a_family(engine: Engine) -> Family:
    family = complete_family()
    with SqlUnitOfWork(engine) as uow:
        uow.families.add(family, NOW)
        uow.commit()
    return family


def test_campaigns_cost_no_query_once_kept_and_a_change_is_seen_at_once(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        uow.allocations.add_campaign(Campaign(SUMMER))
        uow.commit()
    with SqlUnitOfWork(engine, read_only=True) as uow:
        uow.catalogue.get()
        (first,) = uow.allocations.campaigns()
    with statements_sent(engine) as sent, SqlUnitOfWork(engine, read_only=True) as uow:
        uow.catalogue.get()  # what a booking grid reads anyway: the token, then nothing
        (kept,) = uow.allocations.campaigns()
    assert len(sent) == 1
    assert (kept.code, kept.seed, kept.settings) == (first.code, first.seed, SUMMER)
    other = create_database_engine(engine.url)
    try:
        with SqlUnitOfWork(other) as uow:  # another process publishes
            campaign = uow.allocations.campaign("ETE2027", for_update=True)
            assert campaign is not None
            campaign.published_at = NOW
            uow.allocations.update_campaign(campaign)
            uow.commit()
    finally:
        other.dispose()
    with SqlUnitOfWork(engine, read_only=True) as uow:
        (seen,) = uow.allocations.campaigns()
    assert seen.published_at == NOW


def test_requests_are_replaced_per_child_and_decisions_kept_in_draw_order(engine: Engine) -> None:
    family = a_family(engine)
    assert family.id is not None
    lea, tom = (c.id for c in family.children)
    assert lea is not None
    assert tom is not None
    days = [date(2027, 7, 5) + timedelta(days=n) for n in range(3)]
    with SqlUnitOfWork(engine) as uow:
        uow.allocations.add_campaign(Campaign(SUMMER))
        for child in (lea, tom):
            asked = [
                AllocationRequest("ETE2027", family.id, child, Slot(d, "JOURNEE"), n, NOW)
                for n, d in enumerate(days, 1)
            ]
            uow.allocations.replace_requests("ETE2027", child, asked)
        uow.allocations.replace_requests(
            "ETE2027",
            lea,
            [AllocationRequest("ETE2027", family.id, lea, Slot(days[2], "MATIN"), 1, NOW)],
        )
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        mine = uow.allocations.requests_of_family("ETE2027", family.id)
        assert [(q.child_id, q.slot.unit_code, q.preference) for q in mine] == sorted(
            [(lea, "MATIN", 1), (tom, "JOURNEE", 1), (tom, "JOURNEE", 2), (tom, "JOURNEE", 3)]
        )
        place = PlaceKey("ALSH", "JOURNEE", days[0], "ELEM")
        decisions = [
            Decision(Wish(family.id, tom, place, 1), Outcome.GRANTED, 1, 3),
            Decision(
                Wish(family.id, lea, place, 1, "Dossier incomplet."),
                Outcome.REFUSED,
                1,
                3,
                reason="Dossier incomplet.",
            ),
            Decision(Wish(family.id, tom, place, 2), Outcome.WAITING, 2, 1, 4),
        ]
        uow.allocations.save_decisions("ETE2027", decisions)
        campaign = uow.allocations.campaign("ETE2027")
        assert campaign is not None
        campaign.drawn_at = NOW
        campaign.draw_inputs = DrawInputs(
            {place: 2},
            {tom: frozenset({Slot(days[1], "MATIN")})},
            tuple(DrawInputs.kept(d.wish) for d in decisions),
            {family.id: 1},
            {"MATIN": frozenset({"JOURNEE"})},
            3,
        )
        uow.allocations.update_campaign(campaign)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:  # read without its snapshot, written back: kept
        light = uow.allocations.campaign("ETE2027")
        assert light is not None
        assert light.draw_inputs is None
        assert [c.draw_inputs for c in uow.allocations.campaigns()] == [None]
        light.published_at = NOW
        uow.allocations.update_campaign(light)
        uow.commit()
    with SqlUnitOfWork(engine, read_only=True) as uow:
        assert uow.allocations.decisions("ETE2027") == decisions
        assert uow.allocations.decisions("ETE2027", family_id=family.id + 1) == []
        stored = uow.allocations.campaign("ETE2027", with_inputs=True)
        assert stored is not None
        assert stored.draw_inputs == campaign.draw_inputs
        assert "Dossier incomplet" not in str(stored.draw_inputs)  # numbers and days only
    with SqlUnitOfWork(engine) as uow:
        uow.allocations.delete_of_family(family.id)
        uow.commit()
    with SqlUnitOfWork(engine, read_only=True) as uow:
        assert uow.allocations.requests("ETE2027") == []
        assert uow.allocations.decisions("ETE2027") == []
