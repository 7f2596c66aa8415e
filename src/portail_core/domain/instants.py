"""Time in the portal: every rule is evaluated in Europe/Paris, every instant is stored in UTC."""

from __future__ import annotations

import pendulum

__all__ = ["PARIS", "UTC", "as_paris", "as_utc"]

PARIS = pendulum.timezone("Europe/Paris")
UTC = pendulum.timezone("UTC")


def as_paris(instant: pendulum.DateTime) -> pendulum.DateTime:
    """The same instant on the Paris wall clock; refuses naive datetimes (they are ambiguous)."""
    _require_aware(instant)
    return instant.in_timezone(PARIS)


def as_utc(instant: pendulum.DateTime) -> pendulum.DateTime:
    """The same instant in UTC, as stored."""
    _require_aware(instant)
    return instant.in_timezone(UTC)


def _require_aware(instant: pendulum.DateTime) -> None:
    if instant.tzinfo is None:
        raise ValueError("naive datetime: the portal only handles aware instants")
