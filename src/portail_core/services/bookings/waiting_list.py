"""The waiting list: joining it is part of a confirmation; here, what happens when a place frees.

The town chooses per unit (``WaitingListPolicy``): the first eligible entry is booked at once
(automatic), or the place is offered and held for it until the offer expires. Offered places
count as taken. ``process_waiting_lists`` (run by the scheduler, ``portail waitlist process``)
expires offers not accepted in time and passes the place on.
"""

from __future__ import annotations

from datetime import date

import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.bookings.planning import french_moment
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
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.messaging import OutgoingEmail
from portail_core.errors import NotFound, RuleViolation
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
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


def _french_day(day: date) -> str:
    return pendulum.date(day.year, day.month, day.day).format("dddd D MMMM YYYY", locale="fr")


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
    moved = 0
    for group in groups:
        places = unit.places_on(slot.day, group or None)
        if places is None:
            continue
        place = PlaceKey(establishment.code, unit.code, slot.day, group)
        free = places - taken.get(place, 0)
        for entry in uow.waiting_list.queue(place):
            if free <= 0:
                break
            if entry.status is not WaitingStatus.WAITING:
                continue
            if _give_place(uow, establishment, entry, now):
                free -= 1
                moved += 1
    return moved


def _give_place(
    uow: UnitOfWork, establishment: Establishment, entry: WaitingEntry, now: pendulum.DateTime
) -> bool:
    """Book or offer the place to this entry; False (and the entry leaves) if it cannot."""
    unit = establishment.unit(entry.unit_code)
    family = uow.families.get(entry.family_id)
    child = (
        None
        if family is None
        else next((c for c in family.children if c.id == entry.child_id), None)
    )
    already = uow.reservations.of_child(entry.child_id, establishment.code, entry.day, entry.day)
    still_wanted = (
        unit is not None
        and child is not None
        and eligibility_of(child.facts(), establishment, unit, entry.day).eligible
        and all(r.unit_code != entry.unit_code for r in already)
    )
    if not still_wanted or unit is None or family is None or child is None:
        entry.status = WaitingStatus.LEFT
        uow.waiting_list.update(entry)
        return False
    policy = unit.rules.waiting_list
    if policy.mode is PromotionMode.AUTOMATIC:
        number = _book(uow, entry, now, SYSTEM)
        _mail(uow, entry, establishment, "waiting_list_promoted", {"number": number}, now)
        return True
    start = paris_time(entry.day, unit.start)
    expires = min(now.add(hours=policy.offer_hours), start, key=lambda m: m.timestamp())
    entry.status, entry.offer_expires_at = WaitingStatus.OFFERED, expires
    uow.waiting_list.update(entry)
    uow.reservations.record(_event(entry, EventKind.OFFERED, now, SYSTEM))
    offer = {"expires": french_moment(expires)}
    _mail(uow, entry, establishment, "waiting_list_offer", offer, now)
    return True


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


def _mail(
    uow: UnitOfWork,
    entry: WaitingEntry,
    establishment: Establishment,
    template: str,
    extra: dict[str, str],
    now: pendulum.DateTime,
) -> None:
    family = uow.families.get(entry.family_id)
    if family is None:
        return
    account = uow.accounts.of_family(entry.family_id)
    recipient = account.email if account is not None else family.main_guardian.email
    child = next((c for c in family.children if c.id == entry.child_id), None)
    unit = establishment.unit(entry.unit_code)
    if not recipient or child is None or unit is None:
        return
    commune = uow.communes.get()
    uow.outbox.add(
        OutgoingEmail(
            recipient,
            template,
            {
                "commune": commune.name if commune else "la commune",
                "child": child.first_name,
                "establishment": establishment.name,
                "unit": unit.label,
                "day": _french_day(entry.day),
                **extra,
            },
            created_at=now,
        )
    )


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
    """Active entries with their position in their queue (1 = next to get a place)."""
    with uow:
        entries = uow.waiting_list.active(establishment_code, first, last)
    positions: dict[PlaceKey, int] = {}
    ranked: list[tuple[WaitingEntry, int]] = []
    for entry in entries:
        positions[entry.place] = positions.get(entry.place, 0) + 1
        if family_id is None or entry.family_id == family_id:
            ranked.append((entry, positions[entry.place]))
    return ranked
