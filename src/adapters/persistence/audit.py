"""The audit trail, append-only."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, Select, and_, func, insert, or_, select, update

from adapters.persistence.tables import audit_events
from adapters.persistence.transaction import OpenTransaction
from portail_core.domain.audit import Actor, AuditEvent, Channel

__all__ = ["REDACTED", "SqlAuditRepositories", "SqlAuditTrail"]

REDACTED = "[effacé à la demande de la famille]"


def _event_row(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": event.at,
        "actor": event.actor.identifier,
        "channel": event.actor.channel.value,
        "action": event.action,
        "summary": event.summary,
        "details": dict(event.details),
        "family_id": event.family_id,
    }


class SqlAuditTrail:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def record(self, event: AuditEvent) -> None:
        self._connection.execute(insert(audit_events).values(_event_row(event)))

    def record_all(self, events: Sequence[AuditEvent]) -> None:
        """One INSERT of many rows (executemany)."""
        if events:
            self._connection.execute(insert(audit_events), [_event_row(e) for e in events])

    def latest(self, limit: int) -> list[AuditEvent]:
        return self._events(select(audit_events).order_by(audit_events.c.id.desc()).limit(limit))

    def of_family(self, family_id: int, limit: int) -> list[AuditEvent]:
        return self._events(
            select(audit_events)
            .where(audit_events.c.family_id == family_id)
            .order_by(audit_events.c.id.desc())
            .limit(limit)
        )

    def redact_family(self, family_id: int, identities: Collection[str], pseudonym: str) -> int:
        column = audit_events.c
        lowered = sorted({identity.lower() for identity in identities})
        by_them = and_(
            or_(column.family_id.is_(None), column.family_id == family_id),
            func.lower(column.actor).in_(lowered),
        )
        result = self._connection.execute(
            update(audit_events)
            .where(or_(column.family_id == family_id, by_them))
            .values(summary=REDACTED, details={})
        )
        self._connection.execute(update(audit_events).where(by_them).values(actor=pseudonym))
        return result.rowcount

    def _events(self, query: Select[Any]) -> list[AuditEvent]:
        rows = self._connection.execute(query)
        return [
            AuditEvent(
                at=row.at,
                actor=Actor(row.actor, Channel(row.channel)),
                action=row.action,
                summary=row.summary,
                details=row.details,
                family_id=row.family_id,
            )
            for row in rows
        ]


class SqlAuditRepositories(OpenTransaction):
    """The repositories a unit of work gives on its transaction."""

    @property
    def audit(self) -> SqlAuditTrail:
        return SqlAuditTrail(self.connection())
