"""French public holidays from the ``holidays`` package, and an in-memory twin."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date

__all__ = ["FixedPublicHolidays", "FrenchPublicHolidays"]


class FrenchPublicHolidays:
    """Metropolitan France's public holidays, named in French.

    ``subdivision`` adds local ones, e.g. "57" for Moselle (Saint Étienne, Vendredi saint).
    """

    def __init__(self, subdivision: str | None = None) -> None:
        self._subdivision = subdivision

    def between(self, first: date, last: date) -> dict[date, str]:
        days = _of_years(self._subdivision, first.year, last.year)
        return {day: name for day, name in days if first <= day <= last}


@functools.lru_cache(maxsize=64)
def _of_years(subdivision: str | None, first: int, last: int) -> tuple[tuple[date, str], ...]:
    """The holidays of whole years, in date order: computed once per process (about a
    millisecond each time otherwise: every planning grid asks), they never change."""
    import holidays  # 0.06 s: imported when a calendar is first computed, not at start-up

    calendar = holidays.country_holidays(
        "FR", subdiv=subdivision, years=range(first, last + 1), language="fr"
    )
    return tuple(sorted(calendar.items()))


class FixedPublicHolidays:
    """A given list of public holidays, for tests and demos."""

    def __init__(self, days: Mapping[date, str]) -> None:
        self._days = dict(days)

    def between(self, first: date, last: date) -> dict[date, str]:
        return {day: name for day, name in sorted(self._days.items()) if first <= day <= last}
