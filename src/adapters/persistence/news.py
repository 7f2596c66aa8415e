"""The town's news."""

from __future__ import annotations

from typing import Any

import attrs
from sqlalchemy import Connection, Row, insert, select, update

from adapters.persistence.tables import news_items
from adapters.persistence.transaction import OpenTransaction
from portail_core.domain.audit import Actor, Channel
from portail_core.domain.news import NewsItem

__all__ = ["SqlNewsRepositories", "SqlNewsRepository"]


def news_from_row(row: Row[Any]) -> NewsItem:
    return NewsItem(
        row.title,
        row.text,
        row.first_day,
        row.last_day,
        row.establishment_code,
        row.created_at,
        Actor(row.created_by, Channel(row.channel)),
        row.published,
        id=row.id,
    )


class SqlNewsRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, item: NewsItem) -> NewsItem:
        statement = insert(news_items).values(
            title=item.title,
            text=item.text,
            first_day=item.first_day,
            last_day=item.last_day,
            establishment_code=item.establishment_code,
            published=item.published,
            created_at=item.created_at,
            created_by=item.created_by.identifier,
            channel=item.created_by.channel.value,
        )
        new_id = self._connection.execute(statement.returning(news_items.c.id)).scalar_one()
        return attrs.evolve(item, id=new_id)

    def get(self, news_id: int, *, for_update: bool = False) -> NewsItem | None:
        query = select(news_items).where(news_items.c.id == news_id)
        row = self._connection.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else news_from_row(row)

    def update(self, item: NewsItem) -> None:
        self._connection.execute(
            update(news_items)
            .where(news_items.c.id == item.id)
            .values(
                title=item.title,
                text=item.text,
                first_day=item.first_day,
                last_day=item.last_day,
                establishment_code=item.establishment_code,
                published=item.published,
            )
        )

    def listing(self) -> list[NewsItem]:
        n = news_items.c
        query = select(news_items).order_by(n.first_day.desc(), n.id.desc())
        return [news_from_row(row) for row in self._connection.execute(query)]


class SqlNewsRepositories(OpenTransaction):
    """The repositories a unit of work gives on its transaction."""

    @property
    def news(self) -> SqlNewsRepository:
        return SqlNewsRepository(self.connection())
