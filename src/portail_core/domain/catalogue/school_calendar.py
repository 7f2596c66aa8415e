"""The official school calendar: holiday periods per zone and school year.

A holiday runs from its first day without classes to the day classes resume (excluded), as in
the ministry's data set. Any date between the first and the last period known for a zone is
either in a holiday or in a school period; outside that range the calendar is unknown.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cached_property

from attrs import field, frozen

from portail_core.domain.communes import SchoolZone

__all__ = ["SchoolCalendar", "SchoolHoliday"]


@frozen
class SchoolHoliday:
    zone: SchoolZone
    school_year: str  # "2025-2026"
    name: str  # "Vacances d'hiver"
    first_day: date
    resume_day: date  # classes resume that day: not part of the holiday

    def __attrs_post_init__(self) -> None:
        if self.resume_day <= self.first_day:
            raise ValueError(f"{self.name}: the holiday ends before it starts")

    def covers(self, day: date) -> bool:
        return self.first_day <= day < self.resume_day


def _sorted(holidays: Iterable[SchoolHoliday]) -> tuple[SchoolHoliday, ...]:
    return tuple(sorted(holidays, key=lambda h: (h.zone.value, h.first_day)))


@frozen
class SchoolCalendar:
    holidays: tuple[SchoolHoliday, ...] = field(converter=_sorted, factory=tuple)

    @cached_property
    def _zones(self) -> dict[SchoolZone, tuple[SchoolHoliday, ...]]:
        """The holidays of each zone, sorted once (a planning grid asks for every cell)."""
        return {zone: tuple(h for h in self.holidays if h.zone is zone) for zone in SchoolZone}

    @cached_property
    def _known(self) -> dict[SchoolZone, tuple[date, date]]:
        """Each zone's first holiday and the day classes resume after its last."""
        return {
            zone: (periods[0].first_day, max(h.resume_day for h in periods))
            for zone, periods in self._zones.items()
            if periods
        }

    def of_zone(self, zone: SchoolZone) -> tuple[SchoolHoliday, ...]:
        return self._zones[zone]

    def holiday_on(self, zone: SchoolZone, day: date) -> SchoolHoliday | None:
        return next((h for h in self._zones[zone] if h.covers(day)), None)

    def knows(self, zone: SchoolZone, day: date) -> bool:
        """True from the zone's first known holiday to the day classes resume after its last."""
        bounds = self._known.get(zone)
        return bounds is not None and bounds[0] <= day <= bounds[1]

    def school_years(self, zone: SchoolZone) -> list[str]:
        return sorted({h.school_year for h in self.of_zone(zone)})

    def overlaid_with(self, newer: SchoolCalendar) -> SchoolCalendar:
        """This calendar where ``newer`` replaces every (zone, school year) it describes."""
        replaced = {(h.zone, h.school_year) for h in newer.holidays}
        kept = [h for h in self.holidays if (h.zone, h.school_year) not in replaced]
        return SchoolCalendar((*kept, *newer.holidays))
