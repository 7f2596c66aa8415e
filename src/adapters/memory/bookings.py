"""In-memory twins of the reservation, waiting-list and draft repositories."""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable, Sequence
from datetime import date

import attrs
import pendulum
from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.audit import Actor
from portail_core.domain.bookings.reservation import (
    PlaceKey,
    Reservation,
    ReservationEvent,
    ReservationStatus,
    WaitingEntry,
    WaitingStatus,
)
from portail_core.domain.bookings.selection import PlanningDraft
from portail_core.errors import Conflict

__all__ = [
    "BookingState",
    "InMemoryBookingRepositories",
    "InMemoryPlanningDraftRepository",
    "InMemoryReservationRepository",
    "InMemoryWaitingListRepository",
]


@define
class BookingState:
    reservations: dict[int, Reservation] = field(factory=dict)
    events: list[ReservationEvent] = field(factory=list)
    waiting: dict[int, WaitingEntry] = field(factory=dict)
    drafts: dict[str, PlanningDraft] = field(factory=dict)


def _offer_runs(entry: WaitingEntry, now: pendulum.DateTime) -> bool:
    return (
        entry.status is WaitingStatus.OFFERED
        and entry.offer_expires_at is not None
        and entry.offer_expires_at.timestamp() >= now.timestamp()
    )


class InMemoryReservationRepository:
    def __init__(self, state: BookingState) -> None:
        self._state = state

    def lock_places(self, keys: Iterable[PlaceKey]) -> None:
        """Units of work on one store are serialised already."""
        del keys

    def taken(
        self, establishment_code: str, first: date, last: date, now: pendulum.DateTime
    ) -> dict[PlaceKey, int]:
        counts: dict[PlaceKey, int] = {}
        booked = [
            r.place
            for r in self._state.reservations.values()
            if r.status is ReservationStatus.BOOKED
        ]
        offered = [e.place for e in self._state.waiting.values() if _offer_runs(e, now)]
        for place in booked + offered:
            if place.establishment_code == establishment_code and first <= place.day <= last:
                counts[place] = counts.get(place, 0) + 1
        return counts

    def add_all(self, reservations: Sequence[Reservation]) -> None:
        for reservation in reservations:
            self.add(reservation)

    def add(self, reservation: Reservation) -> None:
        if any(
            r.status is ReservationStatus.BOOKED
            and r.child_id == reservation.child_id
            and r.place == reservation.place
            for r in self._state.reservations.values()
        ):
            raise Conflict("Ce créneau est déjà réservé pour cet enfant.")
        reservation.id = max(self._state.reservations, default=0) + 1
        self._state.reservations[reservation.id] = copy.deepcopy(reservation)

    def update(self, reservation: Reservation) -> None:
        assert reservation.id is not None  # noqa: S101  (a twin for tests)
        self._state.reservations[reservation.id] = copy.deepcopy(reservation)

    def of_child(
        self, child_id: int, establishment_code: str | None, first: date, last: date
    ) -> list[Reservation]:
        found = [
            r
            for r in self._state.reservations.values()
            if r.child_id == child_id
            and r.status is ReservationStatus.BOOKED
            and (establishment_code is None or r.establishment_code == establishment_code)
            and first <= r.day <= last
        ]
        return copy.deepcopy(sorted(found, key=lambda r: (r.day, r.id or 0)))

    def on_day(self, establishment_code: str, day: date) -> list[Reservation]:
        found = [
            r
            for r in self._state.reservations.values()
            if r.establishment_code == establishment_code
            and r.day == day
            and r.status is ReservationStatus.BOOKED
        ]
        return copy.deepcopy(sorted(found, key=lambda r: r.id or 0))

    def booked_slots(
        self, first: date, last: date, establishment_code: str | None = None
    ) -> list[tuple[int, int, str, str, date]]:
        found = sorted(
            (
                r
                for r in self._state.reservations.values()
                if r.status is ReservationStatus.BOOKED
                and first <= r.day <= last
                and establishment_code in (None, r.establishment_code)
            ),
            key=lambda r: (r.family_id, r.day, r.id or 0),
        )
        return [(r.family_id, r.child_id, r.establishment_code, r.unit_code, r.day) for r in found]

    def booked_between(self, first: date, last: date) -> list[Reservation]:
        found = [
            r
            for r in self._state.reservations.values()
            if r.status is ReservationStatus.BOOKED and first <= r.day <= last
        ]
        return copy.deepcopy(sorted(found, key=lambda r: (r.family_id, r.day, r.id or 0)))

    def record(self, event: ReservationEvent) -> None:
        self._state.events.append(event)

    def record_all(self, events: Sequence[ReservationEvent]) -> None:
        for event in events:
            self.record(event)

    def history(self, child_id: int, limit: int) -> list[ReservationEvent]:
        """Most recent first, like ``ORDER BY at DESC, id DESC``."""
        mine = [(n, e) for n, e in enumerate(self._state.events) if e.child_id == child_id]
        mine.sort(key=lambda item: (item[1].at.timestamp(), item[0]), reverse=True)
        return [e for _, e in mine[:limit]]

    def of_family(self, family_id: int) -> list[Reservation]:
        found = [r for r in self._state.reservations.values() if r.family_id == family_id]
        return copy.deepcopy(sorted(found, key=lambda r: (r.day, r.id or 0)))

    def pseudonymise_history(
        self, family_id: int, identities: Collection[str], pseudonym: str
    ) -> int:
        lowered = {identity.lower() for identity in identities}
        changed = 0
        for index, event in enumerate(self._state.events):
            if event.family_id == family_id:
                actor = event.actor
                if actor.identifier.lower() in lowered:
                    actor = Actor(pseudonym, actor.channel)
                self._state.events[index] = attrs.evolve(event, actor=actor, reason="")
                changed += 1
        return changed


