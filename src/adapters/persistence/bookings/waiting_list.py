"""Waiting lists: one entry per child, unit and day, first come first served."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

import pendulum
from sqlalchemy import (
    Connection,
    Row,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)

from adapters.persistence.tables import (
    waiting_entries,
)
from portail_core.domain.bookings.reservation import (
    PlaceKey,
    WaitingEntry,
    WaitingStatus,
)

__all__ = ["ACTIVE", "SqlWaitingListRepository"]


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


@functools.cache
def _ranked_query(by_code: bool, by_family: bool, by_child: bool) -> Any:
    """Active entries from ``:first`` to ``:last`` (of ``:code``, ``:family_id``,
    ``:child_id`` as asked) with their position; built once per process for each kind (the
    booking pages ask on every request: building it cost more than running it)."""
    w = waiting_entries.c
    before = waiting_entries.alias("before")
    b = before.c
    # Its place: the active entries of its queue arrived before it (or at the same
    # instant with a smaller id), itself included; the place index finds them.
    position = (
        select(func.count())
        .select_from(before)
        .where(
            b.establishment_code == w.establishment_code,
            b.day == w.day,
            b.unit_code == w.unit_code,
            b.age_group == w.age_group,
            b.status.in_(ACTIVE),
            or_(b.joined_at < w.joined_at, and_(b.joined_at == w.joined_at, b.id <= w.id)),
        )
        .scalar_subquery()
    )
    query = (
        select(waiting_entries, position.label("position"))
        .where(w.status.in_(ACTIVE), w.day.between(bindparam("first"), bindparam("last")))
        .order_by(w.day, w.unit_code, w.age_group, w.joined_at, w.id)
    )
    if by_code:
        query = query.where(w.establishment_code == bindparam("code"))
    if by_family:
        query = query.where(w.family_id == bindparam("family_id"))
    if by_child:
        query = query.where(w.child_id == bindparam("child_id"))
    return query


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

    def ranked(
        self,
        establishment_code: str | None,
        first: date,
        last: date,
        *,
        family_id: int | None = None,
        child_id: int | None = None,
    ) -> list[tuple[WaitingEntry, int]]:
        wanted = {"code": establishment_code, "family_id": family_id, "child_id": child_id}
        query = _ranked_query(*(value is not None for value in wanted.values()))
        given = {name: value for name, value in wanted.items() if value is not None}
        rows = self._connection.execute(query, {"first": first, "last": last, **given})
        return [(_entry(row), row.position) for row in rows]

    def of_family(self, family_id: int) -> list[WaitingEntry]:
        w = waiting_entries.c
        query = (
            select(waiting_entries)
            .where(w.family_id == family_id)
            .order_by(w.day, w.unit_code, w.id)
        )
        return [_entry(row) for row in self._connection.execute(query)]

    def expired_offers(self, now: pendulum.DateTime) -> list[WaitingEntry]:
        w = waiting_entries.c
        query = self._ordered().where(
            and_(w.status == WaitingStatus.OFFERED.value, w.offer_expires_at < now)
        )
        return [_entry(row) for row in self._connection.execute(query)]
