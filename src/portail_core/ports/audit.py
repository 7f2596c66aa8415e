"""The append-only audit trail."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from portail_core.domain.audit import AuditEvent

__all__ = ["AuditRepositories", "AuditTrail"]


class AuditTrail(Protocol):
    """Append-only: events are recorded in the same transaction as the change they describe."""

    def record(self, event: AuditEvent) -> None: ...

    def record_all(self, events: Sequence[AuditEvent]) -> None:
        """Record many events at once (an import, a batch)."""
        ...

    def latest(self, limit: int) -> list[AuditEvent]:
        """The most recent events first."""
        ...

    def of_family(self, family_id: int, limit: int) -> list[AuditEvent]:
        """The family's history, most recent first."""
        ...

    def redact_family(self, family_id: int, identities: Collection[str], pseudonym: str) -> int:
        """The one exception to append-only, for the erasure of a dossier. The family's events,
        and those of no family done by one of its ``identities`` (its account's identifier, its
        e-mail addresses, compared in any case), keep their date, channel and action, lose their
        summary and details; wherever one of those identities is the actor, ``pseudonym``
        replaces it. Returns how many events."""
        ...


class AuditRepositories(Protocol):
    """The audit trail, as a unit of work gives it."""

    @property
    def audit(self) -> AuditTrail: ...
