"""Step 6's « Confirmer la réservation », in one transaction: the places locked, every rule
checked again on what is then read, the reservations, their history and the e-mail written, or
nothing at all."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.bookings.reservation import (
    EventKind,
    Reservation,
    ReservationEvent,
    Slot,
    WaitingEntry,
    new_confirmation_number,
)
from portail_core.domain.bookings.selection import (
    Request,
    Selection,
    SelectionLine,
    Summary,
)
from portail_core.errors import NotFound, RuleViolation
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.services.bookings import notices
from portail_core.services.bookings.context import (
    Booker,
    load_booker,
    place_lock_keys,
    recipient_of,
)
from portail_core.services.bookings.validation import summarise_selection
from portail_core.services.bookings.waiting_list import fill_free_places

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["Confirmation", "apply_selection", "confirm_planning"]


@frozen
class Confirmation:
    number: str
    child_id: int
    establishment_code: str
    summary: Summary  # what was done (accepted) and refused at confirmation


def confirm_planning(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    family_id: int,
    token: str,
    actor: Actor,
) -> Confirmation:
    """Step 6's "Confirmer la réservation". The same draft confirmed twice books once."""
    with uow:
        draft = uow.drafts.get(token, for_update=True)
        if draft is None or draft.family_id != family_id:
            raise NotFound("Ce récapitulatif n'existe pas ou ne vous concerne pas.")
        if draft.confirmation is not None and draft.outcome is not None:
            return Confirmation(
                draft.confirmation, draft.child_id, draft.establishment_code, draft.outcome
            )
        if draft.expired(clock.now()):
            raise RuleViolation("Ce récapitulatif a expiré : validez à nouveau votre planning.")
        booker = load_booker(uow, family_id, draft.child_id, draft.establishment_code)
        number = new_confirmation_number()
        summary = apply_selection(uow, sources, clock, booker, draft.selection, actor, number)
        draft.confirmation, draft.confirmed_at, draft.outcome = number, clock.now(), summary
        uow.drafts.update(draft)
        uow.commit()
    return Confirmation(number, draft.child_id, draft.establishment_code, summary)


def apply_selection(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    booker: Booker,
    selection: Selection,
    actor: Actor,
    number: str,
    *,
    forced_reason: str | None = None,
) -> Summary:
    """Lock, re-check, write. Called inside the caller's unit of work, which commits."""
    slots = {slot for _, slot in selection.requests()}
    uow.reservations.lock_places(place_lock_keys(booker.establishment.code, slots))
    summary = summarise_selection(
        uow, sources, booker, selection, clock, ignore_deadlines=forced_reason is not None
    )
    stamp = _Stamp(booker, actor, number, forced_reason or "", clock.now())
    for line in _write(uow, stamp, summary.accepted):
        fill_free_places(uow, sources, clock, booker.establishment, line.slot)
    if summary.accepted:
        _announce(uow, stamp, summary)
        _audit(uow, stamp, summary)
    return summary


@frozen
class _Stamp:
    """What every line a confirmation writes carries: whose, by whom, when, under which number."""

    booker: Booker
    actor: Actor
    number: str
    reason: str  # why the desk forced the change past a deadline, or ""
    now: pendulum.DateTime

    def event(self, kind: EventKind, slot: Slot) -> ReservationEvent:
        booker = self.booker
        return ReservationEvent(
            self.now,
            self.actor,
            kind,
            booker.family_id,
            booker.child_id,
            booker.establishment.code,
            slot.unit_code,
            slot.day,
            self.number,
            self.reason,
        )

    def reservation(self, line: SelectionLine) -> Reservation:
        booker = self.booker
        return Reservation(
            booker.family_id,
            booker.child_id,
            booker.establishment.code,
            line.slot.unit_code,
            line.slot.day,
            line.age_group,
            self.now,
            self.number,
        )

    def waiting_entry(self, line: SelectionLine) -> WaitingEntry:
        booker = self.booker
        return WaitingEntry(
            booker.family_id,
            booker.child_id,
            booker.establishment.code,
            line.slot.unit_code,
            line.slot.day,
            line.age_group,
            self.now,
        )


def _write(
    uow: UnitOfWork, stamp: _Stamp, accepted: tuple[SelectionLine, ...]
) -> list[SelectionLine]:
    """Write the accepted lines and their history; returns the cancelled ones, whose places
    may go to a waiting list."""
    booked: list[Reservation] = []
    events: list[ReservationEvent] = []  # written together, in this order
    freed: list[SelectionLine] = []
    for line in accepted:
        if line.request is Request.BOOK:
            booked.append(stamp.reservation(line))
            events.append(stamp.event(EventKind.BOOKED, line.slot))
        elif line.request is Request.CANCEL:
            _cancel(uow, stamp, line.slot)
            events.append(stamp.event(EventKind.CANCELLED, line.slot))
            freed.append(line)
        else:
            uow.waiting_list.add(stamp.waiting_entry(line))
            events.append(stamp.event(EventKind.WAITLISTED, line.slot))
    uow.reservations.add_all(booked)  # one statement each, whatever the number of days
    uow.reservations.record_all(events)
    return freed


def _cancel(uow: UnitOfWork, stamp: _Stamp, slot: Slot) -> None:
    booker = stamp.booker
    held = uow.reservations.of_child(booker.child_id, booker.establishment.code, slot.day, slot.day)
    for reservation in (r for r in held if r.unit_code == slot.unit_code):
        reservation.cancel(stamp.now)
        uow.reservations.update(reservation)


def _announce(uow: UnitOfWork, stamp: _Stamp, summary: Summary) -> None:
    booker = stamp.booker
    recipient = recipient_of(uow, booker.family)
    if recipient:
        email = notices.reservations_confirmed(
            recipient,
            uow.communes.get(),
            booker.child,
            booker.establishment,
            summary,
            stamp.number,
            stamp.now,
            family_id=booker.family.id,
        )
        uow.outbox.add(email)


def _audit(uow: UnitOfWork, stamp: _Stamp, summary: Summary) -> None:
    booker = stamp.booker
    entry = notices.reservations_recorded(
        booker.family.id,
        booker.child,
        booker.establishment,
        summary,
        stamp.actor,
        stamp.number,
        stamp.reason or None,
        stamp.now,
    )
    uow.audit.record(entry)
