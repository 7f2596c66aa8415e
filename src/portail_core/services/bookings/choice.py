"""Steps 2 to 4 of the seed on one screen: « Sélectionnez l'enfant concerné », « Sélectionnez
l'établissement », « Continuer ». The family's children, the establishments one of them at least
may be booked in, and, for a pair, why it is refused."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from attrs import evolve, frozen

from portail_core.domain.bookings.reservation import WaitingEntry
from portail_core.domain.catalogue.eligibility import establishment_refusal
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.dossiers.child import Child
from portail_core.errors import NotFound

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["BookingChoices", "booking_choices", "booking_page"]


@frozen
class BookingChoices:
    """What the family chooses from before the planning, in the catalogue's order; ``named``:
    every establishment of the catalogue, to name the places of the waiting lists; ``waiting``:
    the family's active waiting-list entries with their position, on the page only."""

    children: tuple[Child, ...]
    establishments: tuple[Establishment, ...]
    named: tuple[Establishment, ...] = ()
    waiting: tuple[tuple[WaitingEntry, int], ...] = ()

    def child(self, child_id: int) -> Child | None:
        return next((c for c in self.children if c.id == child_id), None)

    def establishment(self, code: str) -> Establishment | None:
        return next((e for e in self.establishments if e.code == code), None)

    def refusal(self, child: Child, establishment: Establishment) -> str | None:
        """Why this child may not be booked in this establishment (None: it may)."""
        return establishment_refusal(child.facts(), establishment)

    def children_for(self, establishment: Establishment) -> tuple[Child, ...]:
        """The children who may be booked in ``establishment``."""
        return tuple(c for c in self.children if self.refusal(c, establishment) is None)

    def place_name(self, establishment_code: str, unit_code: str) -> str:
        """ "Accueil de loisirs Les Dunes, Journée avec repas"; the codes when the catalogue no
        longer lists them."""
        establishment = next((e for e in self.named if e.code == establishment_code), None)
        unit = establishment.unit(unit_code) if establishment else None
        if establishment is None or unit is None:
            return f"{establishment_code} / {unit_code}"
        return f"{establishment.name}, {unit.label}"


def booking_choices(uow: UnitOfWork, family_id: int) -> BookingChoices:
    """The family's children and the establishments open to the booking of one of them."""
    with uow:
        return _choices(uow, family_id)


def booking_page(uow: UnitOfWork, family_id: int, first: date, last: date) -> BookingChoices:
    """The « Réservations » page in one transaction: the choices, and the family's waiting-list
    entries from ``first`` to ``last`` with their position (1 = the next to get a place)."""
    with uow:
        choices = _choices(uow, family_id)
        waiting = uow.waiting_list.ranked(None, first, last, family_id=family_id)
    return evolve(choices, waiting=tuple(waiting))


def _choices(uow: UnitOfWork, family_id: int) -> BookingChoices:
    family = uow.families.get(family_id)
    if family is None:
        raise NotFound("Dossier introuvable.")
    catalogue = uow.catalogue.get()
    children = tuple(family.children)
    offered = tuple(
        e
        for e in catalogue.establishments
        if any(establishment_refusal(c.facts(), e) is None for c in children)
    )
    return BookingChoices(children, offered, catalogue.establishments)
