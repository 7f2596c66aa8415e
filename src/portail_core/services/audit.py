"""Reading the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portail_core.domain.audit import AuditEvent

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["latest_events"]


def latest_events(uow: UnitOfWork, limit: int) -> list[AuditEvent]:
    """The most recent events first (give a read-only unit of work)."""
    with uow:
        return uow.audit.latest(limit)
