"""Moving the queue, under the room's row lock: the expired tickets dropped, the next in line
let in as places free up. Tickets are taken (in arrival order, by the database's numbers) and
brought back in line without the lock: only letting in needs it.

The time written (a ticket's queue or admission time) is read once the lock is held, so that
the times follow the order in which the servers took the lock."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum

from portail_core.domain.waiting_room import Ticket, TicketState, WaitingRoom
from portail_core.ports.clock import Clock

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["admit_newcomer", "locked_room", "move_queue", "take_ticket"]


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
    # As many as places are free, not as many as counted waiting: a ticket taken or back in
    # line (without the lock) after the count, with a smaller number, is in the same queue.
    places = room.places_free(inside, now) if waiting else 0
    admitted = tickets.admit_next(places, now, room.arrival_deadline(now)) if places else 0
    room.record_pass(now, inside + admitted, max(0, waiting - admitted), admitted)
    tickets.save_room(room)
    return admitted


def take_ticket(work: UnitOfWork, clock: Clock, account_id: int) -> Ticket:
    """The account's valid ticket: the one another tab took meanwhile, the released one back
    in line with its number, or a new one at the end of the queue (its number the database's,
    in arrival order). Without the room's lock: the room's row is held in share mode, so that
    arrivals do not wait for one another while a move (which locks it) waits for those being
    taken: it never lets in a number while a smaller one is being taken. A waiting ticket adds
    nobody inside. The caller commits, then lets it in if places are free
    (``admit_newcomer``)."""
    tickets = work.waiting_room
    now = clock.now()
    ticket = tickets.ticket_of(account_id)
    if ticket is not None and (ticket.inside(now) or ticket.waiting(now)):
        return ticket
    tickets.share_room()  # a move waits for this number, so that no larger one goes first
    now = clock.now()  # once held: the time written follows the moves that held the lock
    if ticket is not None and ticket.returning(now):
        ticket.rejoin(now)
        if tickets.rejoin(ticket):
            return ticket
    elif ticket is not None and ticket.number is not None:  # its place is lost
        tickets.delete_ticket(ticket.number)
    taken = tickets.take_number(Ticket.issue(account_id, now))
    if taken is None:  # another tab or device took it (or brought it back) meanwhile
        taken = tickets.ticket_of(account_id)
    if taken is None:  # pragma: no cover  (taken, then dropped within the same instant)
        raise RuntimeError("the family's ticket vanished while taken")
    return taken


def admit_newcomer(work: UnitOfWork, clock: Clock, room: WaitingRoom, ticket: Ticket) -> Ticket:
    """A ticket just taken or back in line, let in when places are free: the queue moved under
    the room's lock (waiting for it only when places seem free; otherwise only when a move is
    due and nobody else is moving it). As it is then; the caller commits."""
    now = clock.now()
    if not room.admitting(now):
        return ticket
    free = work.waiting_room.inside_count(now) < room.capacity  # a hint: the lock decides
    locked = work.waiting_room.lock_room(skip_locked=not free)
    if locked is None or not (free or locked.pass_due(now)):
        return work.waiting_room.ticket_of(ticket.account_id) or ticket  # maybe let in since
    now = clock.now()
    current = work.waiting_room.ticket_of(ticket.account_id)
    if current is None or current.waiting(now):  # not let in by the move that held the lock
        move_queue(work, locked, now)
        current = work.waiting_room.ticket_of(ticket.account_id)
    return current or ticket
