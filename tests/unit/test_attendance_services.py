"""The staff's views of reservations (attendance sheet, occupancy, waiting list) and the checks
before the desk books for a family, against the in-memory unit of work on the demo commune."""

from __future__ import annotations

import copy
import functools
from collections import Counter
from datetime import date

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.memory.audit import AuditState
from adapters.memory.store import InMemoryStore
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.bookings.rules import PromotionMode, WaitingListPolicy
from portail_core.domain.bookings.selection import Selection
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.errors import InvalidInput, NotFound
from portail_core.services.attendance.sheets import AttendanceSheet, PickUpPerson, attendance_sheet
from portail_core.services.bookings.confirmation import Confirmation
from portail_core.services.bookings.desk import DeskTarget, desk_target, forced_reason
from portail_core.services.bookings.desk_booking import book_at_desk
from portail_core.services.bookings.occupancy import Occupancy, occupancy, waiting_list_report
from portail_core.services.dossiers.creation import create_family
from tests.unit.dossier_builders import complete_family
from tests.unit.reservation_world import DESK, WEDNESDAY, World, book, make_world

JOURNEE, MATIN = "JOURNEE", "MATIN"


def add_family(world: World, name: str, first_names: tuple[str, str]) -> int:
    """A complete family named ``name`` whose two children have these first names."""
    family = complete_family()
    family.name = name
    family.children = [
        attrs.evolve(child, first_name=first, last_name=name)
        for child, first in zip(family.children, first_names, strict=True)
    ]
    return create_family(world.uow(), family, actor=DESK, clock=world.clock)


def desk(
    world: World, family_id: int, child: str, selection: Selection, **forced: str
) -> Confirmation:
    return book_at_desk(
        world.uow(),
        world.sources,
        world.clock,
        family_id=family_id,
        child_id=world.child_id(child, family_id),
        establishment_code="ALSH",
        selection=selection,
        actor=DESK,
        forced_reason=forced.get("reason"),
    )


def sheet(world: World, day: date = WEDNESDAY, code: str = "ALSH") -> AttendanceSheet:
    return attendance_sheet(world.uow(), code, day, actor=DESK, clock=world.clock)


def test_the_sheet_lists_booked_children_by_unit_then_name_with_their_care() -> None:
    world = make_world()
    desk(world, world.martin, "Léa", book((WEDNESDAY, JOURNEE)))
    desk(world, world.martin, "Tom", book((WEDNESDAY, MATIN)))
    other = add_family(world, "Écrin", ("Zoé", "Adam"))
    desk(world, other, "Zoé", book((WEDNESDAY, JOURNEE)))
    lines = sheet(world).lines
    assert [(line.unit_code, line.child_name) for line in lines] == [
        (JOURNEE, "Zoé Écrin"),  # É sorts with E, before M
        (JOURNEE, "Léa Martin"),
        (MATIN, "Tom Martin"),
    ]
    lea, tom = lines[1], lines[2]
    assert (lea.age_group, lea.school, lea.school_class) == (
        "Élémentaire (6-11 ans)",
        "École de la Plage",
        "CE1",
    )
    assert (lea.family_id, lea.family_name) == (world.martin, "Martin")
    assert not lea.allergies
    assert not lea.pai
    assert lea.pai_instructions == ""
    assert tom.age_group == "Maternelle (3-5 ans)"
    assert tom.allergies
    assert tom.pai
    assert tom.pai_valid_until == date(2027, 7, 4)
    assert tom.pai_instructions == "Trousse d'urgence dans le sac de l'animateur."
    assert lea.pick_up == (PickUpPerson("Josette Dubois", "05 58 09 12 34", "grand-mère"),)


def test_reading_the_sheet_is_audited_without_any_health_value() -> None:
    world = make_world()
    desk(world, world.martin, "Tom", book((WEDNESDAY, MATIN)))
    sheet(world)
    event = world.store.committed(AuditState).audit_events[-1]
    assert event.action == "attendance.sheet"
    assert event.actor == DESK
    assert event.details == {"establishment": "ALSH", "day": "2026-09-09"}
    assert "Accueil de loisirs Les Dunes" in event.summary
    for health in ("Arachide", "Trousse", "PAI"):
        assert health not in repr(event)


def test_cancelled_reservations_and_other_days_are_not_on_the_sheet() -> None:
    world = make_world()
    desk(world, world.martin, "Léa", book((WEDNESDAY, JOURNEE), (date(2026, 9, 16), JOURNEE)))
    desk(world, world.martin, "Tom", book((WEDNESDAY, JOURNEE)))
    desk(world, world.martin, "Tom", Selection(cancel=frozenset({Slot(WEDNESDAY, JOURNEE)})))
    assert [line.child_name for line in sheet(world).lines] == ["Léa Martin"]
    assert sheet(world, date(2026, 9, 23)).lines == ()


