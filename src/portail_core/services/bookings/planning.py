"""Steps 3 to 5: the establishments a child may be booked in, and the planning grid."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import attrs

from portail_core.domain.bookings.planning import CellState, Planning
from portail_core.domain.catalogue.eligibility import establishment_refusal
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.dossiers.child import Child
from portail_core.errors import NotFound, RuleViolation
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.services.bookings.context import family_refusals, load_booker, load_planning

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["ChildPlanning", "bookable_establishments", "show_child_planning", "show_planning"]


@attrs.frozen
class ChildPlanning:
    """The grid's page: the child (read with the planning, in the same transaction)."""

    child: Child
    planning: Planning


def bookable_establishments(uow: UnitOfWork, family_id: int, child_id: int) -> list[Establishment]:
    """Step 3: the establishments this child may be booked in (an APS or a school restaurant
    only for the child's school; not the SMA, which takes pre-registrations)."""
    with uow:
        family = uow.families.get(family_id)
        child = None if family is None else family.child(child_id)
        if child is None:
            raise NotFound("Enfant introuvable dans votre dossier.")
        catalogue = uow.catalogue.get()
    facts = child.facts()
    return [e for e in catalogue.establishments if establishment_refusal(facts, e) is None]


def show_planning(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    family_id: int,
    child_id: int,
    establishment_code: str,
    first: date,
    last: date,
) -> Planning:
    """Step 5: the grid of dates x units with each cell's state and reason; refused, with its
    reason, for an establishment the child may not be booked in (a link kept from before);
    with what would refuse every booking of the family, to say it before the family ticks."""
    return show_child_planning(
        uow,
        sources,
        clock,
        family_id=family_id,
        child_id=child_id,
        establishment_code=establishment_code,
        first=first,
        last=last,
    ).planning


def show_child_planning(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    family_id: int,
    child_id: int,
    establishment_code: str,
    first: date,
    last: date,
) -> ChildPlanning:
    """``show_planning``, with the child it is for (the page names it)."""
    with uow:
        booker = load_booker(uow, family_id, child_id, establishment_code)
        refusal = establishment_refusal(booker.child.facts(), booker.establishment)
        if refusal is not None:
            raise RuleViolation(refusal)
        planning = load_planning(uow, sources, booker, first, last, clock.now())
        asked = (CellState.BOOKABLE, CellState.FULL)  # a booking or the waiting list
        bookable = sorted({s.day for s, c in planning.cells.items() if c.state in asked})
        refusals = family_refusals(uow, booker, bookable, clock.today()) if bookable else ()
    return ChildPlanning(booker.child, attrs.evolve(planning, family_refusals=refusals))
