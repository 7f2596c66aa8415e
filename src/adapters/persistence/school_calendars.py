"""Imported official school calendars."""

from __future__ import annotations

from sqlalchemy import Connection, and_, delete, insert, or_, select

from adapters.persistence.tables import school_holidays
from portail_core.domain.catalogue.school_calendar import SchoolCalendar, SchoolHoliday
from portail_core.domain.communes import SchoolZone

__all__ = ["SqlSchoolCalendarRepository"]


class SqlSchoolCalendarRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def imported(self) -> SchoolCalendar:
        rows = self._connection.execute(select(school_holidays))
        return SchoolCalendar(
            tuple(
                SchoolHoliday(
                    zone=SchoolZone(row.zone),
                    school_year=row.school_year,
                    name=row.name,
                    first_day=row.first_day,
                    resume_day=row.resume_day,
                )
                for row in rows
            )
        )

    def replace_years(self, calendar: SchoolCalendar) -> None:
        years = {(h.zone.value, h.school_year) for h in calendar.holidays}
        self._connection.execute(
            delete(school_holidays).where(
                or_(
                    *(
                        and_(school_holidays.c.zone == zone, school_holidays.c.school_year == year)
                        for zone, year in years
                    )
                )
            )
        )
        self._connection.execute(
            insert(school_holidays),
            [
                {
                    "zone": h.zone.value,
                    "school_year": h.school_year,
                    "name": h.name,
                    "first_day": h.first_day,
                    "resume_day": h.resume_day,
                }
                for h in calendar.holidays
            ],
        )
