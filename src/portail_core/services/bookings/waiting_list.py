"""The waiting list: joining it is part of a confirmation; here, what happens when a place frees.

The town chooses per unit (``WaitingListPolicy``): the first eligible entry is booked at once
(automatic), or the place is offered and held for it until the offer expires. Offered places
count as taken. ``process_waiting_lists`` (run by the scheduler, ``portail waitlist process``)
expires offers not accepted in time and passes the place on.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.bookings.reservation import (
    EventKind,
    PlaceKey,
    Reservation,
    ReservationEvent,
    Slot,
    WaitingEntry,
    WaitingStatus,
    new_confirmation_number,
)
from portail_core.domain.bookings.rules import PromotionMode, paris_time
from portail_core.domain.catalogue.eligibility import eligibility_of
from portail_core.domain.catalogue.establishments import Establishment, Unit
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.errors import NotFound, RuleViolation
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.services.bookings import notices
from portail_core.services.bookings.context import recipient_of

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "ProcessReport",
    "accept_offer",
    "fill_free_places",
    "leave_waiting_list",
    "process_waiting_lists",
    "waiting_entries",
]

SYSTEM = Actor.system("liste d'attente")


def _place_of(entry: WaitingEntry) -> PlaceKey:
    """What confirmations lock for this entry: its unit and day, all age groups."""
    return PlaceKey(entry.establishment_code, entry.unit_code, entry.day)


def fill_free_places(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    establishment: Establishment,
    slot: Slot,
) -> int:
    """Give the free places of a unit on a day to its waiting list, first come first; returns
    how many entries were booked or offered. Runs inside the caller's unit of work."""
    del sources  # the calendar does not change who comes first
    unit = establishment.unit(slot.unit_code)
    now = clock.now()
    if unit is None or now.timestamp() >= paris_time(slot.day, unit.start).timestamp():
        return 0
    # Counted under the place's lock (already held when a confirmation cancels), so that a
    # confirmation cannot book the place while it is given to the waiting list.
    uow.reservations.lock_places([PlaceKey(establishment.code, slot.unit_code, slot.day)])
    taken = uow.reservations.taken(establishment.code, slot.day, slot.day, now)
    groups = [g.code for g in unit.age_groups] or [""]
    places = (PlaceKey(establishment.code, unit.code, slot.day, group) for group in groups)
    return sum(_fill_place(uow, establishment, unit, place, taken, now) for place in places)


def _fill_place(
    uow: UnitOfWork,
    establishment: Establishment,
    unit: Unit,
    place: PlaceKey,
    taken: dict[PlaceKey, int],
    now: pendulum.DateTime,
) -> int:
    """One age group's free places given to its queue; how many entries got one."""
    places = unit.places_on(place.day, place.age_group or None)
    if places is None:
        return 0
    free = places - taken.get(place, 0)
    moved = 0
    for entry in uow.waiting_list.queue(place):
        if moved >= free:
            break
        if entry.status is WaitingStatus.WAITING and _give_place(uow, establishment, entry, now):
            moved += 1
    return moved


@frozen
class _Candidate:
    """A waiting entry still wanted, with its family, child and unit."""

    entry: WaitingEntry
    family: Family
    child: Child
    unit: Unit


def _give_place(
    uow: UnitOfWork, establishment: Establishment, entry: WaitingEntry, now: pendulum.DateTime
) -> bool:
    """Book or offer the place to this entry; False (and the entry leaves) if it cannot."""
    candidate = _candidate(uow, establishment, entry)
    if candidate is None:
        entry.status = WaitingStatus.LEFT
        uow.waiting_list.update(entry)
        return False
    if candidate.unit.rules.waiting_list.mode is PromotionMode.AUTOMATIC:
        _promote(uow, establishment, candidate, now)
    else:
        _offer(uow, establishment, candidate, now)
    return True


def _candidate(
    uow: UnitOfWork, establishment: Establishment, entry: WaitingEntry
) -> _Candidate | None:
    """None when the place is no longer wanted: the child left the family or is no longer
    eligible, the unit is gone, or the child was booked in the meantime."""
    unit = establishment.unit(entry.unit_code)
    family = uow.families.get(entry.family_id)
    child = None if family is None else family.child(entry.child_id)
    already = uow.reservations.of_child(entry.child_id, establishment.code, entry.day, entry.day)
    if unit is None or family is None or child is None:
        return None
    eligible = eligibility_of(child.facts(), establishment, unit, entry.day).eligible
    if not eligible or any(r.unit_code == entry.unit_code for r in already):
        return None
    return _Candidate(entry, family, child, unit)


def _promote(
    uow: UnitOfWork, establishment: Establishment, candidate: _Candidate, now: pendulum.DateTime
) -> None:
    """Automatic promotion: the place is booked at once, and the family told."""
    number = _book(uow, candidate.entry, now, SYSTEM)
    recipient = recipient_of(uow, candidate.family)
    if recipient:
        email = notices.place_given(
            recipient,
            uow.communes.get(),
            candidate.child,
            establishment,
            candidate.unit,
            candidate.entry.day,
            number,
            now,
            family_id=candidate.family.id,
        )
        uow.outbox.add(email)


