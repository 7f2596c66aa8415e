"""Properties of capacity and the waiting list under any sequence of family actions."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portail_core.domain.reservation import ReservationStatus, Slot, WaitingStatus
from portail_core.domain.selection import Selection
from portail_core.services.reservations import confirm_planning, validate_planning
from tests.unit.reservation_world import FAMILY, WEDNESDAY, World, make_world

SLOT = Slot(WEDNESDAY, "JOURNEE")
FAMILIES = 5
ACTIONS = st.lists(
    st.tuples(st.integers(0, FAMILIES - 1), st.sampled_from(["book", "cancel", "wait"])),
    max_size=25,
)


def act(world: World, family_id: int, action: str) -> None:
    selection = Selection(**{action: frozenset({SLOT})})
    validation = validate_planning(
        world.uow(),
        world.sources,
        world.clock,
        family_id=family_id,
        child_id=world.child_id("Léa", family_id),
        establishment_code="ALSH",
        selection=selection,
    )
    if validation.draft_token is not None:
        confirm_planning(
            world.uow(),
            world.sources,
            world.clock,
            family_id=family_id,
            token=validation.draft_token,
            actor=FAMILY,
        )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(places=st.integers(1, 3), actions=ACTIONS)
def test_capacity_holds_and_free_places_always_go_to_the_waiting_list(
    places: int, actions: list[tuple[int, str]]
) -> None:
    world = make_world(places=places)
    families = [world.martin] + [world.add_family() for _ in range(FAMILIES - 1)]
    for index, action in actions:
        act(world, families[index], action)
        bookings = world.store.state.bookings
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
