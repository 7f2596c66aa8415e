"""Use cases about when establishments are open, and the official school calendar."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.catalogue.opening import CalendarContext, Opening, opening_of
from portail_core.domain.catalogue.school_calendar import SchoolCalendar
from portail_core.domain.communes import SchoolZone
from portail_core.errors import InvalidInput, NotFound
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.services.catalogue import notices

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = [
    "MAX_DAYS",
    "EstablishmentCalendar",
    "ImportReport",
    "calendar_context",
    "establishment_calendar",
    "import_school_calendar",
]

MAX_DAYS = 400


@frozen
class EstablishmentCalendar:
    establishment: Establishment
    first: date
    last: date
    openings: tuple[Opening, ...]  # every date x unit, by date then unit order


def establishment_calendar(
    uow: UnitOfWork, sources: CalendarSources, code: str, first: date, last: date
) -> EstablishmentCalendar:
    """For each date and unit of one establishment, open or closed and why."""
    _check_period(first, last)
    with uow:
        commune = uow.communes.get()
        establishment = uow.catalogue.get().establishment(code)
        imported = uow.school_calendars.imported()
    if commune is None or establishment is None:
        raise NotFound(f"Aucune structure « {code} » au catalogue.")
    if not establishment.units:
        raise NotFound(
            f"« {establishment.name} » ne prend que des pré-inscriptions : elle n'a pas de "
            "calendrier de réservation."
        )
    context = CalendarContext(
        zone=commune.school_zone,
        school_weekdays=commune.school_weekdays,
        school_calendar=sources.shipped.overlaid_with(imported),
        public_holidays=sources.public_holidays.between(first, last),
    )
    openings = tuple(
        opening_of(establishment, unit, day, context)
        for day in _days(first, last)
        for unit in establishment.units
    )
    return EstablishmentCalendar(establishment, first, last, openings)


def calendar_context(
    uow: UnitOfWork, sources: CalendarSources, first: date, last: date
) -> CalendarContext:
    """What tells whether a unit is open on a day from ``first`` to ``last``: the commune's
    school zone and school weekdays, the school calendars (shipped and imported), the public
    holidays. Bookings, occupancy and the pointage read it the same way."""
    commune = uow.communes.get()
    if commune is None:
        raise NotFound("La commune n'est pas encore configurée.")
    return CalendarContext(
        zone=commune.school_zone,
        school_weekdays=commune.school_weekdays,
        school_calendar=sources.shipped.overlaid_with(uow.school_calendars.imported()),
        public_holidays=sources.public_holidays.between(first, last),
    )


def _check_period(first: date, last: date) -> None:
    if last < first:
        raise InvalidInput("La date de fin précède la date de début.")
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput(f"Période trop longue : {MAX_DAYS} jours au plus.")


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@frozen
class ImportReport:
    years: tuple[tuple[SchoolZone, str, int], ...]  # zone, school year, number of holidays


def import_school_calendar(
    uow: UnitOfWork,
    calendar: SchoolCalendar,
    *,
    shipped: SchoolCalendar,
    actor: Actor,
    clock: Clock,
) -> ImportReport:
    """Store a newer official school calendar; it replaces the years it describes (the audit
    trail keeps, for each, the holidays before and after)."""
    if not calendar.holidays:
        raise InvalidInput("Le fichier ne contient aucune période de vacances des zones A, B ou C.")
    report = ImportReport(_years_of(calendar))
    years = [(zone, year) for zone, year, _ in report.years]
    with uow:
        in_force = shipped.overlaid_with(uow.school_calendars.imported())
        event = notices.school_calendar_imported(years, in_force, calendar, actor, clock.now())
        uow.school_calendars.replace_years(calendar)
        uow.audit.record(event)
        uow.commit()
    return report


def _years_of(calendar: SchoolCalendar) -> tuple[tuple[SchoolZone, str, int], ...]:
    """Each zone and school year the calendar describes, with its number of holidays, in order."""
    counted: dict[tuple[SchoolZone, str], int] = {}
    for holiday in calendar.holidays:
        key = (holiday.zone, holiday.school_year)
        counted[key] = counted.get(key, 0) + 1
    years = sorted(counted.items(), key=lambda item: (item[0][0].value, item[0][1]))
    return tuple((zone, year, n) for (zone, year), n in years)