def _offer(
    uow: UnitOfWork, establishment: Establishment, candidate: _Candidate, now: pendulum.DateTime
) -> None:
    """The place is held for the family until the offer expires (at the latest, when the unit
    starts), and the family told."""
    entry, unit = candidate.entry, candidate.unit
    start = paris_time(entry.day, unit.start)
    offer_end = now.add(hours=unit.rules.waiting_list.offer_hours)
    expires = min(offer_end, start, key=lambda m: m.timestamp())
    entry.status, entry.offer_expires_at = WaitingStatus.OFFERED, expires
    uow.waiting_list.update(entry)
    uow.reservations.record(_event(entry, EventKind.OFFERED, now, SYSTEM))
    recipient = recipient_of(uow, candidate.family)
    if recipient:
        email = notices.place_offered(
            recipient,
            uow.communes.get(),
            candidate.child,
            establishment,
            unit,
            entry.day,
            expires,
            now,
            family_id=candidate.family.id,
        )
        uow.outbox.add(email)


def _event(
    entry: WaitingEntry, kind: EventKind, now: pendulum.DateTime, actor: Actor, number: str = ""
) -> ReservationEvent:
    return ReservationEvent(
        now,
        actor,
        kind,
        entry.family_id,
        entry.child_id,
        entry.establishment_code,
        entry.unit_code,
        entry.day,
        number,
    )


def _book(uow: UnitOfWork, entry: WaitingEntry, now: pendulum.DateTime, actor: Actor) -> str:
    number = new_confirmation_number()
    uow.reservations.add(
        Reservation(
            entry.family_id,
            entry.child_id,
            entry.establishment_code,
            entry.unit_code,
            entry.day,
            entry.age_group,
            now,
            number,
        )
    )
    entry.status = WaitingStatus.PROMOTED
    uow.waiting_list.update(entry)
    uow.reservations.record(_event(entry, EventKind.PROMOTED, now, actor, number))
    return number


def accept_offer(
    uow: UnitOfWork, clock: Clock, *, family_id: int, entry_id: int, actor: Actor
) -> str:
    """The family takes the place offered to it; returns the confirmation number."""
    now = clock.now()
    with uow:
        entry = uow.waiting_list.get(entry_id, for_update=True)
        if entry is None or entry.family_id != family_id:
            raise NotFound("Proposition de place introuvable.")
        if entry.status is not WaitingStatus.OFFERED or entry.offer_expires_at is None:
            raise RuleViolation("Aucune place ne vous est proposée pour ce créneau.")
        if now.timestamp() > entry.offer_expires_at.timestamp():
            raise RuleViolation(
                "Le délai pour accepter cette place est dépassé : elle a été proposée à la "
                "famille suivante."
            )
        number = _book(uow, entry, now, actor)
        uow.commit()
    return number


def leave_waiting_list(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    family_id: int,
    entry_id: int,
    actor: Actor,
) -> None:
    """The family leaves the waiting list (or declines the place offered, which passes on)."""
    now = clock.now()
    with uow:
        found = uow.waiting_list.get(entry_id)
        if found is not None:  # places before entries, in every use case (no deadlock)
            uow.reservations.lock_places([_place_of(found)])
        entry = uow.waiting_list.get(entry_id, for_update=True)
        if entry is None or entry.family_id != family_id or not entry.active:
            raise NotFound("Inscription en liste d'attente introuvable.")
        was_offered = entry.status is WaitingStatus.OFFERED
        entry.status = WaitingStatus.LEFT
        uow.waiting_list.update(entry)
        uow.reservations.record(_event(entry, EventKind.LEFT_WAITING_LIST, now, actor))
        if was_offered:
            establishment = uow.catalogue.get().establishment(entry.establishment_code)
            if establishment is not None:
                fill_free_places(uow, sources, clock, establishment, entry.slot)
        uow.commit()


@frozen
class ProcessReport:
    expired: int
    moved: int  # entries booked or offered a place


def process_waiting_lists(uow: UnitOfWork, sources: CalendarSources, clock: Clock) -> ProcessReport:
    """Expire the offers not accepted in time and pass their places on."""
    now = clock.now()
    expired = moved = 0
    with uow:
        catalogue = uow.catalogue.get()
        offers = uow.waiting_list.expired_offers(now)
        # Lock their places (all at once, in the confirmations' order), then read each offer
        # again under its row lock: its family may have accepted it in the meantime.
        uow.reservations.lock_places(_place_of(offer) for offer in offers)
        for offer in offers:
            entry = uow.waiting_list.get(offer.id, for_update=True) if offer.id else None
            if entry is None or entry.status is not WaitingStatus.OFFERED:
                continue
            entry.status = WaitingStatus.EXPIRED
            uow.waiting_list.update(entry)
            uow.reservations.record(_event(entry, EventKind.OFFER_EXPIRED, now, SYSTEM))
            expired += 1
            establishment = catalogue.establishment(entry.establishment_code)
            if establishment is not None:
                moved += fill_free_places(uow, sources, clock, establishment, entry.slot)
        uow.commit()
    return ProcessReport(expired, moved)


def waiting_entries(
    uow: UnitOfWork,
    *,
    establishment_code: str | None,
    first: date,
    last: date,
    family_id: int | None = None,
) -> list[tuple[WaitingEntry, int]]:
    """Active entries with their position in their queue (1 = next to get a place); a
    family's are ranked by the repository, reading only their queues."""
    if family_id is not None:
        with uow:
            return uow.waiting_list.ranked(establishment_code, first, last, family_id=family_id)
    with uow:
        entries = uow.waiting_list.active(establishment_code, first, last)
    positions: dict[PlaceKey, int] = {}
    ranked: list[tuple[WaitingEntry, int]] = []
    for entry in entries:
        positions[entry.place] = positions.get(entry.place, 0) + 1
        ranked.append((entry, positions[entry.place]))
    return ranked
