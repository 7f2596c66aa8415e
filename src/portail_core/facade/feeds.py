"""The calendar feeds' use cases, ports bound."""

from __future__ import annotations

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.feeds import CalendarFeed
from portail_core.facade.ports import Ports
from portail_core.services.feeds.reading import read_feed
from portail_core.services.feeds.tokens import create_feed, feed_of, revoke_feed

__all__ = ["FeedUseCases"]


@frozen
class FeedUseCases:
    """A family's private calendar feed of its children's reservations (``portail.feeds``)."""

    _ports: Ports

    def create(self, *, family_id: int, actor: Actor) -> str:
        """A new feed (replacing the family's old one); returns its secret, to show once."""
        return create_feed(self._ports.uow(), self._ports.clock, family_id=family_id, actor=actor)

    def revoke(self, *, family_id: int, actor: Actor) -> bool:
        """Revoke the family's feed: its address answers 404; False when there was none."""
        return revoke_feed(self._ports.uow(), self._ports.clock, family_id=family_id, actor=actor)

    def of_family(self, family_id: int) -> CalendarFeed | None:
        """The family's feed (when created, last read), if any; never its secret."""
        return feed_of(self._ports.uow(read_only=True), family_id)

    def read(self, secret: str, *, actor_ip: str) -> bytes:
        """The feed as iCalendar, for whoever holds its address (NotFound when unknown or
        revoked; TooManyAttempts when asked too often)."""
        ports = self._ports
        return read_feed(
            ports.uow, ports.clock, ports.calendar_writer, secret=secret, actor_ip=actor_ip
        )
