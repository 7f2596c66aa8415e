"""The append-only audit trail."""

from __future__ import annotations

from typing import Protocol

from portail_core.domain.audit import AuditEvent

__all__ = ["AuditRepositories", "AuditTrail"]


class AuditTrail(Protocol):
    """Append-only: events are recorded in the same transaction as the change they describe."""

    def record(self, event: AuditEvent) -> None: ...

    def latest(self, limit: int) -> list[AuditEvent]:
        """The most recent events first."""
        ...

    def of_family(self, family_id: int, limit: int) -> list[AuditEvent]:
        """The family's history, most recent first."""
        ...

    def redact_family(self, family_id: int) -> int:
        """The one exception to append-only, for the erasure of a dossier: the family's events
        keep their date, actor and action, lose their summary and details; returns how many."""
        ...


class AuditRepositories(Protocol):
    """The audit trail, as a unit of work gives it."""

    @property
    def audit(self) -> AuditTrail: ...
