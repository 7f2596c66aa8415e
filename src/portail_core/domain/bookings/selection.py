"""A family's selection on the planning, checked: the validated summary ("Valider le planning").

Additions, cancellations and waiting-list requests each pass or are refused with their reason;
refusals that concern the whole family (incomplete dossier, regulation not accepted, unpaid
balance) refuse every addition. Confirmation runs the same check again on locked data.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

import pendulum
from attrs import define, field, frozen

from portail_core.domain.bookings.planning import Cell, CellState, Planning
from portail_core.domain.bookings.reservation import Slot
from portail_core.domain.catalogue.establishments import Establishment, Unit
from portail_core.domain.shared.instants import as_utc
from portail_core.domain.shared.money import Money

__all__ = [
    "DRAFT_LIFETIME_SECONDS",
    "PlanningDraft",
    "Request",
    "Selection",
    "SelectionLine",
    "Summary",
    "validate_selection",
]

DRAFT_LIFETIME_SECONDS = 3600  # a summary left longer must be validated again


class Request(enum.Enum):
    BOOK = "book"
    CANCEL = "cancel"
    WAIT = "wait"  # join the waiting list of a full cell

    @property
    def label(self) -> str:
        return {
            Request.BOOK: "Réservation",
            Request.CANCEL: "Annulation",
            Request.WAIT: "Liste d'attente",
        }[self]


@frozen
class Selection:
    """What the family asks for on one planning."""

    book: frozenset[Slot] = frozenset()
    cancel: frozenset[Slot] = frozenset()
    wait: frozenset[Slot] = frozenset()

    @property
    def empty(self) -> bool:
        return not (self.book or self.cancel or self.wait)

    def requests(self) -> Iterable[tuple[Request, Slot]]:
        for request, slots in (
            (Request.BOOK, self.book),
            (Request.CANCEL, self.cancel),
            (Request.WAIT, self.wait),
        ):
            for slot in sorted(slots, key=_in_order):
                yield request, slot


def _in_order(slot: Slot) -> tuple[date, str]:
    """Slots' own order (by day, then unit), without building tuples twice per comparison."""
    return slot.day, slot.unit_code


@frozen
class SelectionLine:
    request: Request
    slot: Slot
    unit_label: str
    age_group: str = ""
    price: Money | None = None  # the estimated price of a booked or cancelled unit
    reason: str = ""  # why it is refused (empty when accepted)


@frozen
class Summary:
    """The validated selection: what confirmation would do, and what it refuses and why."""

    accepted: tuple[SelectionLine, ...]
    refused: tuple[SelectionLine, ...]

    def of(self, request: Request) -> list[SelectionLine]:
        return [line for line in self.accepted if line.request is request]

    @property
    def additions(self) -> list[SelectionLine]:
        return self.of(Request.BOOK)

    @property
    def cancellations(self) -> list[SelectionLine]:
        return self.of(Request.CANCEL)

    @property
    def waiting(self) -> list[SelectionLine]:
        return self.of(Request.WAIT)

    @property
    def cost(self) -> Money:
        """Estimated cost of the additions."""
        return Money.total(line.price for line in self.additions if line.price is not None)

    @property
    def refund(self) -> Money:
        """Estimated cost no longer due for the cancellations."""
        return Money.total(line.price for line in self.cancellations if line.price is not None)

    @property
    def selection(self) -> Selection:
        """The accepted part, as a selection to confirm."""
        return Selection(
            frozenset(line.slot for line in self.additions),
            frozenset(line.slot for line in self.cancellations),
            frozenset(line.slot for line in self.waiting),
        )


def _incompatible(a: Unit, b: Unit) -> bool:
    return a.code != b.code and (b.code in a.incompatible_with or a.code in b.incompatible_with)


def _unit_label(establishment: Establishment, slot: Slot) -> str:
    unit = establishment.unit(slot.unit_code)
    return unit.label if unit is not None else slot.unit_code


