"""Moving the queue, under the room's row lock: tickets issued or rejoining in arrival order,
the expired ones dropped, the next in line let in as places free up.

The time written (a ticket's queue or admission time) is read once the lock is held, so that
the times follow the order in which the servers took the lock."""

from __future__ import annotations

import pendulum

from portail_core.domain.waiting_room import Ticket, TicketState, WaitingRoom
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["locked_room", "move_queue", "take_ticket"]


def locked_room(work: UnitOfWork) -> WaitingRoom:
    room = work.waiting_room.lock_room()
    if room is None:  # pragma: no cover  (a blocking lock always gives the room)
        raise RuntimeError("the waiting room's row is missing")
    return room


def move_queue(work: UnitOfWork, room: WaitingRoom, now: pendulum.DateTime) -> int:
    """Drop the expired tickets, count the others, let in the smallest numbers waiting while
    places are free; saves the room. How many came in. The room must be locked."""
    tickets = work.waiting_room
    tickets.drop_expired(now)
    counts = tickets.counts()
    inside, waiting = counts.get(TicketState.ADMITTED, 0), counts.get(TicketState.WAITING, 0)
    places = room.places_to_fill(inside, waiting, now)
    admitted = tickets.admit_next(places, now, room.arrival_deadline(now)) if places else 0
    room.record_pass(now, inside + admitted, waiting - admitted, admitted)
    tickets.save_room(room)
    return admitted


def take_ticket(work: UnitOfWork, clock: Clock, account_id: int) -> Ticket:
    """The account's valid ticket: the one another tab took meanwhile, the released one back
    in line with its number, or a new one (inside at once when nobody waits and a place is
    free). Locks the room; the caller commits."""
    room, tickets = locked_room(work), work.waiting_room
    now = clock.now()
    ticket = tickets.ticket_of(account_id)
    if ticket is not None and (ticket.inside(now) or ticket.waiting(now)):
        return ticket
    if ticket is not None and ticket.returning(now):
        ticket.rejoin(now)
        tickets.update_ticket(ticket)
    else:
        if ticket is not None and ticket.number is not None:  # its place is lost
            tickets.delete_ticket(ticket.number)
            room.count_out(ticket)
        ticket = tickets.add_ticket(Ticket.issue(account_id, room, now))
    room.count_in(ticket, now)
    if ticket.waiting(now) and (room.pass_due(now) or room.places_to_fill(room.inside, 1, now)):
        move_queue(work, room, now)
        return tickets.ticket_of(account_id) or ticket
    tickets.save_room(room)
    return ticket
