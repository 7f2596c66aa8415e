"""The audit trail, append-only."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from adapters.persistence.tables import audit_events
from portail_core.domain.audit import Actor, AuditEvent, Channel

__all__ = ["SqlAuditTrail"]


class SqlAuditTrail:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def record(self, event: AuditEvent) -> None:
        self._connection.execute(
            insert(audit_events).values(
                at=event.at,
                actor=event.actor.identifier,
                channel=event.actor.channel.value,
                action=event.action,
                summary=event.summary,
                details=dict(event.details),
            )
        )

    def latest(self, limit: int) -> list[AuditEvent]:
        rows = self._connection.execute(
            select(audit_events).order_by(audit_events.c.id.desc()).limit(limit)
        )
        return [
            AuditEvent(
                at=row.at,
                actor=Actor(row.actor, Channel(row.channel)),
                action=row.action,
                summary=row.summary,
                details=row.details,
            )
            for row in rows
        ]
