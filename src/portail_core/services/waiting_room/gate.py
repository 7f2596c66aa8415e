"""The family's side: the gate of the booking pages, the waiting page's news, and the place
freed by a confirmation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum

from portail_core.domain.waiting_room import QueuePlace, Ticket, WaitingRoom, return_deadline
from portail_core.ports.clock import Clock
from portail_core.services.waiting_room.queue import admit_newcomer, move_queue, take_ticket

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

__all__ = ["enter", "leave", "queue_place"]


def enter(uow: UnitOfWorkFactory, clock: Clock, *, account_id: int) -> bool:
    """Whether the family goes on to the booking page it asked for (True), or waits its turn
    (False: its ticket is taken). One read for a family inside; a write when its lease is
    renewed (every 30 s at most); on arrival, its ticket taken without the room's lock, then
    the lock only if places seem free (to let it in) or a move is due."""
    now = clock.now()
    with uow(read_only=True) as reading:
        room, ticket = reading.waiting_room.room_and_ticket(account_id)
    if room.lets_everyone_in:
        return True
    if ticket is not None and (ticket.inside(now) or ticket.waiting(now)):
        ticket = _follow(uow, clock, room, ticket, now)
    else:
        with uow() as work:  # its number, without waiting for the other arrivals
            ticket = take_ticket(work, clock, account_id)
            work.commit()
        if ticket.waiting(clock.now()):
            with uow() as work:  # let in, under the room's lock, if places are free
                ticket = admit_newcomer(work, clock, room, ticket)
                work.commit()
    return ticket.inside(clock.now())


def queue_place(uow: UnitOfWorkFactory, clock: Clock, *, account_id: int) -> QueuePlace:
    """The waiting family's place (its page asks every few seconds): its position and the
    estimate, the queue moved when due. Two reads, unless it writes."""
    now = clock.now()
    with uow(read_only=True) as reading:
        room, ticket = reading.waiting_room.room_and_ticket(account_id)
        place = _place(reading, room, ticket, now)
    if ticket is None or not place.waiting or _follow(uow, clock, room, ticket, now) is ticket:
        return place
    with uow(read_only=True) as reading:  # the queue moved: where it is now
        room, ticket = reading.waiting_room.room_and_ticket(account_id)
        return _place(reading, room, ticket, now)


def _place(
    reading: UnitOfWork, room: WaitingRoom, ticket: Ticket | None, now: pendulum.DateTime
) -> QueuePlace:
    if room.lets_everyone_in or ticket is None or not ticket.waiting(now):
        return QueuePlace(waiting=False)
    return room.place_of(reading.waiting_room.ahead_of(ticket.number or 0) + 1, now)


def leave(uow: UnitOfWorkFactory, clock: Clock, *, account_id: int) -> bool:
    """After a confirmation: the family's place is freed (the next in line comes in at the next
    move of the queue, within a second or so while families wait); its ticket's number is kept
    a short while (booking another child, it is first in line). One statement, without the
    room's lock: a place freed only makes the count of a move that holds it smaller, so that
    confirmations do not wait for one another. False when it was not inside."""
    now = clock.now()
    with uow() as work:
        left = work.waiting_room.release(account_id, now, return_deadline(now))
        work.commit()
    return left


def _follow(
    uow: UnitOfWorkFactory, clock: Clock, room: WaitingRoom, ticket: Ticket, now: pendulum.DateTime
) -> Ticket:
    """A valid ticket as it stands now: its end renewed when due; for a waiting one, the queue
    moved when due, unless another server is moving it. The same object when nothing was
    written."""
    renew = ticket.needs_renewal(room, now)
    move = ticket.waiting(now) and room.pass_due(now)
    if not (renew or move):
        return ticket
    with uow() as work:
        followed = _renewed(work, clock, room, ticket, now) if renew else ticket
        if move and followed.waiting(now):
            followed = _moved(work, clock, followed)
            if followed.inside(now):  # let in by this page: its lease starts now
                followed.renew(room, now)
                work.waiting_room.renew(followed)
        work.commit()
    return followed


def _renewed(
    work: UnitOfWork, clock: Clock, room: WaitingRoom, ticket: Ticket, now: pendulum.DateTime
) -> Ticket:
    old_end = ticket.expires_at
    ticket.renew(room, now)
    if work.waiting_room.renew(ticket):
        return ticket
    ticket.expires_at = old_end  # moved meanwhile (let in, expired): as it is now
    return take_ticket(work, clock, ticket.account_id)


def _moved(work: UnitOfWork, clock: Clock, ticket: Ticket) -> Ticket:
    room = work.waiting_room.lock_room(skip_locked=True)
    now = clock.now()
    if room is None or not room.pass_due(now):  # another server is moving it, or just did
        return ticket
    move_queue(work, room, now)
    return work.waiting_room.ticket_of(ticket.account_id) or ticket
