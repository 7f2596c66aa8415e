"""Days of the week, with their French names (used in the commune file and in messages)."""

from __future__ import annotations

import enum
from datetime import date

__all__ = ["Weekday"]

_FRENCH = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


class Weekday(enum.Enum):
    MONDAY = 1
    TUESDAY = 2
    WEDNESDAY = 3
    THURSDAY = 4
    FRIDAY = 5
    SATURDAY = 6
    SUNDAY = 7

    @classmethod
    def of(cls, day: date) -> Weekday:
        return cls(day.isoweekday())

    @classmethod
    def from_name(cls, name: str) -> Weekday:
        """Accepts the English code (``"monday"``) or the French name (``"lundi"``)."""
        cleaned = name.strip().lower()
        if cleaned in _FRENCH:
            return cls(_FRENCH.index(cleaned) + 1)
        return cls[cleaned.upper()]  # KeyError for anything else

    @property
    def french(self) -> str:
        return _FRENCH[self.value - 1]

    @property
    def is_weekend(self) -> bool:
        return self in {Weekday.SATURDAY, Weekday.SUNDAY}
