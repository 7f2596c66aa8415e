"""Properties of capacity and the waiting list under any sequence of family actions."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.memory.bookings import BookingState
from portail_core.domain.bookings.reservation import ReservationStatus, Slot, WaitingStatus
from portail_core.domain.bookings.selection import Selection, validate_selection
from portail_core.services.bookings.confirmation import confirm_planning
from portail_core.services.bookings.context import load_booker, load_planning
from portail_core.services.bookings.validation import validate_planning
from tests.unit.reservation_world import FAMILY, WEDNESDAY, World, make_world

SLOT = Slot(WEDNESDAY, "JOURNEE")
FAMILIES = 5
ACTIONS = st.lists(
    st.tuples(st.integers(0, FAMILIES - 1), st.sampled_from(["book", "cancel", "wait"])),
    max_size=25,
)


def act(world: World, family_id: int, action: str) -> None:
    book_and_confirm(world, family_id, Selection(**{action: frozenset({SLOT})}))


def book_and_confirm(world: World, family_id: int, selection: Selection) -> bool:
    """Validate the selection for Léa, then confirm what was accepted; False: all refused."""
    validation = validate_planning(
        world.uow(),
        world.sources,
        world.clock,
        family_id=family_id,
        child_id=world.child_id("Léa", family_id),
        establishment_code="ALSH",
        selection=selection,
    )
    if validation.draft_token is None:
        return False
    confirm_planning(
        world.uow(),
        world.sources,
        world.clock,
        family_id=family_id,
        token=validation.draft_token,
        actor=FAMILY,
    )
    return True


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(places=st.integers(1, 3), actions=ACTIONS)
def test_capacity_holds_and_free_places_always_go_to_the_waiting_list(
    places: int, actions: list[tuple[int, str]]
) -> None:
    world = make_world(places=places)
    families = [world.martin] + [world.add_family() for _ in range(FAMILIES - 1)]
    for index, action in actions:
        act(world, families[index], action)
        bookings = world.store.committed(BookingState)
        booked = [r for r in bookings.reservations.values() if r.status is ReservationStatus.BOOKED]
        waiting = [e for e in bookings.waiting.values() if e.status is WaitingStatus.WAITING]
        assert len(booked) <= places
        assert len({r.child_id for r in booked}) == len(booked)  # nobody twice
        if waiting:  # a waiting entry means the slot is full: freed places were given on
            assert len(booked) == places
        assert not {e.child_id for e in waiting} & {r.child_id for r in booked}
        # first come, first served: the entries still waiting joined after every promoted one
        promoted = [e for e in bookings.waiting.values() if e.status is WaitingStatus.PROMOTED]
        if promoted and waiting:
            assert max(e.id or 0 for e in promoted) < min(e.id or 0 for e in waiting)


UNITS = ("JOURNEE", "MATIN", "APRES-MIDI")
SEPTEMBER = [WEDNESDAY + timedelta(days=n) for n in range(-8, 30)]  # open days and closed ones
WEDNESDAYS = [WEDNESDAY + timedelta(weeks=n) for n in range(3)]
SELECTIONS = st.builds(
    Selection,
    book=st.frozensets(st.builds(Slot, st.sampled_from(SEPTEMBER), st.sampled_from(UNITS))),
    cancel=st.frozensets(st.builds(Slot, st.sampled_from(SEPTEMBER), st.sampled_from(UNITS))),
).filter(lambda s: not s.empty and not s.book & s.cancel)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(selection=SELECTIONS, booked=st.sets(st.sampled_from(WEDNESDAYS), max_size=3))
def test_a_summary_from_the_days_asked_only_is_the_summary_of_the_whole_period(
    selection: Selection, booked: set[date]
) -> None:
    """A summary builds the cells of the days asked for only: what it decides is what the
    planning of every day from the first to the last would decide."""
    world = make_world()
    for day in sorted(booked):  # some days booked already: cancellations and clashes
        assert book_and_confirm(
            world, world.martin, Selection(book=frozenset({Slot(day, "MATIN")}))
        )
    with world.uow(read_only=True) as uow:
        booker = load_booker(uow, world.martin, world.child_id("Léa"), "ALSH")
        days = [slot.day for _, slot in selection.requests()]
        now = world.clock.now()
        args = (uow, world.sources, booker, min(days), max(days), now)
        whole = validate_selection(load_planning(*args), selection)
        asked = validate_selection(load_planning(*args, only=set(days)), selection)
    assert asked == whole
