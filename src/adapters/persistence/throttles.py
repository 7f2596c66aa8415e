"""Login throttles (unknown identifiers, client addresses)."""

from __future__ import annotations

from typing import Any

import pendulum
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from adapters.persistence.tables import login_throttles
from portail_core.domain.accounts.throttle import LoginThrottle

__all__ = ["SqlThrottleRepository"]


def _instant(text: str) -> pendulum.DateTime:
    parsed = pendulum.parse(text)
    if not isinstance(parsed, pendulum.DateTime):
        raise ValueError(f"not an instant: {text!r}")
    return parsed


def _insert_missing(connection: Connection, key: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING, in the dialect of the connection."""
    dialect_insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    return (
        dialect_insert(login_throttles)
        .values(key=key, consecutive_failures=0, recent_failures=[], locked=False)
        .on_conflict_do_nothing(index_elements=["key"])
    )


class SqlThrottleRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def get(self, key: str, *, for_update: bool = False) -> LoginThrottle | None:
        if for_update:  # make sure the row exists, so that the lock below always holds one
            self._connection.execute(_insert_missing(self._connection, key))
        query = select(login_throttles).where(login_throttles.c.key == key)
        row = self._connection.execute(query.with_for_update() if for_update else query).first()
        if row is None:
            return None
        return LoginThrottle(
            key=row.key,
            consecutive_failures=row.consecutive_failures,
            recent_failures=[_instant(t) for t in row.recent_failures],
            blocked_until=row.blocked_until,
            locked=row.locked,
        )

    def save(self, throttle: LoginThrottle) -> None:
        values = {
            "consecutive_failures": throttle.consecutive_failures,
            "recent_failures": [t.isoformat() for t in throttle.recent_failures],
            "blocked_until": throttle.blocked_until,
            "locked": throttle.locked,
        }
        changed = self._connection.execute(
            update(login_throttles).where(login_throttles.c.key == throttle.key).values(values)
        ).rowcount
        if not changed:
            self._connection.execute(insert(login_throttles).values(key=throttle.key, **values))