@pytest.mark.parametrize(("code", "message"), [("PISCINE", "Aucune structure"), ("SMA", "pré")])
def test_an_unknown_establishment_or_the_sma_has_no_sheet_and_nothing_is_audited(
    code: str, message: str
) -> None:
    world = make_world()
    before = len(world.store.committed(AuditState).audit_events)
    with pytest.raises(NotFound, match=message):
        sheet(world, code=code)
    assert len(world.store.committed(AuditState).audit_events) == before


def with_offers(world: World, hours: int = 48) -> None:
    """The ALSH offers freed places (to accept within ``hours``) instead of booking them."""
    with world.uow() as uow:
        catalogue = uow.catalogue.get()
        alsh = catalogue.establishment("ALSH")
        assert alsh is not None
        policy = WaitingListPolicy(PromotionMode.OFFER, hours)
        units = tuple(
            attrs.evolve(u, rules=attrs.evolve(u.rules, waiting_list=policy)) for u in alsh.units
        )
        changed = attrs.evolve(alsh, units=units)
        establishments = tuple(changed if e.code == "ALSH" else e for e in catalogue.establishments)
        uow.catalogue.replace(Catalogue(catalogue.schools, establishments))
        uow.commit()


def month_of(world: World, month: date = WEDNESDAY) -> Occupancy:
    return occupancy(
        world.uow(read_only=True),
        world.sources,
        world.clock,
        establishment_code="ALSH",
        month=month,
    )


def test_occupancy_gives_each_open_day_and_unit_per_age_group() -> None:
    world = make_world(places=2)
    desk(world, world.martin, "Léa", book((WEDNESDAY, JOURNEE)))
    result = month_of(world)
    assert (result.first, result.last) == (date(2026, 9, 1), date(2026, 9, 30))
    journee = [line for line in result.lines if line.unit_code == JOURNEE]
    assert sorted({line.day for line in journee}) == [
        date(2026, 9, d) for d in (2, 9, 16, 23, 30)
    ]  # the Wednesdays: no school, the ALSH is open
    assert all(line.open for line in result.lines)
    elem = next(line for line in journee if line.day == WEDNESDAY and line.age_group == "ELEM")
    assert (elem.places, elem.booked, elem.offered, elem.free, elem.waiting) == (2, 1, 0, 1, 0)
    assert elem.age_group_label == "Élémentaire (6-11 ans)"
    mat = next(line for line in journee if line.day == WEDNESDAY and line.age_group == "MAT")
    assert (mat.places, mat.booked, mat.free) == (2, 0, 2)


def test_occupancy_counts_the_waiting_list_and_places_held_by_offers() -> None:
    world = make_world(places=1)
    with_offers(world)
    desk(world, world.martin, "Léa", book((WEDNESDAY, JOURNEE)))
    others = [add_family(world, name, ("Inès", "Hugo")) for name in ("Bernard", "Petit")]
    for family in others:
        desk(world, family, "Inès", Selection(wait=frozenset({Slot(WEDNESDAY, JOURNEE)})))

    def elem() -> tuple[int, int, int | None, int]:
        line = next(
            line
            for line in month_of(world).lines
            if line.day == WEDNESDAY and line.unit_code == JOURNEE and line.age_group == "ELEM"
        )
        return line.booked, line.offered, line.free, line.waiting

    assert elem() == (1, 0, 0, 2)
    desk(world, world.martin, "Léa", Selection(cancel=frozenset({Slot(WEDNESDAY, JOURNEE)})))
    assert elem() == (0, 1, 0, 1)  # the place is held for the first family until it answers
    world.clock.advance(pendulum.duration(hours=49))
    assert elem() == (0, 0, 1, 2)  # expired, not yet passed on: the place shows free again


def test_a_closed_day_with_bookings_still_shows_closed() -> None:
    world = make_world()
    desk(world, world.martin, "Léa", book((WEDNESDAY, JOURNEE)))
    with world.uow() as uow:
        catalogue = uow.catalogue.get()
        alsh = catalogue.establishment("ALSH")
        assert alsh is not None
        closure = attrs.evolve(alsh.closures[0], first_day=WEDNESDAY, last_day=WEDNESDAY)
        closed = attrs.evolve(alsh, closures=(*alsh.closures, closure))
        establishments = tuple(closed if e.code == "ALSH" else e for e in catalogue.establishments)
        uow.catalogue.replace(Catalogue(catalogue.schools, establishments))
        uow.commit()
    that_day = [line for line in month_of(world).lines if line.day == WEDNESDAY]
    assert [(line.unit_code, line.age_group, line.open, line.booked) for line in that_day] == [
        (JOURNEE, "ELEM", False, 1)
    ]


DAYS = [date(2026, 9, d) for d in (2, 9, 16)]
requests = st.lists(
    st.tuples(
        st.sampled_from(["book", "cancel", "wait"]),
        st.integers(0, 3),  # which family
        st.sampled_from(["Léa", "Tom"]),
        st.sampled_from(DAYS),
        st.sampled_from([JOURNEE, MATIN]),
    ),
    max_size=8,
)


