"""Step 6's « Confirmer la réservation », in one transaction: the places locked, every rule
checked again on what is then read, the reservations, their history and the e-mail written, or
nothing at all."""

from __future__ import annotations

from datetime import date

import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.bookings.planning import french_moment
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
from portail_core.domain.messaging import OutgoingEmail
from portail_core.errors import NotFound, RuleViolation
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.bookings.context import (
    Booker,
    load_booker,
    place_lock_keys,
)
from portail_core.services.bookings.validation import _summary
from portail_core.services.bookings.waiting_list import fill_free_places

__all__ = ["Confirmation", "confirm_planning", "french_day"]


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
        summary = _apply(uow, sources, clock, booker, draft.selection, actor, number)
        draft.confirmation, draft.confirmed_at, draft.outcome = number, clock.now(), summary
        uow.drafts.update(draft)
        uow.commit()
    return Confirmation(number, draft.child_id, draft.establishment_code, summary)


def _apply(
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
    establishment = booker.establishment
    slots = {slot for _, slot in selection.requests()}
    uow.reservations.lock_places(place_lock_keys(establishment.code, slots))
    summary = _summary(
        uow, sources, booker, selection, clock, ignore_deadlines=forced_reason is not None
    )
    now = clock.now()
    family_id, child_id = booker.family_id, booker.child_id

    def event(kind: EventKind, slot: Slot) -> ReservationEvent:
        return ReservationEvent(
            now,
            actor,
            kind,
            family_id,
            child_id,
            establishment.code,
            slot.unit_code,
            slot.day,
            number,
            forced_reason or "",
        )

    freed: list[SelectionLine] = []
    booked: list[Reservation] = []
    events: list[ReservationEvent] = []  # written together, in this order
    for line in summary.accepted:
        if line.request is Request.BOOK:
            booked.append(
                Reservation(
                    family_id,
                    child_id,
                    establishment.code,
                    line.slot.unit_code,
                    line.slot.day,
                    line.age_group,
                    now,
                    number,
                )
            )
            events.append(event(EventKind.BOOKED, line.slot))
        elif line.request is Request.CANCEL:
            held = uow.reservations.of_child(
                child_id, establishment.code, line.slot.day, line.slot.day
            )
            for reservation in (r for r in held if r.unit_code == line.slot.unit_code):
                reservation.cancel(now)
                uow.reservations.update(reservation)
            events.append(event(EventKind.CANCELLED, line.slot))
            freed.append(line)
        else:
            uow.waiting_list.add(
                WaitingEntry(
                    family_id,
                    child_id,
                    establishment.code,
                    line.slot.unit_code,
                    line.slot.day,
                    line.age_group,
                    now,
                )
            )
            events.append(event(EventKind.WAITLISTED, line.slot))
    uow.reservations.add_all(booked)  # one statement each, whatever the number of days
    uow.reservations.record_all(events)
    for line in freed:
        fill_free_places(uow, sources, clock, establishment, line.slot)
    if summary.accepted:
        _announce(uow, booker, summary, number, now)
        _audit(uow, booker, summary, actor, number, forced_reason, now)
    return summary


def _describe(lines: list[SelectionLine], with_price: bool = True) -> str:
    def one(line: SelectionLine) -> str:
        day = french_day(line.slot.day)
        price = f" ({line.price.format_fr()})" if with_price and line.price is not None else ""
        return f"- {day} : {line.unit_label}{price}"

    return "\n".join(one(line) for line in lines)


def french_day(day: date) -> str:
    return pendulum.date(day.year, day.month, day.day).format("dddd D MMMM YYYY", locale="fr")


def _recipient(uow: UnitOfWork, booker: Booker) -> str | None:
    account = uow.accounts.of_family(booker.family_id)
    if account is not None:
        return account.email
    return booker.family.main_guardian.email


def _announce(
    uow: UnitOfWork, booker: Booker, summary: Summary, number: str, now: pendulum.DateTime
) -> None:
    recipient = _recipient(uow, booker)
    if not recipient:
        return
    commune = uow.communes.get()
    uow.outbox.add(
        OutgoingEmail(
            recipient,
            "reservation_confirmation",
            {
                "commune": commune.name if commune else "la commune",
                "number": number,
                "when": french_moment(now),
                "child": booker.child.first_name,
                "establishment": booker.establishment.name,
                "additions": _describe(summary.additions),
                "cancellations": _describe(summary.cancellations, with_price=False),
                "waiting": _describe(summary.waiting, with_price=False),
                "cost": summary.cost.format_fr(),
            },
            created_at=now,
        )
    )


def _audit(
    uow: UnitOfWork,
    booker: Booker,
    summary: Summary,
    actor: Actor,
    number: str,
    forced_reason: str | None,
    now: pendulum.DateTime,
) -> None:
    counts = {r.value: len(summary.of(r)) for r in Request}
    details: dict[str, object] = {
        "confirmation": number,
        "child_id": booker.child.id,
        "establishment": booker.establishment.code,
        **counts,
    }
    if forced_reason:
        details["forced_reason"] = forced_reason
    channel = "au guichet" if actor.channel is Channel.DESK else "sur le portail"
    uow.audit.record(
        AuditEvent(
            at=now,
            actor=actor,
            action="reservation.forced" if forced_reason else "reservation.confirm",
            summary=(
                f"Réservations de {booker.child.first_name} ({booker.establishment.name}) "
                f"{channel} : {counts['book']} ajout(s), {counts['cancel']} annulation(s), "
                f"{counts['wait']} liste(s) d'attente, confirmation {number}"
            ),
            details=details,
            family_id=booker.family.id,
        )
    )
