"""What each page of the booking flow reads in one unit of work (the « Réservations » page with
its waiting lists, the grid with its child, the summary and the confirmation with theirs), and
the prices a grid computes only for the cells that show one; against the in-memory unit of
work on the demo commune."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from portail_core.domain.bookings.planning import CellState
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.bookings.selection import Selection
from portail_core.errors import NotFound
from portail_core.services.bookings import context
from portail_core.services.bookings.choice import booking_choices, booking_page
from portail_core.services.bookings.confirmation import confirm_planning
from portail_core.services.bookings.history import draft_of_family, draft_page
from portail_core.services.bookings.planning import show_child_planning, show_planning
from portail_core.services.bookings.validation import validate_planning
from portail_core.services.bookings.waiting_list import waiting_entries
from tests.unit.reservation_world import FAMILY, WEDNESDAY, World, book, make_world

SEPTEMBER = (date(2026, 9, 1), date(2026, 9, 30))
HORIZON = (date(2026, 6, 15), date(2027, 7, 20))


def validated(world: World, selection: Selection, *, child: str = "Léa") -> str:
    validation = validate_planning(
        world.uow(),
        world.sources,
        world.clock,
        family_id=world.martin,
        child_id=world.child_id(child),
        establishment_code="ALSH",
        selection=selection,
    )
    assert validation.draft_token is not None
    return validation.draft_token


def full_wednesday_with_lea_waiting() -> World:
    """One place on the Wednesday, taken by another family's child; Léa waits for it."""
    world = make_world(places=1)
    other = world.add_family()
    for family_id in (other, world.martin):
        token = validate_planning(
            world.uow(),
            world.sources,
            world.clock,
            family_id=family_id,
            child_id=world.child_id("Léa", family_id),
            establishment_code="ALSH",
            selection=book((WEDNESDAY, "JOURNEE"))
            if family_id == other
            else Selection(wait=frozenset({Slot(WEDNESDAY, "JOURNEE")})),
        ).draft_token
        assert token is not None
        confirm_planning(
            world.uow(), world.sources, world.clock, family_id=family_id, token=token, actor=FAMILY
        )
    return world


def test_the_reservations_page_is_the_choice_and_the_family_s_waiting_lists() -> None:
    world = full_wednesday_with_lea_waiting()
    page = booking_page(world.uow(read_only=True), world.martin, *HORIZON)
    choices = booking_choices(world.uow(read_only=True), world.martin)
    assert [c.id for c in page.children] == [c.id for c in choices.children]
    assert [e.code for e in page.establishments] == [e.code for e in choices.establishments]
    alone = waiting_entries(
        world.uow(read_only=True),
        establishment_code=None,
        first=HORIZON[0],
        last=HORIZON[1],
        family_id=world.martin,
    )
    assert [(e.id, position) for e, position in page.waiting] == [
        (e.id, position) for e, position in alone
    ]
    ((entry, position),) = page.waiting
    assert (entry.child_id, entry.slot, position) == (
        world.child_id("Léa"),
        Slot(WEDNESDAY, "JOURNEE"),
        1,
    )
    assert choices.waiting == ()
    with pytest.raises(NotFound):
        booking_page(world.uow(read_only=True), 999, *HORIZON)


def test_the_grid_page_is_the_planning_with_its_child() -> None:
    world = full_wednesday_with_lea_waiting()
    asked: dict[str, Any] = {
        "family_id": world.martin,
        "child_id": world.child_id("Léa"),
        "establishment_code": "ALSH",
        "first": SEPTEMBER[0],
        "last": SEPTEMBER[1],
    }
    page = show_child_planning(world.uow(read_only=True), world.sources, world.clock, **asked)
    alone = show_planning(world.uow(read_only=True), world.sources, world.clock, **asked)
    assert page.child.first_name == "Léa"
    assert page.child.id == world.child_id("Léa")
    assert page.planning.cells == alone.cells
    assert page.planning.family_refusals == alone.family_refusals
    assert page.planning.cell(WEDNESDAY, "JOURNEE").state is CellState.WAITING  # type: ignore[union-attr]
    stranger = {**asked, "child_id": world.child_id("Léa", world.add_family())}
    with pytest.raises(NotFound):
        show_child_planning(world.uow(read_only=True), world.sources, world.clock, **stranger)


def test_the_summary_and_the_confirmation_pages_come_with_their_child() -> None:
    world = make_world()
    token = validated(world, book((WEDNESDAY, "JOURNEE")), child="Tom")
    page = draft_page(world.uow(read_only=True), family_id=world.martin, token=token)
    alone = draft_of_family(world.uow(read_only=True), family_id=world.martin, token=token)
    assert (page.draft.token, page.draft.selection, page.draft.summary) == (
        alone.token,
        alone.selection,
        alone.summary,
    )
    assert (page.child.first_name, page.child.id) == ("Tom", world.child_id("Tom"))
    assert page.draft.confirmation is None
    confirm_planning(
        world.uow(), world.sources, world.clock, family_id=world.martin, token=token, actor=FAMILY
    )
    confirmed = draft_page(world.uow(read_only=True), family_id=world.martin, token=token)
    assert confirmed.draft.confirmation is not None
    assert confirmed.child.first_name == "Tom"
    for family_id, asked in ((world.add_family(), token), (world.martin, "inconnu")):
        with pytest.raises(NotFound):
            draft_page(world.uow(read_only=True), family_id=family_id, token=asked)


def test_a_grid_prices_only_the_cells_that_show_a_price(monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world()
    priced: list[date] = []
    original = getattr(context, "unit_price")  # noqa: B009  (imported there: replaced)

    def counting(unit: object, day: date, **kwargs: object) -> object:
        priced.append(day)
        return original(unit, day, **kwargs)

    monkeypatch.setattr(context, "unit_price", counting)
    planning = show_planning(
        world.uow(read_only=True),
        world.sources,
        world.clock,
        family_id=world.martin,
        child_id=world.child_id("Léa"),
        establishment_code="ALSH",
        first=SEPTEMBER[0],
        last=SEPTEMBER[1],
    )
    shown = [c for c in planning.cells.values() if c.state is not CellState.CLOSED]
    closed = [c for c in planning.cells.values() if c.state is CellState.CLOSED]
    assert shown
    assert len(closed) > len(shown)  # a month of the ALSH: mostly closed cells
    assert len(priced) == len({c.slot for c in shown})
    wednesday = planning.cell(WEDNESDAY, "JOURNEE")
    assert wednesday is not None
    assert wednesday.price is not None
    assert all(c.price is None for c in closed)
    assert set(priced) <= {SEPTEMBER[0] + timedelta(days=n) for n in range(30)}
