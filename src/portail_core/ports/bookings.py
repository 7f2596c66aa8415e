"""Reservations and their history, waiting lists and planning summaries (drafts)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Protocol

import pendulum

from portail_core.domain.bookings.reservation import (
    PlaceKey,
    Reservation,
    ReservationEvent,
    WaitingEntry,
)
from portail_core.domain.bookings.selection import PlanningDraft

__all__ = [
    "BookingRepositories",
    "PlanningDraftRepository",
    "ReservationRepository",
    "WaitingListRepository",
]


class ReservationRepository(Protocol):
    """Reservations (kept when cancelled) and their history events."""

    def lock_places(self, keys: Iterable[PlaceKey]) -> None:
        """Lock the places of these units and days until the transaction ends, so that two
        confirmations for the same places run one after the other (``SELECT ... FOR UPDATE``
        on PostgreSQL; SQLite serialises writers)."""
        ...

    def taken(
        self, establishment_code: str, first: date, last: date, now: pendulum.DateTime
    ) -> dict[PlaceKey, int]:
        """Places taken per unit, day and age group: booked ones, and places offered to the
        waiting list whose offer still runs at ``now``."""
        ...

    def add(self, reservation: Reservation) -> None: ...

    def add_all(self, reservations: Sequence[Reservation]) -> None:
        """Several at once, in one statement (a confirmation); their ids are not read back."""
        ...

    def update(self, reservation: Reservation) -> None:
        """Write back status and cancellation time."""
        ...

    def of_child(
        self, child_id: int, establishment_code: str | None, first: date, last: date
    ) -> list[Reservation]:
        """The child's booked reservations between two dates (inclusive), by day."""
        ...

    def on_day(self, establishment_code: str, day: date) -> list[Reservation]:
        """Every booked reservation of that establishment on that day."""
        ...

    def booked_between(self, first: date, last: date) -> list[Reservation]:
        """Every booked reservation between two dates (inclusive), of every family (billing)."""
        ...

    def booked_slots(
        self, first: date, last: date, establishment_code: str | None = None
    ) -> list[tuple[int, int, str, str, date]]:
        """(family_id, child_id, establishment code, unit code, day) of every booked reservation
        between two dates (inclusive), of one establishment when given, in no particular order
        (billing sorts each family's own): it reads tens of thousands of them a month and needs
        no more, so that no Reservation is built."""
        ...

    def record(self, event: ReservationEvent) -> None: ...

    def record_all(self, events: Sequence[ReservationEvent]) -> None:
        """Several at once, in one statement, in that order."""
        ...

    def history(self, child_id: int, limit: int) -> list[ReservationEvent]:
        """The child's events, most recent first."""
        ...

    def of_family(self, family_id: int) -> list[Reservation]:
        """Every reservation of the family, booked or cancelled, by day (its right of access)."""
        ...

    def pseudonymise_history(
        self, family_id: int, identities: Collection[str], pseudonym: str
    ) -> int:
        """Erasure of a dossier: in the family's events, ``pseudonym`` replaces the actor when
        it is one of ``identities`` (any case), and reasons are blanked; returns how many
        events."""
        ...


class WaitingListRepository(Protocol):
    def add(self, entry: WaitingEntry) -> None: ...

    def update(self, entry: WaitingEntry) -> None: ...

    def get(self, entry_id: int, *, for_update: bool = False) -> WaitingEntry | None: ...

    def queue(self, place: PlaceKey) -> list[WaitingEntry]:
        """The active entries (waiting or offered) for a place, first come first."""
        ...

    def active(
        self,
        establishment_code: str | None,
        first: date,
        last: date,
        *,
        child_id: int | None = None,
    ) -> list[WaitingEntry]:
        """Active entries between two dates, by day, unit, age group and arrival."""
        ...

    def ranked(
        self,
        establishment_code: str | None,
        first: date,
        last: date,
        *,
        family_id: int | None = None,
        child_id: int | None = None,
    ) -> list[tuple[WaitingEntry, int]]:
        """The family's (or child's) active entries between two dates, in the order of
        ``active``, each with its place in its queue (1 = the next to get a place: earlier
        arrivals first, then smaller ids). Reads the entries of those queues only."""
        ...

    def of_family(self, family_id: int) -> list[WaitingEntry]:
        """Every entry of the family, whatever its status, by day (its right of access)."""
        ...

    def expired_offers(self, now: pendulum.DateTime) -> list[WaitingEntry]:
        """Offers whose expiry has passed, still marked as offered."""
        ...


class PlanningDraftRepository(Protocol):
    def add(self, draft: PlanningDraft) -> None: ...

    def get(self, token: str, *, for_update: bool = False) -> PlanningDraft | None: ...

    def update(self, draft: PlanningDraft) -> None:
        """Record the confirmation (number, time, outcome)."""
        ...

    def purge(self, created_before: pendulum.DateTime) -> int:
        """Delete the drafts created before that instant, confirmed or not; how many."""
        ...

    def delete_of_family(self, family_id: int) -> int:
        """Delete the family's drafts (erasure of a dossier); how many."""
        ...


class BookingRepositories(Protocol):
    """The bookings' repositories, as a unit of work gives them."""

    @property
    def reservations(self) -> ReservationRepository: ...

    @property
    def waiting_list(self) -> WaitingListRepository: ...

    @property
    def drafts(self) -> PlanningDraftRepository: ...
