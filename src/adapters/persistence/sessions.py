"""Server-side portal sessions."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update

from adapters.persistence.tables import portal_sessions
from portail_core.domain.accounts.session import PortalSession

__all__ = ["SqlSessionRepository"]


class SqlSessionRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, session: PortalSession) -> None:
        statement = insert(portal_sessions).values(
            account_id=session.account_id,
            token_hash=session.token_hash,
            created_at=session.created_at,
            last_seen_at=session.last_seen_at,
        )
        session.id = self._connection.execute(
            statement.returning(portal_sessions.c.id)
        ).scalar_one()

    def by_hash(self, token_hash: str) -> PortalSession | None:
        row = self._connection.execute(
            select(portal_sessions).where(portal_sessions.c.token_hash == token_hash)
        ).first()
        if row is None:
            return None
        return PortalSession(
            row.account_id, row.token_hash, row.created_at, row.last_seen_at, id=row.id
        )

    def touch(self, session: PortalSession) -> None:
        self._connection.execute(
            update(portal_sessions)
            .where(portal_sessions.c.id == session.id)
            .values(last_seen_at=session.last_seen_at)
        )

    def delete(self, token_hash: str) -> None:
        self._connection.execute(
            delete(portal_sessions).where(portal_sessions.c.token_hash == token_hash)
        )

    def delete_all(self, account_id: int) -> None:
        self._connection.execute(
            delete(portal_sessions).where(portal_sessions.c.account_id == account_id)
        )
