"""Login throttles for what is not an account: an identifier that names no account (treated
exactly like a real one, so that answers reveal nothing), and a client address (per-IP limit).

A throttle is forgotten (``portail account purge``) once it no longer changes any answer: an
address's or a request counter's a day after it last counted (its window is an hour), an unknown
identifier's a month after its last failure, locked or not. A real account's counters are reset
when its holder logs in or unlocks it; a month of quiet is when that would have happened, so
forgetting then tells nothing about which identifiers exist.
"""

from __future__ import annotations

import hashlib
import ipaddress

import pendulum
from attrs import define, field

from portail_core.domain.accounts.account import (
    DELAY_AFTER,
    FIRST_DELAY,
    LOCK_AFTER,
    MAX_FAILURES_PER_DAY,
    AccountLocked,
    TooManyAttempts,
)
from portail_core.domain.shared.instants import as_utc

__all__ = [
    "COUNTER_MEMORY",
    "IP_FAILURES_PER_HOUR",
    "STAND_IN_MEMORY",
    "LoginThrottle",
    "identifier_key",
    "ip_key",
]

IP_FAILURES_PER_HOUR = 100
IDENTIFIER_PREFIX = "id:"
COUNTER_MEMORY = pendulum.duration(hours=24)  # an address's or a request counter's
STAND_IN_MEMORY = pendulum.duration(days=30)  # an unknown identifier's


def identifier_key(digest: str) -> str:
    """The throttle of a typed identifier, named by its keyed digest (``PasswordHasher.digest``):
    what was typed may be a password, so no plain hash of it is ever stored."""
    return IDENTIFIER_PREFIX + digest


def ip_key(address: str, purpose: str = "login") -> str:
    """An IPv4 address, or an IPv6 address's /64 (what one household or attacker holds)."""
    try:
        parsed = ipaddress.ip_address(address)
        text = (
            str(ipaddress.ip_network(f"{parsed}/64", strict=False))
            if parsed.version == 6
            else str(parsed)
        )
    except ValueError:
        text = address[:100]
    return f"{purpose}-ip:" + hashlib.sha256(text.encode()).hexdigest()


@define(slots=False, eq=False)
class LoginThrottle:
    key: str
    consecutive_failures: int = 0
    recent_failures: list[pendulum.DateTime] = field(factory=list)
    blocked_until: pendulum.DateTime | None = None
    locked: bool = False

    def check_as_identifier(self, now: pendulum.DateTime) -> None:
        """The rules of an account (SECURITY.md), for an identifier that names none."""
        if self.locked:
            raise AccountLocked()
        if self.blocked_until is not None and now.timestamp() < self.blocked_until.timestamp():
            raise TooManyAttempts(self.blocked_until - now)

    def fail_as_identifier(self, now: pendulum.DateTime) -> None:
        self._remember(now, pendulum.duration(hours=24))
        self.consecutive_failures += 1
        if (
            self.consecutive_failures >= LOCK_AFTER
            or len(self.recent_failures) >= MAX_FAILURES_PER_DAY
        ):
            self.locked, self.blocked_until = True, None
        elif self.consecutive_failures >= DELAY_AFTER:
            self.blocked_until = as_utc(now) + FIRST_DELAY * 2 ** (
                self.consecutive_failures - DELAY_AFTER
            )

    def check_as_address(self, now: pendulum.DateTime, limit: int = IP_FAILURES_PER_HOUR) -> None:
        """At most ``limit`` failures (or requests) an hour from one client address."""
        if self.hourly_count(now) >= limit:
            hour_ago = now.timestamp() - 3600
            oldest = next(t for t in self.recent_failures if t.timestamp() > hour_ago)
            raise TooManyAttempts(oldest.add(hours=1) - now)

    def hourly_count(self, now: pendulum.DateTime) -> int:
        hour_ago = now.timestamp() - 3600
        return sum(1 for t in self.recent_failures if t.timestamp() > hour_ago)

    def fail_as_address(self, now: pendulum.DateTime) -> None:
        self._remember(now, pendulum.duration(hours=1))

    def forgettable(self, now: pendulum.DateTime) -> bool:
        """Whether forgetting this throttle changes no answer (see the module's docstring)."""
        stand_in = self.key.startswith(IDENTIFIER_PREFIX)
        memory = STAND_IN_MEMORY if stand_in else COUNTER_MEMORY
        last = max((t.timestamp() for t in self.recent_failures), default=None)
        if last is not None and now.timestamp() - last < memory.total_seconds():
            return False
        blocked = self.blocked_until
        return blocked is None or blocked.timestamp() <= now.timestamp()

    def _remember(self, now: pendulum.DateTime, span: pendulum.Duration) -> None:
        since = now.timestamp() - span.total_seconds()
        self.recent_failures = [t for t in self.recent_failures if t.timestamp() > since]
        self.recent_failures.append(as_utc(now))
