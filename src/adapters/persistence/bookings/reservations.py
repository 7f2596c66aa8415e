"""Reservations (kept when cancelled) and their history events."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from typing import Any

import pendulum
from sqlalchemy import (
    Connection,
    DateTime,
    Row,
    bindparam,
    func,
    insert,
    select,
    text,
    type_coerce,
    union_all,
    update,
)

from adapters.persistence.tables import (
    reservation_events,
    reservations,
    waiting_entries,
)
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.bookings.reservation import (
    EventKind,
    PlaceKey,
    Reservation,
    ReservationEvent,
    ReservationStatus,
    WaitingStatus,
)
from portail_core.domain.shared.instants import UTC

__all__ = ["BOOKED", "SqlReservationRepository"]


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


def _taken() -> Any:
    """Places booked, and held by an offer still running, per unit, day and age group of
    ``:code`` from ``:first`` to ``:last``: one statement, built once (every grid, validation
    and confirmation asks)."""
    r, w = reservations.c, waiting_entries.c
    booked = (
        select(r.unit_code, r.day, r.age_group, func.count())
        .where(r.establishment_code == bindparam("code"), r.status == BOOKED)
        .where(r.day.between(bindparam("first"), bindparam("last")))
        .group_by(r.unit_code, r.day, r.age_group)
    )
    offered = (
        select(w.unit_code, w.day, w.age_group, func.count())
        .where(w.establishment_code == bindparam("code"))
        .where(w.status == WaitingStatus.OFFERED.value, w.offer_expires_at >= bindparam("now"))
        .where(w.day.between(bindparam("first"), bindparam("last")))
        .group_by(w.unit_code, w.day, w.age_group)
    )
    return union_all(booked, offered)


def _of_child(in_establishment: bool) -> Any:
    """A child's booked reservations from ``:first`` to ``:last`` (in ``:code``), built once."""
    r = reservations.c
    query = (
        select(reservations)
        .where(r.child_id == bindparam("child_id"), r.status == BOOKED)
        .where(r.day.between(bindparam("first"), bindparam("last")))
        .order_by(r.day, r.id)
    )
    return query.where(r.establishment_code == bindparam("code")) if in_establishment else query


# The place rows a confirmation locks, given as three arrays in one order (PostgreSQL): created
# when missing, then locked in that order (two confirmations never wait for each other in a
# circle). Written once: building them from the keys each time cost more than running them.
_CREATE_LOCKS = text(
    "INSERT INTO place_locks (establishment_code, unit_code, day) "
    "SELECT * FROM unnest(CAST(:codes AS VARCHAR[]), CAST(:units AS VARCHAR[]), "
    "CAST(:days AS DATE[])) ON CONFLICT DO NOTHING"
)
_TAKE_LOCKS = text(
    "SELECT p.establishment_code, p.unit_code, p.day FROM place_locks AS p "
    "JOIN unnest(CAST(:codes AS VARCHAR[]), CAST(:units AS VARCHAR[]), CAST(:days AS DATE[])) "
    "AS wanted (establishment_code, unit_code, day) "
    "ON p.establishment_code = wanted.establishment_code AND p.unit_code = wanted.unit_code "
    "AND p.day = wanted.day ORDER BY p.establishment_code, p.unit_code, p.day FOR UPDATE OF p"
)
_TAKEN = _taken()
_OF_CHILD, _OF_CHILD_IN = _of_child(False), _of_child(True)


class SqlReservationRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def lock_places(self, keys: Iterable[PlaceKey]) -> None:
        rows = sorted({(k.establishment_code, k.unit_code, k.day) for k in keys})
        if not rows or self._connection.dialect.name != "postgresql":
            return  # SQLite: BEGIN IMMEDIATE already serialises writing transactions
        codes, units, days = (list(column) for column in zip(*rows, strict=True))
        parameters = {"codes": codes, "units": units, "days": days}
        self._connection.execute(_CREATE_LOCKS, parameters)
        self._connection.execute(_TAKE_LOCKS, parameters).all()

    def taken(
        self, establishment_code: str, first: date, last: date, now: pendulum.DateTime
    ) -> dict[PlaceKey, int]:
        parameters = {"code": establishment_code, "first": first, "last": last, "now": now}
        counts: dict[PlaceKey, int] = {}
        for unit_code, day, age_group, count in self._connection.execute(_TAKEN, parameters):
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
        parameters = {"child_id": child_id, "first": first, "last": last}
        query = _OF_CHILD
        if establishment_code is not None:
            query, parameters["code"] = _OF_CHILD_IN, establishment_code
        return [_reservation(row) for row in self._connection.execute(query, parameters)]

    def on_day(self, establishment_code: str, day: date) -> list[Reservation]:
        r = reservations.c
        query = (
            select(reservations)
            .where(r.establishment_code == establishment_code, r.day == day, r.status == BOOKED)
            .order_by(r.id)
        )
        return [_reservation(row) for row in self._connection.execute(query)]

    def booked_slots(
        self, first: date, last: date, establishment_code: str | None = None
    ) -> list[tuple[int, int, str, str, date]]:
        """Five plain columns, no Reservation built, no ORDER BY (billing reads tens of
        thousands: sorting them in PostgreSQL took a quarter of the read)."""
        r = reservations.c
        query = select(r.family_id, r.child_id, r.establishment_code, r.unit_code, r.day).where(
            r.status == BOOKED, r.day.between(first, last)
        )
        if establishment_code is not None:  # ix_reservations_place
            query = query.where(r.establishment_code == establishment_code)
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

    def of_family(self, family_id: int) -> list[Reservation]:
        r = reservations.c
        query = select(reservations).where(r.family_id == family_id).order_by(r.day, r.id)
        return [_reservation(row) for row in self._connection.execute(query)]

    def pseudonymise_history(
        self, family_id: int, identities: Collection[str], pseudonym: str
    ) -> int:
        e = reservation_events.c
        lowered = sorted({identity.lower() for identity in identities})
        self._connection.execute(
            update(reservation_events)
            .where(e.family_id == family_id, func.lower(e.actor).in_(lowered))
            .values(actor=pseudonym)
        )
        blanked = update(reservation_events).where(e.family_id == family_id).values(reason="")
        return self._connection.execute(blanked).rowcount


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
