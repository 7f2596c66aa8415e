"""The families' private calendar feeds, and what writes a feed as iCalendar."""

from __future__ import annotations

from typing import Protocol

from portail_core.domain.feeds import CalendarFeed, FeedCalendar

__all__ = ["CalendarFeedRepository", "CalendarWriter", "FeedRepositories"]


class CalendarFeedRepository(Protocol):
    """At most one feed per family."""

    def of_family(self, family_id: int) -> CalendarFeed | None: ...

    def by_token_hash(self, token_hash: str, *, for_update: bool = False) -> CalendarFeed | None:
        """The feed whose secret has this hash, or None (unknown, revoked or replaced)."""
        ...

    def replace(self, feed: CalendarFeed) -> CalendarFeed:
        """Make ``feed`` the family's only one (the old one, if any, is deleted); returns it
        with its id."""
        ...

    def update(self, feed: CalendarFeed) -> None:
        """Write back its reads."""
        ...

    def delete_of_family(self, family_id: int) -> bool:
        """Delete the family's feed; False when it had none."""
        ...


class FeedRepositories(Protocol):
    """The feeds' repository, as a unit of work gives it."""

    @property
    def calendar_feeds(self) -> CalendarFeedRepository: ...


class CalendarWriter(Protocol):
    """Writes a feed as an iCalendar document (RFC 5545)."""

    def write(self, calendar: FeedCalendar) -> bytes: ...