class InMemoryWaitingListRepository:
    def __init__(self, state: BookingState) -> None:
        self._state = state

    def add(self, entry: WaitingEntry) -> None:
        entry.id = max(self._state.waiting, default=0) + 1
        self._state.waiting[entry.id] = copy.deepcopy(entry)

    def update(self, entry: WaitingEntry) -> None:
        assert entry.id is not None  # noqa: S101  (a twin for tests)
        self._state.waiting[entry.id] = copy.deepcopy(entry)

    def get(self, entry_id: int, *, for_update: bool = False) -> WaitingEntry | None:
        return copy.deepcopy(self._state.waiting.get(entry_id))

    def _ordered(self) -> list[WaitingEntry]:
        return sorted(
            (e for e in self._state.waiting.values() if e.active),
            key=lambda e: (e.day, e.unit_code, e.age_group, e.joined_at, e.id or 0),
        )

    def queue(self, place: PlaceKey) -> list[WaitingEntry]:
        return copy.deepcopy([e for e in self._ordered() if e.place == place])

    def active(
        self,
        establishment_code: str | None,
        first: date,
        last: date,
        *,
        child_id: int | None = None,
    ) -> list[WaitingEntry]:
        return copy.deepcopy(
            [
                e
                for e in self._ordered()
                if (establishment_code is None or e.establishment_code == establishment_code)
                and first <= e.day <= last
                and (child_id is None or e.child_id == child_id)
            ]
        )

    def ranked(
        self,
        establishment_code: str | None,
        first: date,
        last: date,
        *,
        family_id: int | None = None,
        child_id: int | None = None,
    ) -> list[tuple[WaitingEntry, int]]:
        positions: dict[PlaceKey, int] = {}
        ranked = []
        for e in self._ordered():
            positions[e.place] = positions.get(e.place, 0) + 1
            if (
                (establishment_code is None or e.establishment_code == establishment_code)
                and first <= e.day <= last
                and (family_id is None or e.family_id == family_id)
                and (child_id is None or e.child_id == child_id)
            ):
                ranked.append((copy.deepcopy(e), positions[e.place]))
        return ranked

    def of_family(self, family_id: int) -> list[WaitingEntry]:
        found = [e for e in self._state.waiting.values() if e.family_id == family_id]
        return copy.deepcopy(sorted(found, key=lambda e: (e.day, e.unit_code, e.id or 0)))

    def expired_offers(self, now: pendulum.DateTime) -> list[WaitingEntry]:
        return copy.deepcopy(
            [
                e
                for e in self._ordered()
                if e.status is WaitingStatus.OFFERED
                and e.offer_expires_at is not None
                and e.offer_expires_at.timestamp() < now.timestamp()
            ]
        )


class InMemoryPlanningDraftRepository:
    def __init__(self, state: BookingState) -> None:
        self._state = state

    def add(self, draft: PlanningDraft) -> None:
        self._state.drafts[draft.token] = copy.deepcopy(draft)

    def get(self, token: str, *, for_update: bool = False) -> PlanningDraft | None:
        return copy.deepcopy(self._state.drafts.get(token))

    def update(self, draft: PlanningDraft) -> None:
        self._state.drafts[draft.token] = copy.deepcopy(draft)

    def purge(self, created_before: pendulum.DateTime) -> int:
        old = [t for t, d in self._state.drafts.items() if d.created_at < created_before]
        for token in old:
            del self._state.drafts[token]
        return len(old)

    def delete_of_family(self, family_id: int) -> int:
        mine = [t for t, d in self._state.drafts.items() if d.family_id == family_id]
        for token in mine:
            del self._state.drafts[token]
        return len(mine)


class InMemoryBookingRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's BookingState."""

    @property
    def reservations(self) -> InMemoryReservationRepository:
        return InMemoryReservationRepository(self.state(BookingState))

    @property
    def waiting_list(self) -> InMemoryWaitingListRepository:
        return InMemoryWaitingListRepository(self.state(BookingState))

    @property
    def drafts(self) -> InMemoryPlanningDraftRepository:
        return InMemoryPlanningDraftRepository(self.state(BookingState))
