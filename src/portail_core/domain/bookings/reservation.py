"""Reservations, their history, and the waiting list of full slots.

A ``Slot`` is one unit of one establishment on one day (a cell of the planning). A reservation is
kept when cancelled (its status changes), and every change is a ``ReservationEvent``: who, when,
through which channel, under which confirmation number.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date

import pendulum
from attrs import define, field, frozen

from portail_core.domain.audit import Actor
from portail_core.domain.shared.instants import as_utc

__all__ = [
    "EventKind",
    "PlaceKey",
    "Reservation",
    "ReservationEvent",
    "ReservationStatus",
    "Slot",
    "WaitingEntry",
    "WaitingStatus",
    "new_confirmation_number",
]


@frozen(order=True)
class Slot:
    """One unit of an establishment on one day: a cell of the planning."""

    day: date
    unit_code: str


@frozen(order=True)
class PlaceKey:
    """What a place is counted against: a unit on a day, for one age group ("" when none)."""

    establishment_code: str
    unit_code: str
    day: date
    age_group: str = ""


class ReservationStatus(enum.Enum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


@define(slots=False, eq=False)
class Reservation:
    family_id: int
    child_id: int
    establishment_code: str
    unit_code: str
    day: date
    age_group: str  # "" when the unit has no age groups
    booked_at: pendulum.DateTime = field(converter=as_utc)
    confirmation: str
    status: ReservationStatus = ReservationStatus.BOOKED
    cancelled_at: pendulum.DateTime | None = None
    id: int | None = field(default=None, kw_only=True)

    @property
    def slot(self) -> Slot:
        return Slot(self.day, self.unit_code)

    @property
    def place(self) -> PlaceKey:
        return PlaceKey(self.establishment_code, self.unit_code, self.day, self.age_group)

    def cancel(self, at: pendulum.DateTime) -> None:
        self.status = ReservationStatus.CANCELLED
        self.cancelled_at = as_utc(at)


class EventKind(enum.Enum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    WAITLISTED = "waitlisted"
    PROMOTED = "promoted"  # booked from the waiting list
    OFFERED = "offered"  # a freed place is offered until an expiry
    LEFT_WAITING_LIST = "left_waiting_list"
    OFFER_EXPIRED = "offer_expired"

    @property
    def label(self) -> str:
        return {
            EventKind.BOOKED: "Réservation",
            EventKind.CANCELLED: "Annulation",
            EventKind.WAITLISTED: "Inscription en liste d'attente",
            EventKind.PROMOTED: "Réservation depuis la liste d'attente",
            EventKind.OFFERED: "Place proposée (liste d'attente)",
            EventKind.LEFT_WAITING_LIST: "Sortie de la liste d'attente",
            EventKind.OFFER_EXPIRED: "Proposition de place expirée",
        }[self]


@frozen
class ReservationEvent:
    """One line of a child's reservation history."""

    at: pendulum.DateTime = field(converter=as_utc)
    actor: Actor
    kind: EventKind
    family_id: int
    child_id: int
    establishment_code: str
    unit_code: str
    day: date
    confirmation: str = ""
    reason: str = ""  # why staff forced a change past a deadline


class WaitingStatus(enum.Enum):
    WAITING = "waiting"
    OFFERED = "offered"
    PROMOTED = "promoted"
    LEFT = "left"  # the family withdrew, or booked otherwise
    EXPIRED = "expired"  # an offer was not accepted in time, or the day has passed


@define(slots=False, eq=False)
class WaitingEntry:
    family_id: int
    child_id: int
    establishment_code: str
    unit_code: str
    day: date
    age_group: str
    joined_at: pendulum.DateTime = field(converter=as_utc)
    status: WaitingStatus = WaitingStatus.WAITING
    offer_expires_at: pendulum.DateTime | None = None
    id: int | None = field(default=None, kw_only=True)

    @property
    def slot(self) -> Slot:
        return Slot(self.day, self.unit_code)

    @property
    def place(self) -> PlaceKey:
        return PlaceKey(self.establishment_code, self.unit_code, self.day, self.age_group)

    @property
    def active(self) -> bool:
        return self.status in {WaitingStatus.WAITING, WaitingStatus.OFFERED}


CONFIRMATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_confirmation_number() -> str:
    """ "R-7KQ2-M9XP": short to read on the phone, random so that numbers reveal nothing."""
    chars = "".join(secrets.choice(CONFIRMATION_ALPHABET) for _ in range(8))
    return f"R-{chars[:4]}-{chars[4:]}"
