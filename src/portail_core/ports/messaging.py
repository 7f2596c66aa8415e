"""E-mails: the transactional outbox, their templates and the mail server."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

import pendulum

from portail_core.domain.messaging import OutboxBacklog, OutgoingEmail, RenderedEmail

__all__ = ["EmailRenderer", "Mailer", "MessagingRepositories", "Outbox"]


class Outbox(Protocol):
    """E-mails waiting to be sent, written in the same transaction as the change they announce."""

    def add(self, message: OutgoingEmail) -> None:
        """Queue a message (gives it its id)."""
        ...

    def add_all(self, messages: Sequence[OutgoingEmail]) -> None:
        """Queue several messages at once, in one statement (a billing run's e-mails); their
        ids are not read back."""
        ...

    def claim_due(self, now: pendulum.DateTime, limit: int) -> list[OutgoingEmail]:
        """Mark as SENDING and return up to ``limit`` messages due at ``now`` (pending ones whose
        next attempt has come, and SENDING ones whose claim is older than the claim timeout).
        Two dispatchers never claim the same message."""
        ...

    def save(self, message: OutgoingEmail) -> None:
        """Write back a claimed message's status, attempts and dates."""
        ...

    def listing(self, limit: int) -> list[OutgoingEmail]:
        """The most recent messages first."""
        ...

    def backlog(self) -> OutboxBacklog:
        """How many messages are pending or being sent, and the oldest one's queuing date."""
        ...

    def of_family(self, family_id: int) -> list[OutgoingEmail]:
        """The messages about the family (its right of access), oldest first."""
        ...

    def forget_family(self, family_id: int, addresses: Collection[str]) -> int:
        """Delete the messages about the family, and those without a family sent to one of its
        ``addresses`` (any case; queued before messages named their family): erasure of a
        dossier. Returns how many."""
        ...


class Mailer(Protocol):
    def send(self, to: str, email: RenderedEmail, message_id: str) -> None:
        """Hand the message to the mail server; raises MailerError on failure."""
        ...


class EmailRenderer(Protocol):
    def render(self, template: str, context: dict[str, str]) -> RenderedEmail: ...


class MessagingRepositories(Protocol):
    """The outbox, as a unit of work gives it."""

    @property
    def outbox(self) -> Outbox: ...
