"""Column types shared by the tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pendulum
from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from portail_core.domain.shared.instants import as_utc, utc_from_wall_clock

__all__ = ["UtcDateTime"]


class UtcDateTime(TypeDecorator[pendulum.DateTime]):
    """An instant, stored as a UTC wall-clock time on both databases, read back as aware UTC.

    Refuses naive datetimes: an instant without its offset is ambiguous.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        offset = value.utcoffset() if isinstance(value, datetime) else None
        if offset is not None:  # aware: its UTC wall-clock time in stdlib arithmetic (fast)
            wall = datetime(  # noqa: DTZ001  (naive on purpose: see below)
                value.year,
                value.month,
                value.day,
                value.hour,
                value.minute,
                value.second,
                value.microsecond,
            )
            return wall - offset
        utc = as_utc(pendulum.instance(value))  # refuses a naive datetime
        # A plain naive datetime, the UTC wall-clock time stored: the driver subtracts its
        # epoch from it, which pendulum's own arithmetic makes slow.
        return datetime(  # noqa: DTZ001  (naive on purpose: see above)
            utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond
        )

    def process_result_value(self, value: Any, dialect: Dialect) -> pendulum.DateTime | None:
        if value is None:
            return None
        return utc_from_wall_clock(value)  # stored as UTC wall-clock time
