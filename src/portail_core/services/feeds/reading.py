"""A calendar reading a family's feed, without logging in: the secret in its address is all
it has. Unknown and revoked secrets answer alike (NotFound) and are counted per client
address; a known feed answers ``READS_PER_HOUR`` reads an hour."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from portail_core.domain.accounts.account import hash_token
from portail_core.domain.accounts.throttle import LoginThrottle, ip_key
from portail_core.domain.feeds import MAX_SECRET, PAST_DAYS, UNKNOWN_PER_HOUR
from portail_core.errors import NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.feeds import CalendarWriter
from portail_core.services.feeds.content import feed_calendar

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWorkFactory

__all__ = ["read_feed"]

PURPOSE = "feed"  # names the client addresses' throttle: "feed-ip:…"


def read_feed(
    uow: UnitOfWorkFactory, clock: Clock, writer: CalendarWriter, *, secret: str, actor_ip: str
) -> bytes:
    """The feed as iCalendar. TooManyAttempts when the client address asked for too many
    unknown feeds in the hour (whatever it asks now), or this feed was read too often;
    NotFound for an unknown, revoked or replaced secret."""
    now = clock.now()
    key = ip_key(actor_ip, PURPOSE)
    with uow(read_only=True) as reading:
        seen = reading.throttles.get(key)
    if seen is not None:
        seen.check_as_address(now, UNKNOWN_PER_HOUR)
    token_hash = hash_token(secret) if len(secret) <= MAX_SECRET else ""
    with uow() as work:
        feed = work.calendar_feeds.by_token_hash(token_hash, for_update=True)
        if feed is None:
            throttle = work.throttles.get(key, for_update=True) or LoginThrottle(key)
            throttle.fail_as_address(now)
            work.throttles.save(throttle)
            work.commit()
            raise NotFound("Cette page n'existe pas ou n'est plus disponible.")
        feed.record_read(now)
        work.calendar_feeds.update(feed)
        family = work.families.get(feed.family_id)
        if family is None:
            raise NotFound("Cette page n'existe pas ou n'est plus disponible.")
        calendar = feed_calendar(
            family,
            work.reservations.of_family(feed.family_id),
            work.catalogue.get(),
            work.communes.get(),
            clock.today() - timedelta(days=PAST_DAYS),
        )
        work.commit()
    return writer.write(calendar)
