"""The families' calendar feeds: one row per family, holding only the hash of its secret."""

from __future__ import annotations

from typing import Any

import attrs
from sqlalchemy import Connection, Row, delete, insert, select, update

from adapters.persistence.tables import calendar_feeds
from adapters.persistence.transaction import OpenTransaction
from portail_core.domain.feeds import CalendarFeed

__all__ = ["SqlCalendarFeedRepository", "SqlFeedRepositories"]


def _feed(row: Row[Any]) -> CalendarFeed:
    return CalendarFeed(
        row.family_id,
        row.token_hash,
        row.created_at,
        row.last_read_at,
        row.hour_started_at,
        row.reads_this_hour,
        id=row.id,
    )


class SqlCalendarFeedRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def of_family(self, family_id: int) -> CalendarFeed | None:
        query = select(calendar_feeds).where(calendar_feeds.c.family_id == family_id)
        row = self._connection.execute(query).first()
        return None if row is None else _feed(row)

    def by_token_hash(self, token_hash: str, *, for_update: bool = False) -> CalendarFeed | None:
        query = select(calendar_feeds).where(calendar_feeds.c.token_hash == token_hash)
        row = self._connection.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else _feed(row)

    def replace(self, feed: CalendarFeed) -> CalendarFeed:
        self.delete_of_family(feed.family_id)
        statement = insert(calendar_feeds).values(
            family_id=feed.family_id,
            token_hash=feed.token_hash,
            created_at=feed.created_at,
            last_read_at=feed.last_read_at,
            hour_started_at=feed.hour_started_at,
            reads_this_hour=feed.reads_this_hour,
        )
        new_id = self._connection.execute(statement.returning(calendar_feeds.c.id)).scalar_one()
        return attrs.evolve(feed, id=new_id)

    def update(self, feed: CalendarFeed) -> None:
        self._connection.execute(
            update(calendar_feeds)
            .where(calendar_feeds.c.id == feed.id)
            .values(
                last_read_at=feed.last_read_at,
                hour_started_at=feed.hour_started_at,
                reads_this_hour=feed.reads_this_hour,
            )
        )

    def delete_of_family(self, family_id: int) -> bool:
        statement = delete(calendar_feeds).where(calendar_feeds.c.family_id == family_id)
        return self._connection.execute(statement).rowcount > 0


class SqlFeedRepositories(OpenTransaction):
    """The repositories a unit of work gives on its transaction."""

    @property
    def calendar_feeds(self) -> SqlCalendarFeedRepository:
        return SqlCalendarFeedRepository(self.connection())
