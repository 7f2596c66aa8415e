"""The audit trail's use cases, ports bound."""

from __future__ import annotations

from attrs import frozen

from portail_core.domain.audit import AuditEvent
from portail_core.facade.ports import Ports
from portail_core.services.audit import latest_events

__all__ = ["AuditUseCases"]


@frozen
class AuditUseCases:
    """Who did what, when (``portail.audit``)."""

    _ports: Ports

    def latest(self, limit: int) -> list[AuditEvent]:
        """The most recent events first."""
        return latest_events(self._ports.uow(read_only=True), limit)