@functools.cache
def four_families() -> tuple[World, list[int]]:
    """Built once: copied for each example (the demo commune takes a while to load)."""
    world = make_world(places=2)
    families = [world.martin] + [
        add_family(world, name, ("Léa", "Tom")) for name in ("Bernard", "Petit", "Roux")
    ]
    return world, families


@settings(max_examples=15)  # each example books through the in-memory twin: ~0.4 s
@given(requests)
def test_occupancy_and_the_attendance_sheets_agree_whatever_the_desk_did(
    steps: list[tuple[str, int, str, date, str]],
) -> None:
    base, families = four_families()
    world = attrs.evolve(base, store=InMemoryStore(copy.deepcopy(base.store.states)))
    for request, which, child, day, unit in steps:
        slot = frozenset({Slot(day, unit)})
        selection = Selection(**{request: slot})
        desk(world, families[which], child, selection)
    lines = month_of(world).lines
    for day in DAYS:
        on_sheet = Counter((line.unit_code, line.age_group) for line in sheet(world, day).lines)
        for line in (line for line in lines if line.day == day):
            assert line.booked == on_sheet[(line.unit_code, line.age_group_label)]
            assert line.places is not None
            assert line.places == 2 or line.unit_code != JOURNEE
            assert line.booked <= line.places  # capacity holds whatever the order of requests
            assert line.free == line.places - line.booked - line.offered


def test_occupancy_of_an_unknown_establishment_is_not_found() -> None:
    world = make_world()
    with pytest.raises(NotFound):
        occupancy(
            world.uow(read_only=True),
            world.sources,
            world.clock,
            establishment_code="NULLE-PART",
            month=WEDNESDAY,
        )


def test_the_waiting_list_report_names_each_child_with_its_position() -> None:
    world = make_world(places=1)
    desk(world, world.martin, "Léa", book((WEDNESDAY, JOURNEE)))
    first = add_family(world, "Bernard", ("Inès", "Hugo"))
    second = add_family(world, "Petit", ("Jade", "Noé"))
    desk(world, first, "Inès", Selection(wait=frozenset({Slot(WEDNESDAY, JOURNEE)})))
    desk(world, second, "Jade", Selection(wait=frozenset({Slot(WEDNESDAY, JOURNEE)})))
    lines = waiting_list_report(
        world.uow(read_only=True), establishment_code="ALSH", first=WEDNESDAY, last=WEDNESDAY
    )
    assert [(line.position, line.child_name, line.family_name) for line in lines] == [
        (1, "Inès Bernard", "Bernard"),
        (2, "Jade Petit", "Petit"),
    ]
    assert lines[0].unit_label == "Journée avec repas"
    assert lines[0].establishment_name == "Accueil de loisirs Les Dunes"
    everywhere = waiting_list_report(
        world.uow(read_only=True), establishment_code=None, first=WEDNESDAY, last=WEDNESDAY
    )
    assert len(everywhere) == 2


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (date(2026, 9, 2), date(2026, 9, 1), "précède"),
        (date(2026, 1, 1), date(2027, 6, 1), "trop longue"),
    ],
)
def test_the_waiting_list_report_refuses_a_wrong_period(
    first: date, last: date, message: str
) -> None:
    world = make_world()
    with pytest.raises(InvalidInput, match=message):
        waiting_list_report(world.uow(), establishment_code="ALSH", first=first, last=last)


def target(
    world: World, family_id: int, child_id: int, units: tuple[str, ...] = (JOURNEE,)
) -> DeskTarget:
    return desk_target(
        world.uow(read_only=True),
        family_id=family_id,
        child_id=child_id,
        establishment_code="ALSH",
        unit_codes=units,
    )


def test_the_desk_target_names_the_family_child_and_establishment() -> None:
    world = make_world()
    found = target(world, world.martin, world.child_id("Léa"))
    assert (found.family_name, found.child_name) == ("Martin", "Léa Martin")
    assert found.establishment.code == "ALSH"


def test_the_desk_target_refuses_unknown_families_children_and_units() -> None:
    world = make_world()
    other = world.add_family()
    with pytest.raises(NotFound, match="Aucune famille n° 99"):
        target(world, 99, 1)
    with pytest.raises(NotFound, match=r"n'a pas d'enfant n° \d+ \(ses enfants : n° 1 Léa"):
        target(world, world.martin, world.child_id("Léa", other))
    with pytest.raises(InvalidInput, match=r"Unité inconnue .* « SOIR »"):
        target(world, world.martin, world.child_id("Léa"), (JOURNEE, "SOIR"))


@pytest.mark.parametrize("reason", ["", "   ", "abc", "x" * 301, "appel\x00 de la mère"])
def test_a_forced_reason_is_one_readable_line_of_5_to_300_characters(reason: str) -> None:
    with pytest.raises(InvalidInput):
        forced_reason(reason)


def test_a_forced_reason_has_its_spaces_folded() -> None:
    assert forced_reason("  Enfant   hospitalisé ") == "Enfant hospitalisé"
