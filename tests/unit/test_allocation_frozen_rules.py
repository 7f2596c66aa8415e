"""The rules of a campaign are frozen once families may ask: reloading the commune file with
other priorities, period, structure or limit is refused (French Conflict naming the campaign and
the key, nothing written); only the label may change, and the window be lengthened before the
close; a campaign in which families asked cannot leave the file; and the draw cannot be
simulated against the real requests while the window is open."""

from __future__ import annotations

from datetime import date

import attrs
import pendulum
import pytest

from adapters.clock import FixedClock
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from portail_core.domain.allocation import CampaignSettings
from portail_core.domain.bookings.reservation import Slot
from portail_core.errors import Conflict, RuleViolation
from portail_core.services.allocation.desk import draw_campaign
from portail_core.services.allocation.family import submit_requests
from portail_core.services.catalogue.offer import load_catalogue
from tests.unit.reservation_world import DESK, FAMILY, World, demo_catalogue, make_world

PARIS = "Europe/Paris"
BEFORE = pendulum.datetime(2026, 5, 1, tz=PARIS)  # the demo's window opens on 1 June 2026
CLOSED = pendulum.datetime(2027, 6, 2, tz=PARIS)  # after the window, even lengthened


def load(
    world: World, at: pendulum.DateTime, *, gone: bool = False, **changed: object
) -> list[str]:
    """The demo's commune file again, its campaign changed so (``gone``: removed)."""
    details = demo_catalogue()[0]
    (summer,) = details.allocations
    settings = attrs.evolve(summer, **changed)
    with world.uow() as uow:
        catalogue = uow.catalogue.get()
    report = load_catalogue(
        InMemoryUnitOfWork(world.store),
        attrs.evolve(details, allocations=() if gone else (settings,)),
        catalogue,
        actor=DESK,
        clock=FixedClock(at),
    )
    return list(report.campaigns)


def settings_of(world: World) -> CampaignSettings:
    with world.uow() as uow:
        (campaign,) = uow.allocations.campaigns()
    return campaign.settings


def ask(world: World) -> None:
    child = world.family().children[0]
    assert child.id is not None
    submit_requests(
        world.uow(),
        world.sources,
        world.clock,
        family_id=world.martin,
        campaign_code="ETE2027",
        child_id=child.id,
        wanted=[Slot(date(2027, 7, 5), "JOURNEE")],
        actor=FAMILY,
    )


FROZEN = [
    ("priorities", ("siblings_placed", "residence")),
    ("max_days_per_child", 10),
    ("first_day", date(2027, 7, 6)),
    ("last_day", date(2027, 8, 20)),
    ("requests_from", pendulum.datetime(2026, 6, 2, 8, tz=PARIS)),
    ("establishment_code", "CANTINE"),
]


@pytest.mark.parametrize(("name", "value"), FROZEN)
def test_from_the_opening_the_rules_cannot_change(name: str, value: object) -> None:
    world = make_world()  # 15 June 2026: the window is open
    before = settings_of(world)
    key = "establishment" if name == "establishment_code" else name
    with pytest.raises(Conflict, match=f"ETE2027 ne peut plus changer de {key}"):
        load(world, world.clock.now(), **{name: value})
    assert settings_of(world) == before


def test_before_the_opening_anything_may_change() -> None:
    world = make_world()
    assert load(world, BEFORE, max_days_per_child=10) == ["campagne ETE2027 modifiée"]
    assert settings_of(world).max_days_per_child == 10


def test_only_the_label_and_a_longer_window_may_change_until_the_close() -> None:
    world = make_world()
    now = world.clock.now()
    longer = pendulum.datetime(2027, 5, 31, 18, tz=PARIS)
    assert load(world, now, label="Été 2027 (ALSH)", requests_until=longer) == [
        "campagne ETE2027 modifiée"
    ]
    with pytest.raises(Conflict, match="requests_until"):
        load(world, now, label="Été 2027 (ALSH)", requests_until=longer.subtract(days=20))
    with pytest.raises(Conflict, match="les demandes sont closes"):
        load(world, CLOSED, requests_until=longer.add(days=1))
    assert load(world, CLOSED, requests_until=longer) == ["campagne ETE2027 modifiée"]


def test_a_campaign_where_families_asked_cannot_leave_the_file() -> None:
    world = make_world()
    ask(world)
    with pytest.raises(Conflict, match="ne peut plus être retirée"):
        load(world, BEFORE, gone=True)
    assert settings_of(world).code == "ETE2027"


def test_the_draw_cannot_be_simulated_while_families_may_ask() -> None:
    world = make_world()
    ask(world)
    with pytest.raises(RuleViolation, match="La simulation n'est possible qu'après la clôture"):
        draw_campaign(
            world.uow(read_only=True),
            world.sources,
            world.clock,
            code="ETE2027",
            dry_run=True,
            actor=DESK,
        )
