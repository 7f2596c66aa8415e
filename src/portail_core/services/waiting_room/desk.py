"""The desk's side: the room's state, and its settings (open early, automatic, off)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.waiting_room import RoomMode, TicketState, WaitingRoom
from portail_core.ports.clock import Clock
from portail_core.services.waiting_room import notices
from portail_core.services.waiting_room.queue import locked_room, move_queue

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["RoomReport", "configure_room", "room_report"]


@frozen
class RoomReport:
    """The room as the desk sees it: its settings, the families inside, waiting and back for
    another booking (tickets still valid), the recent admissions, the last one's wait."""

    room: WaitingRoom
    at: pendulum.DateTime
    inside: int
    waiting: int
    returning: int
    admissions_per_minute: float | None
    last_wait_seconds: int | None
    changes: dict[str, list[object]]


def room_report(uow: UnitOfWork, clock: Clock) -> RoomReport:
    """Give a read-only unit of work."""
    now = clock.now()
    with uow:
        return _report(uow, uow.waiting_room.room(), now, {})


def configure_room(
    uow: UnitOfWork,
    clock: Clock,
    *,
    mode: RoomMode,
    capacity: int | None = None,
    lease_minutes: int | None = None,
    admit_from: pendulum.DateTime | None = None,
    actor: Actor,
) -> RoomReport:
    """Open early (admission from ``admit_from``, or when switched to automatic), automatic
    (admission starts now if it had not), or off (every ticket deleted: everyone goes in).
    ``capacity`` and ``lease_minutes`` stay as they are when not given. Audited
    (``waiting_room.open|auto|off``) with what changed."""
    with uow:
        room = locked_room(uow)
        now = clock.now()
        changes = room.configure(
            mode,
            capacity=capacity,
            lease_minutes=lease_minutes,
            admit_from=admit_from,
            actor=actor.identifier,
            now=now,
        )
        cleared = uow.waiting_room.clear() if mode is RoomMode.OFF else 0
        if mode is RoomMode.OFF:
            room.emptied()
        move_queue(uow, room, now)  # admits as the new settings allow; saves the room
        uow.audit.record(notices.room_changed(room, changes, cleared, actor, now))
        report = _report(uow, room, now, changes)
        uow.commit()
    return report


def _report(
    uow: UnitOfWork, room: WaitingRoom, now: pendulum.DateTime, changes: dict[str, list[object]]
) -> RoomReport:
    counts = uow.waiting_room.counts(now)
    waiting = counts.get(TicketState.WAITING, 0)
    rate = room.admissions_per_second(now)
    return RoomReport(
        room=room,
        at=now,
        inside=counts.get(TicketState.ADMITTED, 0),
        waiting=waiting,
        returning=counts.get(TicketState.RELEASED, 0),
        admissions_per_minute=None if rate is None else rate * 60,
        last_wait_seconds=room.estimate_seconds(waiting, now) if waiting else None,
        changes=changes,
    )
