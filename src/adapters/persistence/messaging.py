"""The outbox table. Claiming locks the rows it takes (``FOR UPDATE SKIP LOCKED`` on PostgreSQL;
SQLite's writers are serialised), so two dispatchers never send the same message; urgent
messages are claimed first."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import pendulum
from sqlalchemy import Connection, Row, and_, delete, func, insert, or_, select, update

from adapters.persistence.tables import outbox
from adapters.persistence.transaction import OpenTransaction
from portail_core.domain.messaging import EmailStatus, OutboxBacklog, OutgoingEmail
from portail_core.domain.shared.instants import as_utc

__all__ = ["SqlMessagingRepositories", "SqlOutbox"]


def _from_row(row: Row[Any]) -> OutgoingEmail:
    return OutgoingEmail(
        to=row.recipient,
        template=row.template,
        context=row.context,
        created_at=row.created_at,
        status=EmailStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
        last_error=row.last_error,
        id=row.id,
        family_id=row.family_id,
        urgent=row.urgent,
    )


def _row(message: OutgoingEmail) -> dict[str, Any]:
    return {
        "recipient": message.to,
        "template": message.template,
        "created_at": message.created_at,
        "family_id": message.family_id,
        "urgent": message.urgent,
        **_state(message),
    }


def _state(message: OutgoingEmail) -> dict[str, Any]:
    return {
        "status": message.status.value,
        "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at,
        "sent_at": message.sent_at,
        "last_error": message.last_error,
        "context": dict(message.context),
    }


class SqlOutbox:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, message: OutgoingEmail) -> None:
        statement = insert(outbox).values(_row(message))
        message.id = self._connection.execute(statement.returning(outbox.c.id)).scalar_one()

    def add_all(self, messages: Sequence[OutgoingEmail]) -> None:
        """One INSERT of many rows (executemany); the ids are not read back."""
        rows = [_row(message) for message in messages]
        if rows:
            self._connection.execute(insert(outbox), rows)

    def claim_due(self, now: pendulum.DateTime, limit: int) -> list[OutgoingEmail]:
        query = (
            select(outbox)
            .where(
                outbox.c.status.in_([EmailStatus.PENDING.value, EmailStatus.SENDING.value]),
                outbox.c.next_attempt_at <= as_utc(now),
            )
            .order_by(outbox.c.urgent.desc(), outbox.c.next_attempt_at, outbox.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        messages = [_from_row(row) for row in self._connection.execute(query)]
        for message in messages:
            message.claim(now)
            self.save(message)
        return messages

    def save(self, message: OutgoingEmail) -> None:
        self._connection.execute(
            update(outbox).where(outbox.c.id == message.id).values(**_state(message))
        )

    def listing(self, limit: int) -> list[OutgoingEmail]:
        rows = self._connection.execute(select(outbox).order_by(outbox.c.id.desc()).limit(limit))
        return [_from_row(row) for row in rows]

    def backlog(self) -> OutboxBacklog:
        waiting = outbox.c.status.in_([EmailStatus.PENDING.value, EmailStatus.SENDING.value])
        query = select(func.count(), func.min(outbox.c.created_at)).where(waiting)
        count, oldest = self._connection.execute(query).one()
        return OutboxBacklog(count, as_utc(oldest) if oldest is not None else None)

    def of_family(self, family_id: int) -> list[OutgoingEmail]:
        query = select(outbox).where(outbox.c.family_id == family_id).order_by(outbox.c.id)
        return [_from_row(row) for row in self._connection.execute(query)]

    def forget_family(self, family_id: int, addresses: Collection[str]) -> int:
        lowered = sorted({address.lower() for address in addresses})
        unnamed = and_(outbox.c.family_id.is_(None), func.lower(outbox.c.recipient).in_(lowered))
        statement = delete(outbox).where(or_(outbox.c.family_id == family_id, unnamed))
        return self._connection.execute(statement).rowcount


class SqlMessagingRepositories(OpenTransaction):
    """The repositories a unit of work gives on its transaction."""

    @property
    def outbox(self) -> SqlOutbox:
        return SqlOutbox(self.connection())
