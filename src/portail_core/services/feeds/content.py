"""What a family's feed holds: its children's booked reservations from ``PAST_DAYS`` ago on,
each with the unit's hours on its day. Only the children's first names, the structures, their
service and units: never the family's name, never health information."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from portail_core.domain.bookings.reservation import Reservation, ReservationStatus
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.communes import Commune
from portail_core.domain.dossiers.family import Family
from portail_core.domain.feeds import FeedCalendar, FeedEvent

__all__ = ["feed_calendar", "reservation_uid"]


def reservation_uid(reservation: Reservation, commune: Commune | None) -> str:
    """Stable for the reservation's life, unique across towns (their INSEE code)."""
    town = commune.insee_code if commune is not None else "commune"
    return f"reservation-{reservation.id}-{town}@portail-famille"


def feed_calendar(
    family: Family,
    reservations: Iterable[Reservation],
    catalogue: Catalogue,
    commune: Commune | None,
    since: date,
) -> FeedCalendar:
    """The feed of ``family``: booked reservations on or after ``since`` (cancelled ones are
    left out, so calendars drop them); those of a unit no longer offered are left out too,
    their hours being unknown."""
    first_names = {child.id: child.first_name for child in family.children}
    events = []
    for reservation in reservations:
        if reservation.status is not ReservationStatus.BOOKED or reservation.day < since:
            continue
        establishment = catalogue.establishment(reservation.establishment_code)
        unit = establishment.unit(reservation.unit_code) if establishment else None
        if establishment is None or unit is None:
            continue
        first_name = first_names.get(reservation.child_id, "Enfant")
        place = ", ".join(part for part in (establishment.name, establishment.address) if part)
        events.append(
            FeedEvent(
                uid=reservation_uid(reservation, commune),
                day=reservation.day,
                start=unit.start,
                end=unit.end,
                summary=f"{first_name} : {unit.label} ({establishment.name})",
                location=place,
                description=(
                    f"{establishment.kind.label}, {establishment.name} : {unit.label}.\n"
                    f"Réservation n° {reservation.confirmation}."
                ),
                stamp=reservation.booked_at,
            )
        )
    events.sort(key=lambda event: (event.day, event.start, event.summary))
    town = commune.name if commune is not None else "Portail Famille"
    return FeedCalendar(name=f"Réservations – {town}", events=tuple(events))
