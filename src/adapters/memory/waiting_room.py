"""The in-memory twin of the waiting room's repository."""

from __future__ import annotations

import copy
from collections import Counter

import attrs
import pendulum
from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.waiting_room import Ticket, TicketState, WaitingRoom

__all__ = [
    "InMemoryWaitingRoomRepositories",
    "InMemoryWaitingRoomRepository",
    "WaitingRoomState",
]


@define
class WaitingRoomState:
    room: WaitingRoom = field(factory=WaitingRoom)
    tickets: dict[int, Ticket] = field(factory=dict)  # by number
    last_number: int = 0


class InMemoryWaitingRoomRepository:
    """Units of work on one store are serialised: the room's lock is implicit."""

    def __init__(self, state: WaitingRoomState) -> None:
        self._state = state

    def room(self) -> WaitingRoom:
        return copy.deepcopy(self._state.room)

    def room_and_ticket(self, account_id: int) -> tuple[WaitingRoom, Ticket | None]:
        return self.room(), self.ticket_of(account_id)

    def lock_room(self, *, skip_locked: bool = False) -> WaitingRoom | None:
        return self.room()

    def share_room(self) -> None:
        pass

    def save_room(self, room: WaitingRoom) -> None:
        self._state.room = copy.deepcopy(room)

    def ticket_of(self, account_id: int) -> Ticket | None:
        found = (t for t in self._state.tickets.values() if t.account_id == account_id)
        return copy.deepcopy(next(found, None))

    def add_ticket(self, ticket: Ticket) -> Ticket:
        if self.ticket_of(ticket.account_id) is not None:
            raise ValueError("an account holds one ticket at most")
        self._state.last_number += 1
        stored = attrs.evolve(ticket, number=self._state.last_number)
        self._state.tickets[self._state.last_number] = stored
        return copy.deepcopy(stored)

    def take_number(self, ticket: Ticket) -> Ticket | None:
        if self.ticket_of(ticket.account_id) is not None:
            return None
        return self.add_ticket(ticket)

    def rejoin(self, ticket: Ticket) -> bool:
        stored = self._state.tickets.get(ticket.number or 0)
        if stored is None or stored.state is not TicketState.RELEASED:
            return False
        self._state.tickets[stored.number or 0] = copy.deepcopy(ticket)
        return True

    def release(self, account_id: int, now: pendulum.DateTime, until: pendulum.DateTime) -> bool:
        found = (t for t in self._state.tickets.values() if t.account_id == account_id)
        ticket = next(found, None)
        if ticket is None or not ticket.inside(now):
            return False
        ticket.state, ticket.expires_at = TicketState.RELEASED, until
        return True

    def inside_count(self, now: pendulum.DateTime) -> int:
        return sum(1 for t in self._state.tickets.values() if t.inside(now))

    def update_ticket(self, ticket: Ticket) -> None:
        if ticket.number in self._state.tickets:
            self._state.tickets[ticket.number] = copy.deepcopy(ticket)

    def renew(self, ticket: Ticket) -> bool:
        stored = self._state.tickets.get(ticket.number or 0)
        if stored is None or stored.state is not ticket.state:
            return False
        stored.expires_at = ticket.expires_at
        return True

    def delete_ticket(self, number: int) -> None:
        self._state.tickets.pop(number, None)

    def ahead_of(self, number: int) -> int:
        return sum(1 for waiting in self._waiting() if waiting < number)

    def drop_expired(self, now: pendulum.DateTime) -> int:
        gone = [n for n, t in self._state.tickets.items() if not t.valid(now)]
        for number in gone:
            del self._state.tickets[number]
        return len(gone)

    def counts(self, now: pendulum.DateTime | None = None) -> dict[TicketState, int]:
        tickets = self._state.tickets.values()
        return dict(Counter(t.state for t in tickets if now is None or t.valid(now)))

    def admit_next(self, count: int, now: pendulum.DateTime, expires_at: pendulum.DateTime) -> int:
        waiting = sorted(self._waiting())
        for number in waiting[:count]:
            ticket = self._state.tickets[number]
            ticket.state, ticket.admitted_at, ticket.expires_at = (
                TicketState.ADMITTED,
                now,
                expires_at,
            )
        return len(waiting[:count])

    def _waiting(self) -> list[int]:
        tickets = self._state.tickets.items()
        return [number for number, t in tickets if t.state is TicketState.WAITING]

    def clear(self) -> int:
        count = len(self._state.tickets)
        self._state.tickets.clear()
        return count


class InMemoryWaitingRoomRepositories(WorkingCopy):
    """The repository a unit of work gives on the working copy's WaitingRoomState."""

    @property
    def waiting_room(self) -> InMemoryWaitingRoomRepository:
        return InMemoryWaitingRoomRepository(self.state(WaitingRoomState))
