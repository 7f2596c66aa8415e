"""Reservations, their history, the waiting list and validated summaries, in the database."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import pendulum
from sqlalchemy import (
    Connection,
    DateTime,
    Row,
    and_,
    delete,
    func,
    insert,
    select,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert

from adapters.persistence.codec import domain_codec
from adapters.persistence.tables import (
    place_locks,
    planning_drafts,
    reservation_events,
    reservations,
    waiting_entries,
)
from adapters.persistence.transaction import OpenTransaction
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.bookings.reservation import (
    EventKind,
    PlaceKey,
    Reservation,
    ReservationEvent,
    ReservationStatus,
    WaitingEntry,
    WaitingStatus,
)
from portail_core.domain.bookings.selection import PlanningDraft, Selection, Summary
from portail_core.domain.shared.instants import UTC

__all__ = [
    "SqlBookingRepositories",
    "SqlPlanningDraftRepository",
    "SqlReservationRepository",
    "SqlWaitingListRepository",
]

BOOKED = ReservationStatus.BOOKED.value


def _reservation(row: Row[Any], booked_at: pendulum.DateTime | None = None) -> Reservation:
    return Reservation(
        row.family_id,
        row.child_id,
        row.establishment_code,
        row.unit_code,
        row.day,
        row.age_group,
        row.booked_at if booked_at is None else booked_at,
        row.confirmation,
        ReservationStatus(row.status),
        row.cancelled_at,
        id=row.id,
    )


def _event(row: Row[Any]) -> ReservationEvent:
    return ReservationEvent(
        row.at,
        Actor(row.actor, Channel(row.channel)),
        EventKind(row.kind),
        row.family_id,
        row.child_id,
        row.establishment_code,
        row.unit_code,
        row.day,
        row.confirmation,
        row.reason,
    )


class SqlReservationRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def lock_places(self, keys: Iterable[PlaceKey]) -> None:
        rows = sorted({(k.establishment_code, k.unit_code, k.day) for k in keys})
        if not rows or self._connection.dialect.name != "postgresql":
            return  # SQLite: BEGIN IMMEDIATE already serialises writing transactions
        values = [{"establishment_code": e, "unit_code": u, "day": d} for e, u, d in rows]
        self._connection.execute(pg_insert(place_locks).values(values).on_conflict_do_nothing())
        columns = (place_locks.c.establishment_code, place_locks.c.unit_code, place_locks.c.day)
        self._connection.execute(
            select(*columns).where(tuple_(*columns).in_(rows)).order_by(*columns).with_for_update()
        ).all()

    def taken(
        self, establishment_code: str, first: date, last: date, now: pendulum.DateTime
    ) -> dict[PlaceKey, int]:
        r, w = reservations.c, waiting_entries.c
        booked = (
            select(r.unit_code, r.day, r.age_group, func.count())
            .where(r.establishment_code == establishment_code, r.status == BOOKED)
            .where(r.day.between(first, last))
            .group_by(r.unit_code, r.day, r.age_group)
        )
        offered = (
            select(w.unit_code, w.day, w.age_group, func.count())
            .where(w.establishment_code == establishment_code)
            .where(w.status == WaitingStatus.OFFERED.value, w.offer_expires_at >= now)
            .where(w.day.between(first, last))
            .group_by(w.unit_code, w.day, w.age_group)
        )
        counts: dict[PlaceKey, int] = {}
        for query in (booked, offered):
            for unit_code, day, age_group, count in self._connection.execute(query):
                key = PlaceKey(establishment_code, unit_code, day, age_group)
                counts[key] = counts.get(key, 0) + count
        return counts

    def add(self, reservation: Reservation) -> None:
        statement = insert(reservations).values(**_reservation_row(reservation))
        reservation.id = self._connection.execute(
            statement.returning(reservations.c.id)
        ).scalar_one()

    def add_all(self, new: Sequence[Reservation]) -> None:
        if new:
            self._connection.execute(insert(reservations), [_reservation_row(r) for r in new])

    def update(self, reservation: Reservation) -> None:
        self._connection.execute(
            update(reservations)
            .where(reservations.c.id == reservation.id)
            .values(status=reservation.status.value, cancelled_at=reservation.cancelled_at)
        )

    def of_child(
        self, child_id: int, establishment_code: str | None, first: date, last: date
    ) -> list[Reservation]:
        r = reservations.c
        query = (
            select(reservations)
            .where(r.child_id == child_id, r.status == BOOKED, r.day.between(first, last))
            .order_by(r.day, r.id)
        )
        if establishment_code is not None:
            query = query.where(r.establishment_code == establishment_code)
        return [_reservation(row) for row in self._connection.execute(query)]

    def on_day(self, establishment_code: str, day: date) -> list[Reservation]:
        r = reservations.c
        query = (
            select(reservations)
            .where(r.establishment_code == establishment_code, r.day == day, r.status == BOOKED)
            .order_by(r.id)
        )
        return [_reservation(row) for row in self._connection.execute(query)]

    def booked_slots(self, first: date, last: date) -> list[tuple[int, int, str, str, date]]:
        """Five plain columns, no Reservation built, no ORDER BY (billing reads tens of
        thousands: sorting them in PostgreSQL took a quarter of the read)."""
        r = reservations.c
        query = select(r.family_id, r.child_id, r.establishment_code, r.unit_code, r.day).where(
            r.status == BOOKED, r.day.between(first, last)
        )
        rows = self._connection.execute(query)  # Rows: unpacked into plain tuples
        return [
            (family, child, establishment, unit, day)
            for family, child, establishment, unit, day in rows
        ]

    def booked_between(self, first: date, last: date) -> list[Reservation]:
        """A month of a town's bookings (billing): tens of thousands of rows. A confirmation
        books many slots at once, so that their instants are read once per distinct value."""
        r = reservations.c
        columns = [c for c in reservations.c if c.name != "booked_at"]
        query = (
            select(*columns, type_coerce(r.booked_at, DateTime).label("booked_at"))
            .where(r.status == BOOKED, r.day.between(first, last))
            .order_by(r.family_id, r.day, r.id)
        )
        instants: dict[datetime, pendulum.DateTime] = {}
        found = []
        rows: Iterable[Row[Any]] = self._connection.execute(query)
        for row in rows:
            booked_at = instants.get(row.booked_at)
            if booked_at is None:
                booked_at = instants[row.booked_at] = pendulum.instance(row.booked_at, tz=UTC)
            found.append(_reservation(row, booked_at))
        return found

    def record(self, event: ReservationEvent) -> None:
        self._connection.execute(insert(reservation_events).values(**_event_row(event)))

    def record_all(self, events: Sequence[ReservationEvent]) -> None:
        if events:  # executemany keeps the order, and so the ids follow the events
            self._connection.execute(insert(reservation_events), [_event_row(e) for e in events])

    def history(self, child_id: int, limit: int) -> list[ReservationEvent]:
        e = reservation_events.c
        query = (
            select(reservation_events)
            .where(e.child_id == child_id)
            .order_by(e.at.desc(), e.id.desc())
            .limit(limit)
        )
        return [_event(row) for row in self._connection.execute(query)]


def _entry(row: Row[Any]) -> WaitingEntry:
    return WaitingEntry(
        row.family_id,
        row.child_id,
        row.establishment_code,
        row.unit_code,
        row.day,
        row.age_group,
        row.joined_at,
        WaitingStatus(row.status),
        row.offer_expires_at,
        id=row.id,
    )


ACTIVE = (WaitingStatus.WAITING.value, WaitingStatus.OFFERED.value)


class SqlWaitingListRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, entry: WaitingEntry) -> None:
        statement = insert(waiting_entries).values(
            family_id=entry.family_id,
            child_id=entry.child_id,
            establishment_code=entry.establishment_code,
            unit_code=entry.unit_code,
            day=entry.day,
            age_group=entry.age_group,
            joined_at=entry.joined_at,
            status=entry.status.value,
            offer_expires_at=entry.offer_expires_at,
        )
        entry.id = self._connection.execute(statement.returning(waiting_entries.c.id)).scalar_one()

    def update(self, entry: WaitingEntry) -> None:
        self._connection.execute(
            update(waiting_entries)
            .where(waiting_entries.c.id == entry.id)
            .values(status=entry.status.value, offer_expires_at=entry.offer_expires_at)
        )

    def get(self, entry_id: int, *, for_update: bool = False) -> WaitingEntry | None:
        query = select(waiting_entries).where(waiting_entries.c.id == entry_id)
        row = self._connection.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else _entry(row)

    def _ordered(self) -> Any:
        w = waiting_entries.c
        return (
            select(waiting_entries)
            .where(w.status.in_(ACTIVE))
            .order_by(w.day, w.unit_code, w.age_group, w.joined_at, w.id)
        )

    def queue(self, place: PlaceKey) -> list[WaitingEntry]:
        w = waiting_entries.c
        query = self._ordered().where(
            w.establishment_code == place.establishment_code,
            w.unit_code == place.unit_code,
            w.day == place.day,
            w.age_group == place.age_group,
        )
        return [_entry(row) for row in self._connection.execute(query)]

    def active(
        self,
        establishment_code: str | None,
        first: date,
        last: date,
        *,
        child_id: int | None = None,
    ) -> list[WaitingEntry]:
        w = waiting_entries.c
        query = self._ordered().where(w.day.between(first, last))
        if establishment_code is not None:
            query = query.where(w.establishment_code == establishment_code)
        if child_id is not None:
            query = query.where(w.child_id == child_id)
        return [_entry(row) for row in self._connection.execute(query)]

    def expired_offers(self, now: pendulum.DateTime) -> list[WaitingEntry]:
        w = waiting_entries.c
        query = self._ordered().where(
            and_(w.status == WaitingStatus.OFFERED.value, w.offer_expires_at < now)
        )
        return [_entry(row) for row in self._connection.execute(query)]


def _draft(row: Row[Any]) -> PlanningDraft:
    codec = domain_codec()
    return PlanningDraft(
        token=row.token,
        family_id=row.family_id,
        child_id=row.child_id,
        establishment_code=row.establishment_code,
        selection=codec.structure(row.selection, Selection),
        created_at=row.created_at,
        summary=None if row.summary is None else codec.structure(row.summary, Summary),
        confirmation=row.confirmation,
        confirmed_at=row.confirmed_at,
        outcome=None if row.outcome is None else codec.structure(row.outcome, Summary),
    )


class SqlPlanningDraftRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, draft: PlanningDraft) -> None:
        codec = domain_codec()
        self._connection.execute(
            insert(planning_drafts).values(
                token=draft.token,
                family_id=draft.family_id,
                child_id=draft.child_id,
                establishment_code=draft.establishment_code,
                selection=codec.unstructure(draft.selection),
                created_at=draft.created_at,
                summary=None if draft.summary is None else codec.unstructure(draft.summary),
            )
        )

    def get(self, token: str, *, for_update: bool = False) -> PlanningDraft | None:
        query = select(planning_drafts).where(planning_drafts.c.token == token)
        row = self._connection.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else _draft(row)

    def purge(self, created_before: pendulum.DateTime) -> int:
        statement = delete(planning_drafts).where(planning_drafts.c.created_at < created_before)
        return self._connection.execute(statement).rowcount

    def update(self, draft: PlanningDraft) -> None:
        outcome = None if draft.outcome is None else domain_codec().unstructure(draft.outcome)
        self._connection.execute(
            update(planning_drafts)
            .where(planning_drafts.c.token == draft.token)
            .values(
                confirmation=draft.confirmation,
                confirmed_at=draft.confirmed_at,
                outcome=outcome,
            )
        )


def _reservation_row(reservation: Reservation) -> dict[str, Any]:
    return {
        "family_id": reservation.family_id,
        "child_id": reservation.child_id,
        "establishment_code": reservation.establishment_code,
        "unit_code": reservation.unit_code,
        "day": reservation.day,
        "age_group": reservation.age_group,
        "status": reservation.status.value,
        "booked_at": reservation.booked_at,
        "confirmation": reservation.confirmation,
        "cancelled_at": reservation.cancelled_at,
    }


def _event_row(event: ReservationEvent) -> dict[str, Any]:
    return {
        "at": event.at,
        "actor": event.actor.identifier,
        "channel": event.actor.channel.value,
        "kind": event.kind.value,
        "family_id": event.family_id,
        "child_id": event.child_id,
        "establishment_code": event.establishment_code,
        "unit_code": event.unit_code,
        "day": event.day,
        "confirmation": event.confirmation,
        "reason": event.reason,
    }


class SqlBookingRepositories(OpenTransaction):
    """The repositories a unit of work gives on its transaction."""

    @property
    def reservations(self) -> SqlReservationRepository:
        return SqlReservationRepository(self.connection())

    @property
    def waiting_list(self) -> SqlWaitingListRepository:
        return SqlWaitingListRepository(self.connection())

    @property
    def drafts(self) -> SqlPlanningDraftRepository:
        return SqlPlanningDraftRepository(self.connection())
