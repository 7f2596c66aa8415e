"""The in-memory twin of the outbox."""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence

import pendulum
from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.messaging import EmailStatus, OutboxBacklog, OutgoingEmail

__all__ = ["InMemoryMessagingRepositories", "InMemoryOutbox", "MessagingState"]


_WAITING = (EmailStatus.PENDING, EmailStatus.SENDING)


@define
class MessagingState:
    outbox: list[OutgoingEmail] = field(factory=list)


class InMemoryOutbox:
    def __init__(self, state: MessagingState) -> None:
        self._state = state

    def add(self, message: OutgoingEmail) -> None:
        message.id = self._next_id()
        self._state.outbox.append(copy.deepcopy(message))

    def add_all(self, messages: Sequence[OutgoingEmail]) -> None:
        """Like the database: the messages get ids in the outbox, the objects given do not."""
        for message in messages:
            stored = copy.deepcopy(message)
            stored.id = self._next_id()
            self._state.outbox.append(stored)

    def claim_due(self, now: pendulum.DateTime, limit: int) -> list[OutgoingEmail]:
        due = sorted(
            (m for m in self._state.outbox if m.is_due(now)),
            key=lambda m: (not m.urgent, m.next_attempt_at.timestamp() if m.next_attempt_at else 0),
        )[:limit]
        for message in due:
            message.claim(now)
        return copy.deepcopy(due)

    def save(self, message: OutgoingEmail) -> None:
        index = next(i for i, m in enumerate(self._state.outbox) if m.id == message.id)
        self._state.outbox[index] = copy.deepcopy(message)

    def listing(self, limit: int) -> list[OutgoingEmail]:
        return copy.deepcopy(list(reversed(self._state.outbox))[:limit])

    def backlog(self) -> OutboxBacklog:
        waiting = [m for m in self._state.outbox if m.status in _WAITING]
        return OutboxBacklog(len(waiting), min((m.created_at for m in waiting), default=None))

    def of_family(self, family_id: int) -> list[OutgoingEmail]:
        return copy.deepcopy([m for m in self._state.outbox if m.family_id == family_id])

    def forget_family(self, family_id: int, addresses: Collection[str]) -> int:
        lowered = {address.lower() for address in addresses}
        kept = [
            m
            for m in self._state.outbox
            if m.family_id != family_id and not (m.family_id is None and m.to.lower() in lowered)
        ]
        forgotten = len(self._state.outbox) - len(kept)
        self._state.outbox[:] = kept
        return forgotten

    def _next_id(self) -> int:
        """Like the database: ids are never given twice, even after a deletion."""
        return max((m.id or 0 for m in self._state.outbox), default=0) + 1


class InMemoryMessagingRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's MessagingState."""

    @property
    def outbox(self) -> InMemoryOutbox:
        return InMemoryOutbox(self.state(MessagingState))
