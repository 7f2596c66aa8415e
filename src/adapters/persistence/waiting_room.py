"""The waiting room on the database: its one row, locked (``SELECT ... FOR UPDATE``) by
whatever moves the queue, and one ticket per family account, numbered by the database.

Every gated page reads the room and the family's ticket in one statement; the queue's order
and the position are index scans (``state, id``); the expired tickets are found by their end
(``expires_at``). A ticket is taken (``INSERT ... ON CONFLICT DO NOTHING``: two tabs at once
keep one) under the room's row in share mode (``FOR SHARE``: takers do not wait for one
another, a move waits for the numbers being taken), and released without any lock. On SQLite,
every writing transaction already holds the database's lock.
"""

from __future__ import annotations

from typing import Any

import attrs
import pendulum
from sqlalchemy import Connection, Insert, Row, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.persistence.tables import waiting_room, waiting_room_tickets
from adapters.persistence.transaction import OpenTransaction
from adapters.persistence.types import UtcDateTime
from portail_core.domain.waiting_room import RoomMode, Ticket, TicketState, WaitingRoom

__all__ = ["SqlWaitingRoomRepositories", "SqlWaitingRoomRepository"]

ROOM_ID = 1
_ROOM = waiting_room.c
_TICKETS = waiting_room_tickets.c
_TICKET_COLUMNS = (
    _TICKETS.id.label("ticket_number"),
    _TICKETS.account_id.label("ticket_account_id"),
    _TICKETS.state.label("ticket_state"),
    _TICKETS.queued_at.label("ticket_queued_at"),
    _TICKETS.expires_at.label("ticket_expires_at"),
    _TICKETS.admitted_at.label("ticket_admitted_at"),
)


_RELEASE = (
    update(waiting_room_tickets)
    .where(
        _TICKETS.account_id == bindparam("account"),
        _TICKETS.state == TicketState.ADMITTED.value,
        _TICKETS.expires_at >= bindparam("now", type_=UtcDateTime()),
    )
    .values(state=TicketState.RELEASED.value, expires_at=bindparam("until", type_=UtcDateTime()))
)
_SHARE = select(_ROOM.id).where(_ROOM.id == ROOM_ID).with_for_update(read=True)  # FOR SHARE
_INSIDE = select(func.count()).where(
    _TICKETS.state == TicketState.ADMITTED.value,
    _TICKETS.expires_at >= bindparam("now", type_=UtcDateTime()),
)


def _insert_if_new(dialect: str, values: dict[str, Any]) -> Insert:
    """An insert that does nothing when the account already holds a ticket (unique)."""
    if dialect == "postgresql":
        return postgresql.insert(waiting_room_tickets).values(values).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(waiting_room_tickets).values(values).on_conflict_do_nothing()
    return insert(waiting_room_tickets).values(values)  # pragma: no cover  (two dialects)


def _room(row: Row[Any]) -> WaitingRoom:
    return WaitingRoom(
        mode=RoomMode(row.mode),
        capacity=row.capacity,
        lease_seconds=row.lease_seconds,
        admit_from=row.admit_from,
        inside=row.inside,
        waiting=row.waiting,
        last_pass_at=row.last_pass_at,
        window_started_at=row.window_started_at,
        window_admitted=row.window_admitted,
        previous_admitted=row.previous_admitted,
        previous_seconds=row.previous_seconds,
        changed_at=row.changed_at,
        changed_by=row.changed_by,
    )


def _ticket(row: Row[Any], prefix: str = "") -> Ticket:
    values = row._mapping
    return Ticket(
        values[f"{prefix}account_id"],
        TicketState(values[f"{prefix}state"]),
        values[f"{prefix}queued_at"],
        values[f"{prefix}expires_at"],
        values[f"{prefix}admitted_at"],
        number=values[f"{prefix}number" if prefix else "id"],
    )


class SqlWaitingRoomRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def room(self) -> WaitingRoom:
        return _room(self._connection.execute(select(waiting_room)).one())

    def room_and_ticket(self, account_id: int) -> tuple[WaitingRoom, Ticket | None]:
        joined = waiting_room.outerjoin(waiting_room_tickets, _TICKETS.account_id == account_id)
        query = select(waiting_room, *_TICKET_COLUMNS).select_from(joined)
        row = self._connection.execute(query.where(_ROOM.id == ROOM_ID)).one()
        ticket = None if row.ticket_number is None else _ticket(row, "ticket_")
        return _room(row), ticket

    def lock_room(self, *, skip_locked: bool = False) -> WaitingRoom | None:
        query = select(waiting_room).where(_ROOM.id == ROOM_ID)
        row = self._connection.execute(query.with_for_update(skip_locked=skip_locked)).first()
        return None if row is None else _room(row)

    def share_room(self) -> None:
        self._connection.execute(_SHARE)

    def save_room(self, room: WaitingRoom) -> None:
        values = attrs.asdict(room, recurse=False)
        values["mode"] = room.mode.value
        self._connection.execute(update(waiting_room).where(_ROOM.id == ROOM_ID).values(values))

    def ticket_of(self, account_id: int) -> Ticket | None:
        query = select(waiting_room_tickets).where(_TICKETS.account_id == account_id)
        row = self._connection.execute(query).first()
        return None if row is None else _ticket(row)

    def add_ticket(self, ticket: Ticket) -> Ticket:
        statement = insert(waiting_room_tickets).values(
            account_id=ticket.account_id, **self._changing(ticket)
        )
        number = self._connection.execute(statement.returning(_TICKETS.id)).scalar_one()
        return attrs.evolve(ticket, number=number)

    def take_number(self, ticket: Ticket) -> Ticket | None:
        values = {"account_id": ticket.account_id, **self._changing(ticket)}
        statement = _insert_if_new(self._connection.dialect.name, values)
        number = self._connection.execute(statement.returning(_TICKETS.id)).scalar_one_or_none()
        return None if number is None else attrs.evolve(ticket, number=number)

    def rejoin(self, ticket: Ticket) -> bool:
        statement = update(waiting_room_tickets).where(
            _TICKETS.id == ticket.number, _TICKETS.state == TicketState.RELEASED.value
        )
        return self._connection.execute(statement.values(self._changing(ticket))).rowcount == 1

    def release(self, account_id: int, now: pendulum.DateTime, until: pendulum.DateTime) -> bool:
        return (
            self._connection.execute(
                _RELEASE, {"account": account_id, "now": now, "until": until}
            ).rowcount
            == 1
        )

    def inside_count(self, now: pendulum.DateTime) -> int:
        return int(self._connection.execute(_INSIDE, {"now": now}).scalar_one())

    def update_ticket(self, ticket: Ticket) -> None:
        statement = update(waiting_room_tickets).where(_TICKETS.id == ticket.number)
        self._connection.execute(statement.values(self._changing(ticket)))

    def renew(self, ticket: Ticket) -> bool:
        statement = (
            update(waiting_room_tickets)
            .where(_TICKETS.id == ticket.number, _TICKETS.state == ticket.state.value)
            .values(expires_at=ticket.expires_at)
        )
        return self._connection.execute(statement).rowcount == 1

    def delete_ticket(self, number: int) -> None:
        self._connection.execute(delete(waiting_room_tickets).where(_TICKETS.id == number))

    def ahead_of(self, number: int) -> int:
        query = select(func.count()).where(
            _TICKETS.state == TicketState.WAITING.value, _TICKETS.id < number
        )
        return int(self._connection.execute(query).scalar_one())

    def drop_expired(self, now: pendulum.DateTime) -> int:
        statement = delete(waiting_room_tickets).where(_TICKETS.expires_at < now)
        return int(self._connection.execute(statement).rowcount)

    def counts(self, now: pendulum.DateTime | None = None) -> dict[TicketState, int]:
        query = select(_TICKETS.state, func.count()).group_by(_TICKETS.state)
        if now is not None:
            query = query.where(_TICKETS.expires_at >= now)
        return {TicketState(state): count for state, count in self._connection.execute(query)}

    def admit_next(self, count: int, now: pendulum.DateTime, expires_at: pendulum.DateTime) -> int:
        first = (
            select(_TICKETS.id)
            .where(_TICKETS.state == TicketState.WAITING.value)
            .order_by(_TICKETS.id)
            .limit(count)
        )
        statement = (
            update(waiting_room_tickets)
            .where(_TICKETS.id.in_(first.scalar_subquery()))
            .values(state=TicketState.ADMITTED.value, admitted_at=now, expires_at=expires_at)
        )
        return int(self._connection.execute(statement).rowcount)

    def clear(self) -> int:
        return int(self._connection.execute(delete(waiting_room_tickets)).rowcount)

    @staticmethod
    def _changing(ticket: Ticket) -> dict[str, Any]:
        return {
            "state": ticket.state.value,
            "queued_at": ticket.queued_at,
            "expires_at": ticket.expires_at,
            "admitted_at": ticket.admitted_at,
        }


class SqlWaitingRoomRepositories(OpenTransaction):
    """The repository a unit of work gives on its transaction."""

    @property
    def waiting_room(self) -> SqlWaitingRoomRepository:
        return SqlWaitingRoomRepository(self.connection())
