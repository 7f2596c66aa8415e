"""How full an establishment is, unit by unit and day by day, and who waits for a place."""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.bookings.reservation import (
    PlaceKey,
    WaitingEntry,
    WaitingStatus,
)
from portail_core.domain.catalogue.establishments import Catalogue, Establishment, Unit
from portail_core.domain.catalogue.opening import CalendarContext, opening_of
from portail_core.domain.dossiers.family import Family
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.services.bookings.context import check_period
from portail_core.services.bookings.desk import staff_establishment
from portail_core.services.catalogue.calendars import MAX_DAYS, calendar_context

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["Occupancy", "OccupancyLine", "WaitingLine", "occupancy", "waiting_list_report"]


@frozen
class OccupancyLine:
    """One unit (and age group) on one day."""

    day: date
    unit_code: str
    unit_label: str
    age_group: str  # code; "" when the unit has no age groups
    age_group_label: str
    open: bool  # False: closed that day, yet with bookings or a waiting list to look at
    places: int | None  # None: unlimited
    booked: int
    offered: int  # places held for a family of the waiting list until its offer expires
    waiting: int  # children waiting for a place

    @property
    def free(self) -> int | None:
        if self.places is None:
            return None
        return max(self.places - self.booked - self.offered, 0)


@frozen
class Occupancy:
    establishment: Establishment
    first: date
    last: date
    lines: tuple[OccupancyLine, ...]  # by day, then unit (catalogue order), then age group


def occupancy(
    uow: UnitOfWork, sources: CalendarSources, clock: Clock, *, establishment_code: str, month: date
) -> Occupancy:
    """For each open day of the month (``month``: any day of it) and each unit: places, booked,
    free and waiting, per age group when the unit has them."""
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    now = clock.now()
    with uow:
        context = calendar_context(uow, sources, first, last)
        establishment = staff_establishment(uow, establishment_code)
        taken = uow.reservations.taken(establishment.code, first, last, now)
        entries = uow.waiting_list.active(establishment.code, first, last)
    counts = _Counts(
        taken,
        offered=Counter(e.place for e in entries if _offer_runs(e, now)),
        waiting=Counter(e.place for e in entries if not _offer_runs(e, now)),
    )
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    lines = [
        line
        for day in days
        for unit in establishment.units
        for line in _unit_lines(establishment, unit, day, context, counts)
    ]
    return Occupancy(establishment, first, last, tuple(lines))


@frozen
class _Counts:
    taken: dict[PlaceKey, int]  # booked and held by a running offer, as the repository counts
    offered: Counter[PlaceKey]
    waiting: Counter[PlaceKey]

    def groups(self, unit: Unit, day: date) -> list[tuple[str, str]]:
        """The unit's age groups (or "" without), and any other group still holding places."""
        groups = [(g.code, g.label) for g in unit.age_groups] or [("", "")]
        known = {group for group, _ in groups}
        others = sorted(
            {
                place.age_group
                for place in [*self.taken, *self.waiting]
                if place.unit_code == unit.code
                and place.day == day
                and place.age_group not in known
            }
        )
        return groups + [(group, group) for group in others]


def _unit_lines(
    establishment: Establishment, unit: Unit, day: date, context: CalendarContext, counts: _Counts
) -> list[OccupancyLine]:
    """A unit's lines for one day: when it is open, or when closed yet holding children."""
    is_open = opening_of(establishment, unit, day, context).open
    lines = []
    for group, label in counts.groups(unit, day):
        place = PlaceKey(establishment.code, unit.code, day, group)
        offered, waiting = counts.offered[place], counts.waiting[place]
        booked = counts.taken.get(place, 0) - offered
        if is_open or booked or offered or waiting:
            places = unit.places_on(day, group or None)
            lines.append(
                OccupancyLine(
                    day,
                    unit.code,
                    unit.label,
                    group,
                    label,
                    is_open,
                    places,
                    booked,
                    offered,
                    waiting,
                )
            )
    return lines


def _offer_runs(entry: WaitingEntry, now: pendulum.DateTime) -> bool:
    """An offer still running holds its place (the repositories count it as taken)."""
    expires = entry.offer_expires_at
    return (
        entry.status is WaitingStatus.OFFERED
        and expires is not None
        and expires.timestamp() >= now.timestamp()
    )


@frozen
class WaitingLine:
    entry: WaitingEntry
    position: int  # 1 = the next to get a place
    child_name: str
    family_name: str
    establishment_name: str
    unit_label: str


def waiting_list_report(
    uow: UnitOfWork, *, establishment_code: str | None, first: date, last: date
) -> list[WaitingLine]:
    """Active waiting-list entries between two dates, with their position and names, for staff
    (every establishment when ``establishment_code`` is None)."""
    check_period(first, last, longest=MAX_DAYS)
    with uow:
        catalogue = uow.catalogue.get()
        if establishment_code is not None:
            staff_establishment(uow, establishment_code)
        entries = uow.waiting_list.active(establishment_code, first, last)
        families = {i: uow.families.get(i) for i in sorted({e.family_id for e in entries})}
    positions: Counter[PlaceKey] = Counter()
    lines: list[WaitingLine] = []
    for entry in entries:
        positions[entry.place] += 1
        family = families.get(entry.family_id)
        lines.append(_waiting_line(entry, positions[entry.place], family, catalogue))
    return lines


def _waiting_line(
    entry: WaitingEntry, position: int, family: Family | None, catalogue: Catalogue
) -> WaitingLine:
    """Names as the catalogue and the dossier give them; numbers and codes for what is gone."""
    child = None if family is None else family.child(entry.child_id)
    establishment = catalogue.establishment(entry.establishment_code)
    unit = establishment.unit(entry.unit_code) if establishment is not None else None
    return WaitingLine(
        entry,
        position,
        child.full_name if child is not None else f"Enfant n° {entry.child_id}",
        family.name if family is not None else f"n° {entry.family_id}",
        establishment.name if establishment is not None else entry.establishment_code,
        unit.label if unit is not None else entry.unit_code,
    )
