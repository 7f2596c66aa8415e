"""Server-side portal sessions (SECURITY.md): an opaque random cookie, only its hash stored,
30 minutes idle and 12 hours at most; ended at logout and when the password changes."""

from __future__ import annotations

import secrets

import pendulum
from attrs import define, field

from portail_core.domain.accounts.account import hash_token
from portail_core.domain.shared.instants import as_utc

__all__ = ["ABSOLUTE_LIFETIME", "IDLE_TIMEOUT", "PortalSession"]

IDLE_TIMEOUT = pendulum.duration(minutes=30)
ABSOLUTE_LIFETIME = pendulum.duration(hours=12)
TOUCH_EVERY = pendulum.duration(minutes=1)  # do not write on every request


@define(slots=False, eq=False)
class PortalSession:
    account_id: int
    token_hash: str
    created_at: pendulum.DateTime = field(converter=as_utc)
    last_seen_at: pendulum.DateTime = field(converter=as_utc)
    id: int | None = field(default=None, kw_only=True)

    @classmethod
    def start(cls, account_id: int, now: pendulum.DateTime) -> tuple[str, PortalSession]:
        """A new session and its secret (for the cookie; never stored)."""
        secret = secrets.token_urlsafe(32)
        return secret, cls(account_id, hash_token(secret), now, now)

    def expired(self, now: pendulum.DateTime) -> bool:
        idle = now.timestamp() - self.last_seen_at.timestamp()
        age = now.timestamp() - self.created_at.timestamp()
        return idle >= IDLE_TIMEOUT.total_seconds() or age >= ABSOLUTE_LIFETIME.total_seconds()

    def needs_touch(self, now: pendulum.DateTime) -> bool:
        return now.timestamp() - self.last_seen_at.timestamp() >= TOUCH_EVERY.total_seconds()

    def expires_at(self) -> pendulum.DateTime:
        """When it ends if nothing happens (for the "Prolonger la session" notice)."""
        idle_end = self.last_seen_at + IDLE_TIMEOUT
        absolute_end = self.created_at + ABSOLUTE_LIFETIME
        return min(idle_end, absolute_end, key=lambda moment: moment.timestamp())
