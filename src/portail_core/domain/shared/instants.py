"""Time in the portal: every rule is evaluated in Europe/Paris, every instant is stored in UTC."""

from __future__ import annotations

from datetime import date, datetime

import pendulum

__all__ = ["PARIS", "UTC", "as_paris", "as_utc", "paris_day_start", "utc_from_wall_clock"]

PARIS = pendulum.timezone("Europe/Paris")
UTC = pendulum.timezone("UTC")


def as_paris(instant: pendulum.DateTime) -> pendulum.DateTime:
    """The same instant on the Paris wall clock; refuses naive datetimes (they are ambiguous)."""
    _require_aware(instant)
    return instant.in_timezone(PARIS)


def as_utc(instant: pendulum.DateTime) -> pendulum.DateTime:
    """The same instant in UTC, as stored (returned as is when it already is: converting costs
    about 10 µs, which a month of attendance marks or a listing of dossiers multiplies)."""
    if instant.tzinfo is UTC and isinstance(instant, pendulum.DateTime):
        return instant
    _require_aware(instant)
    return instant.in_timezone(UTC)


def paris_day_start(day: date) -> pendulum.DateTime:
    """Midnight of ``day`` on the Paris wall clock, in UTC (a day's instants start there)."""
    return as_utc(pendulum.datetime(day.year, day.month, day.day, tz=PARIS))


def utc_from_wall_clock(value: datetime) -> pendulum.DateTime:
    """The instant whose UTC wall-clock time is ``value`` (naive, or aware at offset zero), built
    directly rather than through ``pendulum.instance`` (ten times faster)."""
    if value.tzinfo is not None and value.utcoffset():
        raise ValueError(f"not a UTC wall-clock time: {value.isoformat()}")
    return pendulum.DateTime(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        tzinfo=UTC,
    )


def _require_aware(instant: pendulum.DateTime) -> None:
    if instant.tzinfo is None:
        raise ValueError("naive datetime: the portal only handles aware instants")
