"""The in-memory twin of the outbox."""

from __future__ import annotations

import copy
from collections.abc import Sequence

import pendulum
from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.messaging import OutgoingEmail

__all__ = ["InMemoryMessagingRepositories", "InMemoryOutbox", "MessagingState"]


@define
class MessagingState:
    outbox: list[OutgoingEmail] = field(factory=list)


class InMemoryOutbox:
    def __init__(self, state: MessagingState) -> None:
        self._state = state

    def add(self, message: OutgoingEmail) -> None:
        message.id = len(self._state.outbox) + 1
        self._state.outbox.append(copy.deepcopy(message))

    def add_all(self, messages: Sequence[OutgoingEmail]) -> None:
        """Like the database: the messages get ids in the outbox, the objects given do not."""
        for message in messages:
            stored = copy.deepcopy(message)
            stored.id = len(self._state.outbox) + 1
            self._state.outbox.append(stored)

    def claim_due(self, now: pendulum.DateTime, limit: int) -> list[OutgoingEmail]:
        due = [m for m in self._state.outbox if m.is_due(now)][:limit]
        for message in due:
            message.claim(now)
        return copy.deepcopy(due)

    def save(self, message: OutgoingEmail) -> None:
        index = next(i for i, m in enumerate(self._state.outbox) if m.id == message.id)
        self._state.outbox[index] = copy.deepcopy(message)

    def listing(self, limit: int) -> list[OutgoingEmail]:
        return copy.deepcopy(list(reversed(self._state.outbox))[:limit])


class InMemoryMessagingRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's MessagingState."""

    @property
    def outbox(self) -> InMemoryOutbox:
        return InMemoryOutbox(self.state(MessagingState))
