"""A family accepts an establishment's règlement intérieur in the version in force: after the
town publishes a new one, bookings are refused until it is accepted, recorded once, audited."""

from __future__ import annotations

import attrs
import pytest

from adapters.memory import InMemoryUnitOfWork
from adapters.memory.audit import AuditState
from portail_core.domain.audit import AuditEvent
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.errors import NotFound, RuleViolation
from portail_core.services.catalogue.offer import load_catalogue
from portail_core.services.dossiers.regulations import accept_regulation
from tests.unit.reservation_world import DESK, WEDNESDAY, World, book, demo_catalogue, make_world
from tests.unit.test_reservation_services import validate


def publish(world: World, code: str, version: str | None) -> None:
    """The town loads its catalogue again with a new version of one regulation."""
    details, catalogue = demo_catalogue()
    changed = tuple(
        attrs.evolve(e, regulation=version) if e.code == code else e
        for e in catalogue.establishments
    )
    load_catalogue(
        InMemoryUnitOfWork(world.store),
        details,
        Catalogue(catalogue.schools, changed),
        actor=DESK,
        clock=world.clock,
    )


def refusals(world: World) -> list[str]:
    validation = validate(world, book((WEDNESDAY, "JOURNEE")))
    return [line.reason for line in validation.summary.refused]


def accept(world: World, code: str = "ALSH", **options: str):
    return accept_regulation(
        world.uow(),
        world.clock,
        family_id=world.martin,
        establishment_code=code,
        actor=DESK,
        **options,
    )


def accepted_events(world: World) -> list[AuditEvent]:
    return [
        e for e in world.store.committed(AuditState).audit_events if e.action == "regulation.accept"
    ]


def test_a_new_version_blocks_bookings_until_the_family_accepts_it() -> None:
    world = make_world()
    assert refusals(world) == []  # the demo family accepted 2026-1
    publish(world, "ALSH", "2026-2")
    assert ["règlement intérieur" in reason for reason in refusals(world)] == [True]
    done = accept(world, version="2026-2")
    assert (done.establishment_name, done.version, done.already) == (
        "Accueil de loisirs Les Dunes",
        "2026-2",
        False,
    )
    assert refusals(world) == []
    consents = [(c.establishment_code, c.version) for c in world.family().consents]
    assert consents[-1] == ("ALSH", "2026-2")
    assert ("ALSH", "2026-1") in consents  # the history of what was signed is kept
    [event] = accepted_events(world)
    assert event.actor == DESK
    assert event.family_id == world.martin
    assert event.details == {"establishment": "ALSH", "version": ["2026-1", "2026-2"]}


def test_accepting_again_records_nothing() -> None:
    world = make_world()
    done = accept(world)
    assert done.already
    assert accepted_events(world) == []


def test_a_version_other_than_the_one_in_force_is_refused() -> None:
    world = make_world()
    publish(world, "ALSH", "2026-3")
    with pytest.raises(RuleViolation, match="la version en vigueur est la 2026-3"):
        accept(world, version="2026-2")
    assert accepted_events(world) == []
    assert not world.family().has_accepted("ALSH", "2026-3")


def test_an_establishment_without_regulation_or_unknown_and_an_unknown_family() -> None:
    world = make_world()
    with pytest.raises(RuleViolation, match="n'a pas de règlement intérieur"):
        accept(world, "SMA")
    with pytest.raises(NotFound, match="Aucune structure « NULLE »"):
        accept(world, "NULLE")
    with pytest.raises(NotFound, match="Aucune famille n° 999"):
        accept_regulation(
            world.uow(), world.clock, family_id=999, establishment_code="ALSH", actor=DESK
        )
