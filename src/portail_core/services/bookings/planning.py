"""Steps 3 to 5: the establishments a child may be booked in, and the planning grid."""

from __future__ import annotations

from datetime import date

from portail_core.domain.bookings.planning import Planning
from portail_core.domain.catalogue.establishments import Establishment, ServiceKind
from portail_core.errors import NotFound
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.bookings.context import load_booker, load_planning

__all__ = ["bookable_establishments", "show_planning"]


def bookable_establishments(uow: UnitOfWork, family_id: int, child_id: int) -> list[Establishment]:
    """Step 3: the establishments this child may be booked in (an APS or a school restaurant
    only for the child's school; not the SMA, which takes pre-registrations)."""
    with uow:
        family = uow.families.get(family_id)
        child = None if family is None else family.child(child_id)
        if child is None:
            raise NotFound("Enfant introuvable dans votre dossier.")
        catalogue = uow.catalogue.get()
    return [
        e
        for e in catalogue.establishments
        if e.units
        and e.kind is not ServiceKind.SMA
        and (not e.kind.serves_a_school or e.school_code == child.school_code)
    ]


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
    """Step 5: the grid of dates x units with each cell's state and reason."""
    with uow:
        booker = load_booker(uow, family_id, child_id, establishment_code)
        return load_planning(uow, sources, booker, first, last, clock.now())
