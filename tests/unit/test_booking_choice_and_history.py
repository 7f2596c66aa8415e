"""Steps 2 to 4 on one screen (the child, the establishment, why a pair is refused) and the
history as the family sees it (names, not codes; a deadline lifted by the desk, not the
agent's reason), against the in-memory unit of work on the demo commune."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from adapters.memory.audit import AuditState
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.bookings.reservation import EventKind, ReservationEvent, Slot
from portail_core.domain.bookings.selection import Selection
from portail_core.domain.catalogue.eligibility import establishment_refusal
from portail_core.errors import RuleViolation
from portail_core.services.bookings import notices
from portail_core.services.bookings.choice import booking_choices
from portail_core.services.bookings.desk_booking import book_at_desk
from portail_core.services.bookings.history import child_history, family_history
from portail_core.services.bookings.planning import show_planning
from tests.unit.reservation_world import DESK, NOW, WEDNESDAY, World, book, make_world

REASON = "Enfant hospitalisé, appel de la mère"


def move_to_school(world: World, first_name: str, school: str) -> None:
    with world.uow() as uow:
        family = uow.families.get(world.martin)
        assert family is not None
        index = next(i for i, c in enumerate(family.children) if c.first_name == first_name)
        family.children[index] = attrs.evolve(family.children[index], school_code=school)
        uow.families.update(family, NOW)
        uow.commit()


def at_desk(world: World, selection: Selection, *, reason: str | None = None) -> None:
    book_at_desk(
        world.uow(),
        world.sources,
        world.clock,
        family_id=world.martin,
        child_id=world.child_id("Léa"),
        establishment_code="ALSH",
        selection=selection,
        actor=DESK,
        forced_reason=reason,
    )


def test_the_choice_offers_every_establishment_open_to_one_child_at_least() -> None:
    world = make_world()
    move_to_school(world, "Tom", "PINS")
    choices = booking_choices(world.uow(read_only=True), world.martin)
    assert [c.first_name for c in choices.children] == ["Léa", "Tom"]
    codes = [e.code for e in choices.establishments]
    assert codes == ["ALSH", "APS-PLAGE", "CANTINE-PLAGE", "APS-PINS", "CANTINE-PINS", "EMS"]
    pins = choices.establishment("APS-PINS")
    assert pins is not None
    assert [c.first_name for c in choices.children_for(pins)] == ["Tom"]


def test_a_child_of_another_school_is_refused_with_a_reason_naming_the_establishment() -> None:
    world = make_world()
    move_to_school(world, "Tom", "PINS")
    choices = booking_choices(world.uow(read_only=True), world.martin)
    lea = choices.child(world.child_id("Léa"))
    pins, alsh = choices.establishment("APS-PINS"), choices.establishment("ALSH")
    assert lea is not None
    assert pins is not None
    assert alsh is not None
    assert choices.refusal(lea, pins) == (
        "Léa n'est pas élève de l'école que dessert « Accueil périscolaire de l'école des Pins »."
    )
    assert choices.refusal(lea, alsh) is None


def test_the_sma_takes_no_reservation_on_the_portal() -> None:
    world = make_world()
    with world.uow() as uow:
        sma = uow.catalogue.get().establishment("SMA")
    assert sma is not None
    refusal = establishment_refusal(world.family().children[0].facts(), sma)
    assert refusal is not None
    assert "ne prend pas de réservations sur le portail" in refusal


def test_a_planning_kept_from_before_is_refused_for_a_pair_no_longer_allowed() -> None:
    world = make_world()
    with pytest.raises(RuleViolation, match="n'est pas élève de l'école que dessert"):
        show_planning(
            world.uow(read_only=True),
            world.sources,
            world.clock,
            family_id=world.martin,
            child_id=world.child_id("Léa"),
            establishment_code="APS-PINS",
            first=date(2026, 9, 7),
            last=date(2026, 9, 11),
        )


def test_the_familys_history_names_the_establishment_and_the_unit() -> None:
    world = make_world()
    at_desk(world, book((WEDNESDAY, "JOURNEE")))
    (line,) = family_history(
        world.uow(read_only=True), family_id=world.martin, child_id=world.child_id("Léa")
    )
    assert (line.kind, line.day) == (EventKind.BOOKED, WEDNESDAY)
    assert (line.establishment, line.unit) == ("Accueil de loisirs Les Dunes", "Journée avec repas")
    assert line.by == "le guichet unique"
    assert line.confirmation.startswith("R-")


def test_a_deadline_lifted_by_the_desk_is_told_to_the_family_without_the_agents_words() -> None:
    world = make_world()
    at_desk(world, book((WEDNESDAY, "JOURNEE")), reason=REASON)
    (line,) = family_history(
        world.uow(read_only=True), family_id=world.martin, child_id=world.child_id("Léa")
    )
    assert line.by == "le guichet unique, par dérogation aux délais"
    assert not any(REASON in str(value) for value in attrs.astuple(line))
    (event,) = child_history(world.uow(), family_id=world.martin, child_id=world.child_id("Léa"))
    assert event.reason == REASON  # the whole record keeps it, for staff
    audit = world.store.committed(AuditState).audit_events[-1]
    assert audit.action == "reservation.forced"
    assert audit.summary.endswith(f"par dérogation aux délais : {REASON}")
    assert audit.details["forced_reason"] == REASON


@pytest.mark.parametrize(
    ("actor", "reason", "shown"),
    [
        (Actor("martin.1", Channel.PORTAL), "", "vous, sur le portail"),
        (DESK, "", "le guichet unique"),
        (DESK, REASON, "le guichet unique, par dérogation aux délais"),
        (Actor.system("liste d'attente"), "", "le portail (automatique)"),
    ],
)
def test_who_acted_as_the_family_reads_it(actor: Actor, reason: str, shown: str) -> None:
    event = ReservationEvent(
        NOW, actor, EventKind.BOOKED, 1, 1, "ALSH", "JOURNEE", WEDNESDAY, "R-AAAA-BBBB", reason
    )
    assert notices.author_for_family(event) == shown


def test_a_unit_no_longer_in_the_catalogue_keeps_its_code() -> None:
    world = make_world()
    at_desk(world, Selection(book=frozenset({Slot(WEDNESDAY, "MATIN")})))
    with world.uow() as uow:
        catalogue = uow.catalogue.get()
        alsh = catalogue.establishment("ALSH")
        assert alsh is not None
        units = tuple(u for u in alsh.units if u.code != "MATIN")
        uow.catalogue.replace(
            attrs.evolve(
                catalogue,
                establishments=tuple(
                    attrs.evolve(e, units=units) if e.code == "ALSH" else e
                    for e in catalogue.establishments
                ),
            )
        )
        uow.commit()
    (line,) = family_history(
        world.uow(read_only=True), family_id=world.martin, child_id=world.child_id("Léa")
    )
    assert (line.establishment, line.unit) == ("Accueil de loisirs Les Dunes", "MATIN")
