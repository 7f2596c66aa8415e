"""What the commune offers, the school calendars and the public holidays."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from attrs import frozen

from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.catalogue.school_calendar import SchoolCalendar

__all__ = [
    "CalendarSources",
    "CatalogueRepositories",
    "CatalogueRepository",
    "PublicHolidays",
    "SchoolCalendarRepository",
]


class CatalogueRepository(Protocol):
    """What the commune offers: schools, establishments and their units."""

    def get(self) -> Catalogue:
        """The current catalogue (empty before the town's file is loaded)."""
        ...

    def replace(self, catalogue: Catalogue) -> None:
        """Make ``catalogue`` the current one: schools, establishments and units are matched by
        code and updated; those no longer listed are archived (kept for history), not deleted."""
        ...


class SchoolCalendarRepository(Protocol):
    """Official school calendars imported by staff, newer than the ones shipped with the code."""

    def imported(self) -> SchoolCalendar: ...

    def replace_years(self, calendar: SchoolCalendar) -> None:
        """Store ``calendar``, replacing every (zone, school year) it describes."""
        ...


class PublicHolidays(Protocol):
    """French public holidays (jours fériés)."""

    def between(self, first: date, last: date) -> dict[date, str]:
        """The public holidays from ``first`` to ``last`` (inclusive), with their French names."""
        ...


class CatalogueRepositories(Protocol):
    """The catalogue's repositories, as a unit of work gives them."""

    @property
    def catalogue(self) -> CatalogueRepository: ...

    @property
    def school_calendars(self) -> SchoolCalendarRepository: ...


@frozen
class CalendarSources:
    """Where the days come from: the school calendar shipped with the code, public holidays."""

    shipped: SchoolCalendar
    public_holidays: PublicHolidays
