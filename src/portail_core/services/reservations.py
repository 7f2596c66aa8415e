"""Use cases of the reservation flow: the planning, "Valider le planning", "Confirmer la
réservation", and the desk booking or cancelling on a family's behalf.

Confirmation is one transaction: it locks the places it touches, checks every rule again on what
it then reads, writes the reservations, their history and the e-mail, or nothing at all.
"""

from __future__ import annotations

import secrets
from datetime import date

import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor, AuditEvent, Channel
from portail_core.domain.bookings.planning import Planning, french_moment
from portail_core.domain.bookings.reservation import (
    EventKind,
    Reservation,
    ReservationEvent,
    Slot,
    WaitingEntry,
    new_confirmation_number,
)
from portail_core.domain.bookings.selection import (
    PlanningDraft,
    Request,
    Selection,
    SelectionLine,
    Summary,
    validate_selection,
)
from portail_core.domain.catalogue.establishments import Establishment, ServiceKind
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.shared.text import clean_line
from portail_core.errors import InvalidInput, NotFound, RuleViolation
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.opening_calendar import CalendarSources
from portail_core.services.planning_context import (
    Booker,
    family_refusals,
    load_booker,
    load_planning,
    place_lock_keys,
)
from portail_core.services.waiting_list import fill_free_places

__all__ = [
    "Confirmation",
    "Validation",
    "book_at_desk",
    "bookable_establishments",
    "child_history",
    "confirm_planning",
    "draft_of_family",
    "purge_planning_drafts",
    "show_planning",
    "validate_planning",
]

DRAFT_RETENTION_DAYS = 7
MAX_SLOTS = 1000  # a selection larger than a term of every unit is not a family's


def bookable_establishments(uow: UnitOfWork, family_id: int, child_id: int) -> list[Establishment]:
    """Step 3: the establishments this child may be booked in (an APS or a school restaurant
    only for the child's school; not the SMA, which takes pre-registrations)."""
    with uow:
        family = uow.families.get(family_id)
        child = (
            None if family is None else next((c for c in family.children if c.id == child_id), None)
        )
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


@frozen
class Validation:
    summary: Summary
    draft_token: str | None  # None when nothing can be confirmed


def _span(selection: Selection) -> tuple[date, date]:
    days = [slot.day for _, slot in selection.requests()]
    return min(days), max(days)


def _check_size(selection: Selection) -> None:
    if selection.empty:
        raise InvalidInput("Vous n'avez rien coché ni décoché : aucun changement à valider.")
    if len(selection.book) + len(selection.cancel) + len(selection.wait) > MAX_SLOTS:
        raise InvalidInput(f"{MAX_SLOTS} créneaux au plus par validation.")


def _summary(
    uow: UnitOfWork,
    sources: CalendarSources,
    booker: Booker,
    selection: Selection,
    clock: Clock,
    *,
    ignore_deadlines: bool = False,
) -> Summary:
    first, last = _span(selection)
    asked = {slot.day for _, slot in selection.requests()}
    planning = load_planning(
        uow,
        sources,
        booker,
        first,
        last,
        clock.now(),
        ignore_deadlines=ignore_deadlines,
        only=asked,
    )
    wanted = [slot.day for request, slot in selection.requests() if request is not Request.CANCEL]
    refusals = family_refusals(uow, booker, wanted, clock.today()) if wanted else ()
    return validate_selection(planning, selection, refusals)


def validate_planning(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    family_id: int,
    child_id: int,
    establishment_code: str,
    selection: Selection,
) -> Validation:
    """Step 5's "Valider le planning": the summary, kept as a draft to confirm."""
    _check_size(selection)
    with uow:
        booker = load_booker(uow, family_id, child_id, establishment_code)
        summary = _summary(uow, sources, booker, selection, clock)
        if not summary.accepted:
            return Validation(summary, None)
        draft = PlanningDraft(
            token=secrets.token_urlsafe(24),
            family_id=family_id,
            child_id=child_id,
            establishment_code=establishment_code,
            selection=summary.selection,
            created_at=clock.now(),
            summary=summary,
        )
        uow.drafts.add(draft)
        uow.commit()
    return Validation(summary, draft.token)


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


def book_at_desk(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    family_id: int,
    child_id: int,
    establishment_code: str,
    selection: Selection,
    actor: Actor,
    forced_reason: str | None = None,
) -> Confirmation:
    """Staff book or cancel on a family's behalf (a phone call), in one step. Past a deadline
    only when forced with a reason, which the history and the audit trail keep."""
    _check_size(selection)
    if forced_reason is not None:
        forced_reason = _forced_reason(forced_reason)
    with uow:
        booker = load_booker(uow, family_id, child_id, establishment_code)
        number = new_confirmation_number()
        summary = _apply(
            uow, sources, clock, booker, selection, actor, number, forced_reason=forced_reason
        )
        uow.commit()
    return Confirmation(number, child_id, establishment_code, summary)


MAX_REASON = 300  # the history's column


def _forced_reason(text: str) -> str:
    """One readable line of 5 to 300 characters: it goes to the history and the audit trail."""
    reason = clean_line(text)
    if reason is None or not 5 <= len(reason) <= MAX_REASON:
        raise InvalidInput(
            f"Indiquez la raison du forçage sur une ligne, de 5 à {MAX_REASON} caractères."
        )
    return reason


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


def child_history(
    uow: UnitOfWork, *, family_id: int, child_id: int, limit: int = 500
) -> list[ReservationEvent]:
    """The "Historique" of one child's reservations, most recent first."""
    with uow:
        family = uow.families.get(family_id)
        if family is None or all(c.id != child_id for c in family.children):
            raise NotFound("Enfant introuvable dans votre dossier.")
        return uow.reservations.history(child_id, limit)


def draft_of_family(uow: UnitOfWork, *, family_id: int, token: str) -> PlanningDraft:
    """A validated summary, to show it again (another family's answers NotFound)."""
    with uow:
        draft = uow.drafts.get(token)
    if draft is None or draft.family_id != family_id:
        raise NotFound("Ce récapitulatif n'existe pas ou ne vous concerne pas.")
    return draft


def purge_planning_drafts(
    uow: UnitOfWork, clock: Clock, *, days: int = DRAFT_RETENTION_DAYS
) -> int:
    """Delete the validated summaries (drafts) created more than ``days`` days ago, confirmed or
    not; how many. Every « Valider le planning » keeps one; an unconfirmed one is dead after an
    hour, a confirmed one only serves its confirmation page. The reservations, their history
    and the e-mails keep the confirmation number."""
    if not 1 <= days <= 365:
        raise InvalidInput("La durée de conservation va de 1 à 365 jours.")
    with uow:
        purged = uow.drafts.purge(clock.now().subtract(days=days))
        uow.commit()
    return purged
