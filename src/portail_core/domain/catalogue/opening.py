"""Whether a unit is open on a date, and why: the opening calendar.

The day's kind comes from the commune's school calendar (zone), its school weekdays (a four-day
week leaves Wednesday free), French public holidays, and the establishment's own closures.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date

from attrs import frozen

from portail_core.domain.catalogue.establishments import DayKind, Establishment, Unit
from portail_core.domain.catalogue.school_calendar import SchoolCalendar
from portail_core.domain.communes import SchoolZone
from portail_core.domain.shared.weekdays import Weekday

__all__ = ["CalendarContext", "Opening", "OpeningReason", "opening_of"]


class OpeningReason(enum.Enum):
    # why a unit is open
    SCHOOL_DAY = "school_day"
    WEDNESDAY = "wednesday"
    SCHOOL_HOLIDAYS = "school_holidays"
    # why it is closed
    WEEKEND = "weekend"
    PUBLIC_HOLIDAY = "public_holiday"
    CLOSURE = "closure"
    HOLIDAYS_NOT_SERVED = "holidays_not_served"
    SCHOOL_DAY_NOT_SERVED = "school_day_not_served"
    WEDNESDAY_NOT_SERVED = "wednesday_not_served"
    WEEKDAY_NOT_SERVED = "weekday_not_served"
    UNKNOWN_CALENDAR = "unknown_calendar"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    OpeningReason.SCHOOL_DAY: "jour d'école",
    OpeningReason.WEDNESDAY: "jour sans classe",
    OpeningReason.SCHOOL_HOLIDAYS: "vacances scolaires",
    OpeningReason.WEEKEND: "week-end",
    OpeningReason.PUBLIC_HOLIDAY: "jour férié",
    OpeningReason.CLOSURE: "fermeture de la structure",
    OpeningReason.HOLIDAYS_NOT_SERVED: "vacances scolaires",
    OpeningReason.SCHOOL_DAY_NOT_SERVED: "jour d'école",
    OpeningReason.WEDNESDAY_NOT_SERVED: "pas de classe ce jour-là",
    OpeningReason.WEEKDAY_NOT_SERVED: "pas d'activité ce jour de la semaine",
    OpeningReason.UNKNOWN_CALENDAR: "calendrier scolaire non publié",
}


@frozen
class CalendarContext:
    """What the opening of any unit of the commune depends on, over a range of dates."""

    zone: SchoolZone
    school_weekdays: frozenset[Weekday]
    school_calendar: SchoolCalendar
    public_holidays: Mapping[date, str]  # date -> French name, e.g. "Lundi de Pâques"


@frozen
class Opening:
    day: date
    unit_code: str
    open: bool
    reason: OpeningReason
    detail: str = ""  # the holiday, public holiday or closure concerned

    def describe(self) -> str:
        state = "ouvert" if self.open else "fermé"
        detail = f" ({self.detail})" if self.detail else ""
        return f"{state} : {self.reason.label}{detail}"


def _kind_of_day(context: CalendarContext, day: date) -> tuple[DayKind, str]:
    holiday = context.school_calendar.holiday_on(context.zone, day)
    if holiday is not None:
        return DayKind.SCHOOL_HOLIDAYS, holiday.name
    if Weekday.of(day) in context.school_weekdays:
        return DayKind.SCHOOL_DAYS, ""
    return DayKind.WEDNESDAYS, ""


_OPEN_BECAUSE = {
    DayKind.SCHOOL_DAYS: OpeningReason.SCHOOL_DAY,
    DayKind.WEDNESDAYS: OpeningReason.WEDNESDAY,
    DayKind.SCHOOL_HOLIDAYS: OpeningReason.SCHOOL_HOLIDAYS,
}
_CLOSED_BECAUSE = {
    DayKind.SCHOOL_DAYS: OpeningReason.SCHOOL_DAY_NOT_SERVED,
    DayKind.WEDNESDAYS: OpeningReason.WEDNESDAY_NOT_SERVED,
    DayKind.SCHOOL_HOLIDAYS: OpeningReason.HOLIDAYS_NOT_SERVED,
}


def opening_of(
    establishment: Establishment, unit: Unit, day: date, context: CalendarContext
) -> Opening:
    """Open or closed, and why; checks in the order a family would understand them."""

    def closed(reason: OpeningReason, detail: str = "") -> Opening:
        return Opening(day, unit.code, False, reason, detail)

    weekday = Weekday.of(day)
    if weekday.is_weekend:
        return closed(OpeningReason.WEEKEND)
    if day in context.public_holidays:
        return closed(OpeningReason.PUBLIC_HOLIDAY, context.public_holidays[day])
    if not context.school_calendar.knows(context.zone, day):
        return closed(OpeningReason.UNKNOWN_CALENDAR)
    closure = establishment.closure_on(day)
    if closure is not None:
        return closed(OpeningReason.CLOSURE, closure.label)
    kind, detail = _kind_of_day(context, day)
    if kind not in unit.days:
        return closed(_CLOSED_BECAUSE[kind], detail)
    if weekday not in unit.weekdays:
        return closed(OpeningReason.WEEKDAY_NOT_SERVED, weekday.french)
    return Opening(day, unit.code, True, _OPEN_BECAUSE[kind], detail)
