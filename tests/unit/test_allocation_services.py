"""Fair allocation's use cases on the in-memory adapters: the demo town's summer campaign, two
families (residents first), requests in the window, the grid refusing the campaign's days, the
draw after the close (once), its verification, the publication and each family's results."""

from __future__ import annotations

from datetime import date

import attrs
import pendulum
import pytest

from adapters.clock import FixedClock
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from portail_core.domain.allocation import Outcome
from portail_core.domain.bookings.reservation import Slot
from portail_core.errors import RuleViolation
from portail_core.services.allocation.desk import draw_campaign
from portail_core.services.allocation.family import results_for, submit_requests
from portail_core.services.allocation.publish import publish_campaign
from portail_core.services.bookings.validation import validate_planning
from portail_core.services.catalogue.offer import load_catalogue
from portail_core.services.dossiers.creation import create_family
from tests.unit.dossier_builders import complete_family
from tests.unit.reservation_world import DESK, FAMILY, World, book, demo_catalogue, make_world

CLOSED = pendulum.datetime(2026, 6, 21, 9, tz="Europe/Paris")  # the dossiers still complete
DAYS = [date(2027, 7, 5), date(2027, 7, 6)]


@pytest.fixture
def world() -> World:
    """One place per age group a day; the demo campaign's window closes on 20 June 2026."""
    world = make_world(places=1)
    with world.uow() as uow:
        (summer,) = uow.allocations.campaigns()
    details = attrs.evolve(
        demo_catalogue()[0],
        allocations=(
            attrs.evolve(
                summer.settings, requests_until=pendulum.datetime(2026, 6, 20, tz="Europe/Paris")
            ),
        ),
    )
    with world.uow() as uow:
        catalogue = uow.catalogue.get()
    before_the_window = FixedClock(pendulum.datetime(2026, 5, 1, tz="Europe/Paris"))
    load_catalogue(
        InMemoryUnitOfWork(world.store), details, catalogue, actor=DESK, clock=before_the_window
    )
    return world


def ask(world: World, family_id: int) -> None:
    for child in world.family(family_id).children:
        assert child.id is not None
        submit_requests(
            world.uow(),
            world.sources,
            world.clock,
            family_id=family_id,
            campaign_code="ETE2027",
            child_id=child.id,
            wanted=[Slot(day, "JOURNEE") for day in DAYS],
            actor=FAMILY,
        )


def test_a_campaign_from_requests_to_results(world: World) -> None:
    outsider = create_family(
        world.uow(), attrs.evolve(complete_family(), resident=False), actor=DESK, clock=world.clock
    )
    ask(world, outsider)  # asking first gives no advantage
    ask(world, world.martin)
    lea = world.child_id("Léa")
    grid = validate_planning(
        world.uow(),
        world.sources,
        world.clock,
        family_id=world.martin,
        child_id=lea,
        establishment_code="ALSH",
        selection=book((date(2027, 7, 7), "JOURNEE")),
    )
    assert "tirage au sort" in grid.summary.refused[0].reason
    with pytest.raises(RuleViolation, match="encore ouvertes"):
        draw_campaign(
            world.uow(), world.sources, world.clock, code="ETE2027", dry_run=False, actor=DESK
        )

    world.clock.set(CLOSED)
    report = draw_campaign(
        world.uow(), world.sources, world.clock, code="ETE2027", dry_run=False, actor=DESK
    )
    granted = [o for o in report.outcomes if o.outcome is Outcome.GRANTED]
    assert granted
    assert {o.priority_class for o in granted} == {1}
    # one place a day for both Martin children (the same age group): Léa, then Tom waits
    assert {o.priority_class for o in report.outcomes if o.outcome is Outcome.WAITING} == {1, 4}
    again = draw_campaign(
        world.uow(read_only=True),
        world.sources,
        world.clock,
        code="ETE2027",
        dry_run=True,
        actor=DESK,
    )
    assert again.matches is True
    with pytest.raises(RuleViolation, match="second tirage"):
        draw_campaign(
            world.uow(), world.sources, world.clock, code="ETE2027", dry_run=False, actor=DESK
        )
    assert (
        results_for(
            world.uow(read_only=True), world.clock, family_id=world.martin, campaign_code="ETE2027"
        )
        == []
    )

    published = publish_campaign(
        world.uow(), world.sources, world.clock, code="ETE2027", actor=DESK
    )
    assert published.families_emailed == 2
    mine = results_for(
        world.uow(read_only=True), world.clock, family_id=world.martin, campaign_code="ETE2027"
    )
    by_child = {(r.child_name, r.slot.day): r for r in mine}
    assert by_child[("Léa", DAYS[0])].explanation == (
        "priorité 1, rang 1 au tirage : place attribuée (choix n° 1)"
    )
    assert by_child[("Tom", DAYS[1])].explanation == (
        "priorité 1, rang 1 au tirage : complet, liste d'attente rang 1"
    )
    granted_to_martin = [r for r in mine if r.outcome is Outcome.GRANTED]
    with world.uow(read_only=True) as uow:
        assert len(uow.reservations.of_family(world.martin)) == len(granted_to_martin)
        waiting = uow.waiting_list.ranked("ALSH", DAYS[0], DAYS[-1], family_id=outsider)
        assert sorted(position for _, position in waiting) == [2, 2, 3, 3]  # after Tom
    with pytest.raises(RuleViolation, match="déjà publiée"):
        publish_campaign(world.uow(), world.sources, world.clock, code="ETE2027", actor=DESK)
