"""The in-memory twin of the news' repository."""

from __future__ import annotations

import copy

import attrs
from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.news import NewsItem

__all__ = ["InMemoryNewsRepositories", "InMemoryNewsRepository", "NewsState"]


@define
class NewsState:
    items: dict[int, NewsItem] = field(factory=dict)
    last_id: int = 0


class InMemoryNewsRepository:
    def __init__(self, state: NewsState) -> None:
        self._state = state

    def add(self, item: NewsItem) -> NewsItem:
        self._state.last_id += 1
        stored = attrs.evolve(item, id=self._state.last_id)
        self._state.items[self._state.last_id] = stored
        return copy.copy(stored)

    def get(self, news_id: int, *, for_update: bool = False) -> NewsItem | None:
        item = self._state.items.get(news_id)
        return None if item is None else copy.copy(item)

    def update(self, item: NewsItem) -> None:
        assert item.id is not None  # noqa: S101  (a twin for tests)
        self._state.items[item.id] = copy.copy(item)

    def listing(self) -> list[NewsItem]:
        items = sorted(self._state.items.values(), key=lambda i: (i.first_day, i.id), reverse=True)
        return [copy.copy(item) for item in items]


class InMemoryNewsRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's NewsState."""

    @property
    def news(self) -> InMemoryNewsRepository:
        return InMemoryNewsRepository(self.state(NewsState))
