"""The in-memory twin of the calendar feeds' repository."""

from __future__ import annotations

import copy

import attrs
from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.feeds import CalendarFeed

__all__ = ["FeedState", "InMemoryCalendarFeedRepository", "InMemoryFeedRepositories"]


@define
class FeedState:
    feeds: dict[int, CalendarFeed] = field(factory=dict)  # by family
    last_feed_id: int = 0


class InMemoryCalendarFeedRepository:
    def __init__(self, state: FeedState) -> None:
        self._state = state

    def of_family(self, family_id: int) -> CalendarFeed | None:
        return copy.deepcopy(self._state.feeds.get(family_id))

    def by_token_hash(self, token_hash: str, *, for_update: bool = False) -> CalendarFeed | None:
        found = (f for f in self._state.feeds.values() if f.token_hash == token_hash)
        return copy.deepcopy(next(found, None))

    def replace(self, feed: CalendarFeed) -> CalendarFeed:
        self._state.last_feed_id += 1
        stored = attrs.evolve(feed, id=self._state.last_feed_id)
        self._state.feeds[feed.family_id] = stored
        return copy.deepcopy(stored)

    def update(self, feed: CalendarFeed) -> None:
        stored = self._state.feeds.get(feed.family_id)
        if stored is not None and stored.id == feed.id:  # not replaced meanwhile
            self._state.feeds[feed.family_id] = copy.deepcopy(feed)

    def delete_of_family(self, family_id: int) -> bool:
        return self._state.feeds.pop(family_id, None) is not None


class InMemoryFeedRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's FeedState."""

    @property
    def calendar_feeds(self) -> InMemoryCalendarFeedRepository:
        return InMemoryCalendarFeedRepository(self.state(FeedState))
