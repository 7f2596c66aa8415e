"""A family's private calendar feed: its children's reservations, read by a phone's or a
computer's calendar at an address that holds a secret.

- The secret is 256 random bits (``secrets.token_urlsafe(32)``); only its SHA-256 is stored,
  as for the account's links. The family sees the address once, when it creates the feed.
- One feed per family: creating a new one replaces the old, revoking deletes it; the old
  address then answers 404, like any unknown one.
- Each feed answers at most ``READS_PER_HOUR`` reads an hour (a calendar asks every few
  minutes at most); unknown addresses are counted per client address (``UNKNOWN_PER_HOUR``).
- What a feed says: a child's first name, the structure, its service and unit, the unit's hours
  on the day. Never the family's name, never health information.
"""

from __future__ import annotations

import secrets
from datetime import date, time

import pendulum
from attrs import define, field, frozen

from portail_core.domain.accounts.account import TooManyAttempts, hash_token
from portail_core.domain.shared.instants import as_utc

__all__ = [
    "MAX_SECRET",
    "PAST_DAYS",
    "READS_PER_HOUR",
    "UNKNOWN_PER_HOUR",
    "CalendarFeed",
    "FeedCalendar",
    "FeedEvent",
]

READS_PER_HOUR = 60
UNKNOWN_PER_HOUR = 100  # unknown or revoked addresses asked from one client address
PAST_DAYS = 62  # reservations shown before today: about two months
MAX_SECRET = 100  # a longer one is not one of ours


def _optional_utc(value: pendulum.DateTime | None) -> pendulum.DateTime | None:
    return None if value is None else as_utc(value)


@define(slots=False, eq=False)
class CalendarFeed:
    """The family's feed: the hash of its secret, when it was created, its reads."""

    family_id: int
    token_hash: str
    created_at: pendulum.DateTime = field(converter=as_utc)
    last_read_at: pendulum.DateTime | None = field(default=None, converter=_optional_utc)
    hour_started_at: pendulum.DateTime | None = field(default=None, converter=_optional_utc)
    reads_this_hour: int = 0
    id: int | None = field(default=None, kw_only=True)

    @classmethod
    def issue(cls, family_id: int, now: pendulum.DateTime) -> tuple[str, CalendarFeed]:
        """A new feed and its secret (shown once to the family; never stored)."""
        secret = secrets.token_urlsafe(32)
        return secret, cls(family_id, hash_token(secret), now)

    def record_read(self, now: pendulum.DateTime) -> None:
        """Count a read; TooManyAttempts beyond ``READS_PER_HOUR`` in the hour."""
        started = self.hour_started_at
        if started is None or now.timestamp() >= started.timestamp() + 3600:
            self.hour_started_at, self.reads_this_hour = as_utc(now), 0
            started = self.hour_started_at
        if self.reads_this_hour >= READS_PER_HOUR:
            raise TooManyAttempts(started.add(hours=1) - now)
        self.reads_this_hour += 1
        self.last_read_at = as_utc(now)


@frozen
class FeedEvent:
    """One reservation as a calendar shows it: the unit's hours on the day, Paris wall clock."""

    uid: str
    day: date
    start: time
    end: time
    summary: str
    location: str
    description: str
    stamp: pendulum.DateTime = field(converter=as_utc)  # when it was booked


@frozen
class FeedCalendar:
    """What a feed holds: its name and its events, by day and hour."""

    name: str
    events: tuple[FeedEvent, ...]
