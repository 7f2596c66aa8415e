"""The waiting room's use cases, ports bound."""

from __future__ import annotations

import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.waiting_room import QueuePlace, RoomMode
from portail_core.facade.ports import Ports
from portail_core.services.waiting_room.desk import RoomReport, configure_room, room_report
from portail_core.services.waiting_room.gate import enter, leave, queue_place

__all__ = ["WaitingRoomUseCases"]


@frozen
class WaitingRoomUseCases:
    """The waiting room of opening day in front of the booking pages (``portail.waiting_room``):
    the gate, the waiting family's place, the desk's settings."""

    _ports: Ports

    def enter(self, *, account_id: int) -> bool:
        """Whether the family goes on to a booking page (True) or waits its turn (False)."""
        return enter(self._ports.uow, self._ports.clock, account_id=account_id)

    def place(self, *, account_id: int) -> QueuePlace:
        """The waiting family's position and estimate (``waiting`` False: go on)."""
        return queue_place(self._ports.uow, self._ports.clock, account_id=account_id)

    def leave(self, *, account_id: int) -> bool:
        """After a confirmation: the family's place goes to the next in line."""
        return leave(self._ports.uow, self._ports.clock, account_id=account_id)

    def status(self) -> RoomReport:
        """The settings, the families inside and waiting, the recent admissions."""
        return room_report(self._ports.uow(read_only=True), self._ports.clock)

    def open_early(
        self,
        *,
        actor: Actor,
        capacity: int | None = None,
        lease_minutes: int | None = None,
        admit_from: pendulum.DateTime | None = None,
    ) -> RoomReport:
        """Everyone arriving takes a ticket; admission from ``admit_from`` (None: when switched
        to automatic)."""
        return self._configure(RoomMode.OPEN_EARLY, actor, capacity, lease_minutes, admit_from)

    def automatic(
        self, *, actor: Actor, capacity: int | None = None, lease_minutes: int | None = None
    ) -> RoomReport:
        """A queue only once ``capacity`` families are inside; admission starts now."""
        return self._configure(RoomMode.AUTOMATIC, actor, capacity, lease_minutes, None)

    def switch_off(self, *, actor: Actor) -> RoomReport:
        """Everyone goes in; every ticket is deleted."""
        return self._configure(RoomMode.OFF, actor, None, None, None)

    def _configure(
        self,
        mode: RoomMode,
        actor: Actor,
        capacity: int | None,
        lease_minutes: int | None,
        admit_from: pendulum.DateTime | None,
    ) -> RoomReport:
        return configure_room(
            self._ports.uow(),
            self._ports.clock,
            mode=mode,
            capacity=capacity,
            lease_minutes=lease_minutes,
            admit_from=admit_from,
            actor=actor,
        )
