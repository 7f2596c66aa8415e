"""The waiting room's row of settings and counters, and the families' tickets."""

from __future__ import annotations

from typing import Protocol

import pendulum

from portail_core.domain.waiting_room import Ticket, TicketState, WaitingRoom

__all__ = ["WaitingRoomRepositories", "WaitingRoomRepository"]


class WaitingRoomRepository(Protocol):
    """One room (its row always exists) and at most one ticket per family account.

    Whatever lets families in (the queue moved, the settings changed) holds the room's row lock
    (``lock_room``) first and counts the families inside once it holds it: they never exceed
    the capacity however many servers ask at once. What only makes the count smaller or adds to
    the queue needs no lock: a ticket taken (numbered by the database in arrival order), back
    in line, renewed, or released after a confirmation."""

    def room(self) -> WaitingRoom: ...

    def room_and_ticket(self, account_id: int) -> tuple[WaitingRoom, Ticket | None]:
        """The room and the account's ticket, if any, in one statement (every gated page)."""
        ...

    def lock_room(self, *, skip_locked: bool = False) -> WaitingRoom | None:
        """The room, locked until the transaction ends; with ``skip_locked``, None at once when
        another transaction holds it (it is moving the queue)."""
        ...

    def share_room(self) -> None:
        """Hold the room's row in share mode until the transaction ends: takers of tickets do
        not wait for one another; ``lock_room`` waits for them (and they for it)."""
        ...

    def save_room(self, room: WaitingRoom) -> None: ...

    def ticket_of(self, account_id: int) -> Ticket | None: ...

    def add_ticket(self, ticket: Ticket) -> Ticket:
        """Store a new ticket; returned with its number (the database's, in arrival order)."""
        ...

    def take_number(self, ticket: Ticket) -> Ticket | None:
        """Store a new (waiting) ticket with the database's next number; None when the account
        took one meanwhile (another tab or device)."""
        ...

    def rejoin(self, ticket: Ticket) -> bool:
        """Write a released ticket back in line (state, times, end), if it is still released
        (False: another tab did it, or it was deleted)."""
        ...

    def release(self, account_id: int, now: pendulum.DateTime, until: pendulum.DateTime) -> bool:
        """The account's ticket, if inside at ``now``, released (its number kept until
        ``until``); whether it was. One statement, without the room's lock."""
        ...

    def inside_count(self, now: pendulum.DateTime) -> int:
        """How many tickets are inside and valid at ``now`` (without the lock: a hint)."""
        ...

    def update_ticket(self, ticket: Ticket) -> None:
        """Write back its state, times and end."""
        ...

    def renew(self, ticket: Ticket) -> bool:
        """Write the ticket's new end, if it is still in the state read (False otherwise: it
        was released, moved or deleted meanwhile)."""
        ...

    def delete_ticket(self, number: int) -> None: ...

    def ahead_of(self, number: int) -> int:
        """How many tickets wait with a smaller number."""
        ...

    def drop_expired(self, now: pendulum.DateTime) -> int:
        """Delete the tickets whose end has passed; how many."""
        ...

    def counts(self, now: pendulum.DateTime | None = None) -> dict[TicketState, int]:
        """Tickets per state (only those still valid at ``now``, when given)."""
        ...

    def admit_next(self, count: int, now: pendulum.DateTime, expires_at: pendulum.DateTime) -> int:
        """Admit the ``count`` waiting tickets of smallest numbers at ``now``, each to come in
        before ``expires_at``; how many were."""
        ...

    def clear(self) -> int:
        """Delete every ticket; how many."""
        ...


class WaitingRoomRepositories(Protocol):
    """The waiting room's repository, as a unit of work gives it."""

    @property
    def waiting_room(self) -> WaitingRoomRepository: ...
