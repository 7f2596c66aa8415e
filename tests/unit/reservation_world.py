"""A world for the reservation tests: the demo commune loaded in memory, the Martin family
(complete for 2026-2027) and other families to fill places, on 15 June 2026."""

from __future__ import annotations

from datetime import date
from importlib.resources import files

import attrs
import pendulum

from adapters.calendars import shipped_school_calendar
from adapters.clock import FixedClock
from adapters.commune_file import read_commune_file
from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from adapters.public_holidays import FrenchPublicHolidays
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.bookings.selection import Selection
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.dossiers.family import Family
from portail_core.ports.catalogue import CalendarSources
from portail_core.services.catalogue.offer import CommuneDetails, load_catalogue
from portail_core.services.dossiers.creation import create_family
from tests.unit.dossier_builders import complete_family

NOW = pendulum.datetime(2026, 6, 15, 10, 0, tz="Europe/Paris")
WEDNESDAY = date(2026, 9, 9)  # a Wednesday without school: the ALSH is open
FAMILY = Actor("martin.1", Channel.PORTAL)
DESK = Actor.staff("agent")


def sources() -> CalendarSources:
    return CalendarSources(shipped_school_calendar(), FrenchPublicHolidays())


def demo_catalogue() -> tuple[CommuneDetails, Catalogue]:
    text = (files("entrypoints.demo") / "commune-demo.toml").read_text("utf-8")
    demo = read_commune_file(text)
    return demo.details, demo.catalogue


def with_places(catalogue: Catalogue, establishment: str, unit: str, places: int) -> Catalogue:
    """The catalogue with ``places`` for every age group of one unit."""
    chosen = catalogue.establishment(establishment)
    assert chosen is not None
    units = tuple(
        attrs.evolve(
            u,
            age_groups=tuple(attrs.evolve(g, places=places) for g in u.age_groups),
            places=places if not u.age_groups else None,
            capacity_overrides=(),
        )
        if u.code == unit
        else u
        for u in chosen.units
    )
    changed = attrs.evolve(chosen, units=units)
    return Catalogue(
        catalogue.schools,
        tuple(changed if e.code == establishment else e for e in catalogue.establishments),
    )


@attrs.define
class World:
    store: InMemoryStore
    clock: FixedClock
    sources: CalendarSources
    martin: int

    def uow(self, *, read_only: bool = False) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store, read_only=read_only)

    def family(self, family_id: int | None = None) -> Family:
        with self.uow() as uow:
            found = uow.families.get(family_id or self.martin)
        assert found is not None
        return found

    def child_id(self, first_name: str, family_id: int | None = None) -> int:
        child = next(c for c in self.family(family_id).children if c.first_name == first_name)
        assert child.id is not None
        return child.id

    def add_family(self) -> int:
        return create_family(self.uow(), complete_family(), actor=DESK, clock=self.clock)


def make_world(*, places: int | None = None) -> World:
    """``places``: the ALSH's "Journée" gets that many places per age group."""
    store = InMemoryStore()
    clock = FixedClock(NOW)
    details, catalogue = demo_catalogue()
    if places is not None:
        catalogue = with_places(catalogue, "ALSH", "JOURNEE", places)
    load_catalogue(InMemoryUnitOfWork(store), details, catalogue, actor=DESK, clock=clock)
    martin = create_family(InMemoryUnitOfWork(store), complete_family(), actor=DESK, clock=clock)
    return World(store, clock, sources(), martin)


def book(*slots: tuple[date, str]) -> Selection:
    return Selection(book=frozenset(Slot(day, unit) for day, unit in slots))