def _check(request: Request, cell: Cell | None) -> str:
    """Why this request on this cell is refused; empty when it may go on."""
    if cell is None:
        return "Ce créneau n'existe pas dans ce planning."
    state = cell.state
    if request is Request.BOOK:
        if state is CellState.BOOKABLE:
            return ""
        if state is CellState.BOOKED:
            return "Déjà réservé."
        if state is CellState.FULL:
            return "Complet : plus de place disponible (liste d'attente possible)."
        return cell.reason
    if request is Request.CANCEL:
        if state is CellState.BOOKED:
            return "" if cell.cancellable else "Délai d'annulation dépassé. " + cell.reason
        return "Aucune réservation à annuler ce jour-là."
    if state is CellState.FULL:
        return ""
    if state is CellState.WAITING:
        return "Déjà en liste d'attente."
    if state is CellState.BOOKABLE:
        return "Des places sont disponibles : réservez directement."
    return cell.reason


def validate_selection(
    planning: Planning, selection: Selection, family_refusals: tuple[str, ...] = ()
) -> Summary:
    """Check every request against the planning's cells and the family-wide refusals."""
    establishment = planning.establishment
    accepted: list[SelectionLine] = []
    refused: list[SelectionLine] = []
    for request, slot in selection.requests():
        cell = planning.cells.get(slot)
        reason = _check(request, cell)
        if not reason and request is not Request.CANCEL and family_refusals:
            reason = " ".join(family_refusals)
        line = SelectionLine(
            request,
            slot,
            _unit_label(establishment, slot),
            cell.age_group if cell is not None else "",
            cell.price.amount if cell is not None and cell.price is not None else None,
            reason,
        )
        (refused if reason else accepted).append(line)
    accepted, clashing = _without_incompatible(planning, accepted)
    return Summary(tuple(accepted), tuple(refused + clashing))


def _without_incompatible(
    planning: Planning, lines: list[SelectionLine]
) -> tuple[list[SelectionLine], list[SelectionLine]]:
    """Refuse each addition that would share its day with an incompatible unit."""
    establishment = planning.establishment
    cancelled = {line.slot for line in lines if line.request is Request.CANCEL}
    added = [line for line in lines if line.request is Request.BOOK]
    kept = (planning.booked - cancelled) | {line.slot for line in added}
    clashing: list[SelectionLine] = []
    for line in added:
        unit = establishment.unit(line.slot.unit_code)
        others = [
            other
            for other in establishment.units
            if Slot(line.slot.day, other.code) in kept
            and unit is not None
            and _incompatible(unit, other)
        ]
        if others:
            names = ", ".join(f"« {o.label} »" for o in others)
            reason = f"Incompatible avec {names} le même jour."
            clashing.append(
                SelectionLine(
                    line.request, line.slot, line.unit_label, line.age_group, line.price, reason
                )
            )
    refused_slots = {line.slot for line in clashing}
    still = [
        line for line in lines if not (line.request is Request.BOOK and line.slot in refused_slots)
    ]
    return still, clashing


@define(slots=False, eq=False)
class PlanningDraft:
    """A validated summary waiting for "Confirmer la réservation"; confirming it twice books
    once (the second time answers with the first confirmation)."""

    token: str  # random, shown in the confirmation form
    family_id: int
    child_id: int
    establishment_code: str
    selection: Selection  # the accepted part of the summary: what confirmation will try
    created_at: pendulum.DateTime = field(converter=as_utc)
    summary: Summary | None = None  # as validated, refusals included, to show it again
    confirmation: str | None = None  # the number, once confirmed
    confirmed_at: pendulum.DateTime | None = None
    outcome: Summary | None = None  # what confirmation did and refused

    def expired(self, now: pendulum.DateTime) -> bool:
        return now.timestamp() - self.created_at.timestamp() > DRAFT_LIFETIME_SECONDS
