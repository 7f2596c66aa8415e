"""French public holidays from the ``holidays`` package, and an in-memory twin."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import holidays

__all__ = ["FixedPublicHolidays", "FrenchPublicHolidays"]


class FrenchPublicHolidays:
    """Metropolitan France's public holidays, named in French.

    ``subdivision`` adds local ones, e.g. "57" for Moselle (Saint Étienne, Vendredi saint).
    """

    def __init__(self, subdivision: str | None = None) -> None:
        self._subdivision = subdivision

    def between(self, first: date, last: date) -> dict[date, str]:
        calendar = holidays.country_holidays(
            "FR",
            subdiv=self._subdivision,
            years=range(first.year, last.year + 1),
            language="fr",
        )
        return {day: name for day, name in sorted(calendar.items()) if first <= day <= last}


class FixedPublicHolidays:
    """A given list of public holidays, for tests and demos."""

    def __init__(self, days: Mapping[date, str]) -> None:
        self._days = dict(days)

    def between(self, first: date, last: date) -> dict[date, str]:
        return {day: name for day, name in sorted(self._days.items()) if first <= day <= last}
