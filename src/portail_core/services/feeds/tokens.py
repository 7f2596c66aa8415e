"""Creating, revoking and looking at a family's feed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portail_core.domain.audit import Actor
from portail_core.domain.feeds import CalendarFeed
from portail_core.ports.clock import Clock
from portail_core.services.dossiers.common import family_of
from portail_core.services.feeds import notices

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["create_feed", "feed_of", "revoke_feed"]


def create_feed(uow: UnitOfWork, clock: Clock, *, family_id: int, actor: Actor) -> str:
    """A new feed for the family, replacing its old one (whose address then answers like an
    unknown one); returns the secret, to show once."""
    now = clock.now()
    with uow:
        family_of(uow, family_id, for_update=True)  # two clicks: one after the other
        replaced = uow.calendar_feeds.of_family(family_id) is not None
        secret, feed = CalendarFeed.issue(family_id, now)
        uow.calendar_feeds.replace(feed)
        uow.audit.record(notices.feed_created(family_id, replaced, actor, now))
        uow.commit()
    return secret


def revoke_feed(uow: UnitOfWork, clock: Clock, *, family_id: int, actor: Actor) -> bool:
    """Delete the family's feed; False (and nothing recorded) when it had none."""
    with uow:
        revoked = uow.calendar_feeds.delete_of_family(family_id)
        if revoked:
            uow.audit.record(notices.feed_revoked(family_id, actor, clock.now()))
            uow.commit()
    return revoked


def feed_of(uow: UnitOfWork, family_id: int) -> CalendarFeed | None:
    """The family's feed, if it has one (give a read-only unit)."""
    with uow:
        return uow.calendar_feeds.of_family(family_id)
