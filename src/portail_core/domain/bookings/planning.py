"""The planning: for one child in one establishment, every date x unit of a period with its state
and the reason for it, in words.

The same rules decide what a family sees and what confirmation accepts: ``cell_for`` is called
when the grid is shown and again, on locked data, when a selection is confirmed.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from datetime import date, timedelta

import pendulum
from attrs import field, frozen

from portail_core.domain.billing.pricing import UnitPrice
from portail_core.domain.bookings.reservation import PlaceKey, Slot
from portail_core.domain.bookings.rules import paris_time
from portail_core.domain.catalogue.eligibility import ChildFacts, eligibility_of
from portail_core.domain.catalogue.establishments import Establishment, Unit
from portail_core.domain.catalogue.opening import CalendarContext, opening_of
from portail_core.domain.shared.french_dates import moment_fr
from portail_core.domain.shared.instants import as_paris

__all__ = [
    "MAX_PLANNING_DAYS",
    "Cell",
    "CellState",
    "Planning",
    "PlanningFacts",
    "build_planning",
    "cell_for",
    "planning_days",
]

MAX_PLANNING_DAYS = 93


class CellState(enum.Enum):
    BOOKABLE = "bookable"
    BOOKED = "booked"
    FULL = "full"  # the waiting list is offered
    WAITING = "waiting"  # the child is on the waiting list
    CLOSED = "closed"
    PAST_DEADLINE = "past_deadline"
    NOT_YET_OPEN = "not_yet_open"
    NOT_ELIGIBLE = "not_eligible"

    @property
    def label(self) -> str:
        return {
            CellState.BOOKABLE: "Disponible",
            CellState.BOOKED: "Réservé",
            CellState.FULL: "Complet",
            CellState.WAITING: "Liste d'attente",
            CellState.CLOSED: "Fermé",
            CellState.PAST_DEADLINE: "Délai dépassé",
            CellState.NOT_YET_OPEN: "Pas encore ouvert",
            CellState.NOT_ELIGIBLE: "Non accessible",
        }[self]


@frozen
class Cell:
    slot: Slot
    state: CellState
    reason: str  # the state in words, with the date limit or the cause
    age_group: str = ""  # the age group whose places the child would take
    places_left: int | None = None  # None: unlimited, or not relevant
    cancellable: bool = False  # a booked cell that may still be unticked
    waiting_position: int | None = None
    price: UnitPrice | None = None

    @property
    def selectable(self) -> bool:
        """A box the family may tick or untick."""
        return self.state is CellState.BOOKABLE or (
            self.state is CellState.BOOKED and self.cancellable
        )


@frozen
class PlanningFacts:
    """Everything the states depend on besides the catalogue and the calendar."""

    child: ChildFacts
    resident: bool
    now: pendulum.DateTime
    booked: frozenset[Slot]  # the child's reservations in this establishment
    waiting: Mapping[Slot, int]  # the child's waiting-list entries -> position (1 = first)
    taken: Mapping[PlaceKey, int]  # places booked by everyone, per unit, day and age group
    prices: Mapping[Slot, UnitPrice | None]
    ignore_deadlines: bool = False  # staff acting past a deadline (forced, with a reason)
    # days kept for a fair-allocation draw not yet published -> why, in French
    held: Mapping[date, str] = field(factory=dict)


@frozen
class Planning:
    establishment: Establishment
    child_id: int
    first: date
    last: date
    cells: Mapping[Slot, Cell]
    # what refuses every booking of the family (incomplete dossier, regulation, unpaid balance)
    family_refusals: tuple[str, ...] = ()

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def units(self) -> tuple[Unit, ...]:
        return self.establishment.units

    def cell(self, day: date, unit_code: str) -> Cell | None:
        return self.cells.get(Slot(day, unit_code))

    def open_days(self) -> list[date]:
        """Days on which at least one unit is not closed (the rows worth showing)."""
        booked = self.booked
        return [
            day
            for day in self.days
            if any(
                self.cells[Slot(day, u.code)].state is not CellState.CLOSED
                or Slot(day, u.code) in booked
                for u in self.units
            )
        ]

    @property
    def booked(self) -> frozenset[Slot]:
        return frozenset(s for s, c in self.cells.items() if c.state is CellState.BOOKED)


def cell_for(
    establishment: Establishment,
    unit: Unit,
    day: date,
    context: CalendarContext,
    facts: PlanningFacts,
) -> Cell:
    """The state of one cell for the child, checked in the order a family would understand
    (what a state does not need is not computed: most cells of a month are closed)."""
    slot = Slot(day, unit.code)
    holidays = context.public_holidays.__contains__
    if slot in facts.booked:
        now = as_paris(facts.now)
        eligibility = eligibility_of(facts.child, establishment, unit, day)
        group = eligibility.age_group.code if eligibility.age_group is not None else ""
        price = facts.prices.get(slot)
        limit = unit.rules.cancellation.deadline_for(paris_time(day, unit.start), holidays)
        if facts.ignore_deadlines or now.timestamp() <= limit.timestamp():
            reason = f"Réservé ; annulable jusqu'au {moment_fr(limit)}"
            return Cell(slot, CellState.BOOKED, reason, group, cancellable=True, price=price)
        reason = f"Réservé ; l'annulation était possible jusqu'au {moment_fr(limit)}"
        return Cell(slot, CellState.BOOKED, reason, group, price=price)
    opening = opening_of(establishment, unit, day, context)
    if not opening.open:
        detail = f" ({opening.detail})" if opening.detail else ""
        return Cell(slot, CellState.CLOSED, f"Fermé : {opening.reason.label}{detail}")
    eligibility = eligibility_of(facts.child, establishment, unit, day)
    if not eligibility.eligible:
        return Cell(slot, CellState.NOT_ELIGIBLE, " ".join(eligibility.refusals))
    group = eligibility.age_group.code if eligibility.age_group is not None else ""
    if day in facts.held:
        return Cell(slot, CellState.NOT_YET_OPEN, facts.held[day], group)
    price = facts.prices.get(slot)
    now = as_paris(facts.now)
    start = paris_time(day, unit.start)
    limit = unit.rules.booking.deadline_for(start, holidays)
    if not facts.ignore_deadlines and now.timestamp() > limit.timestamp():
        reason = f"Délai de réservation dépassé (jusqu'au {moment_fr(limit)})"
        return Cell(slot, CellState.PAST_DEADLINE, reason, group)
    opens_at = unit.rules.opens_at(day, resident=facts.resident)
    not_yet = opens_at is not None and now.timestamp() < opens_at.timestamp()
    if not_yet and opens_at is not None and not facts.ignore_deadlines:
        reason = f"Réservations ouvertes à partir du {moment_fr(opens_at)}"
        return Cell(slot, CellState.NOT_YET_OPEN, reason, group)
    if slot in facts.waiting:
        position = facts.waiting[slot]
        reason = f"Complet ; en liste d'attente, position {position}"
        return Cell(slot, CellState.WAITING, reason, group, waiting_position=position)
    places = unit.places_on(day, group or None)
    if places is None:
        return Cell(slot, CellState.BOOKABLE, "Disponible", group, price=price)
    taken = facts.taken.get(PlaceKey(establishment.code, unit.code, day, group), 0)
    left = max(places - taken, 0)
    if left == 0:
        reason = "Complet ; inscription possible en liste d'attente"
        return Cell(slot, CellState.FULL, reason, group, places_left=0, price=price)
    plural = "s" if left > 1 else ""
    reason = f"Disponible ({left} place{plural} restante{plural})"
    return Cell(slot, CellState.BOOKABLE, reason, group, places_left=left, price=price)


def build_planning(
    establishment: Establishment,
    child_id: int,
    first: date,
    last: date,
    context: CalendarContext,
    facts: PlanningFacts,
    *,
    only: Collection[date] | None = None,
) -> Planning:
    """Every cell from ``first`` to ``last``; ``only``: the cells of those days alone (a summary
    checks the days asked for, not the weeks in between: such a planning is not shown)."""
    days = planning_days(first, last, only)
    cells = {
        Slot(day, unit.code): cell_for(establishment, unit, day, context, facts)
        for day in days
        for unit in establishment.units
    }
    return Planning(establishment, child_id, first, last, cells)


def planning_days(first: date, last: date, only: Collection[date] | None = None) -> list[date]:
    """The days from ``first`` to ``last``, or those of ``only`` between them, in order."""
    if only is not None:
        return sorted(day for day in set(only) if first <= day <= last)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
