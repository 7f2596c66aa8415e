"""What the desk and the establishments need on the day and over a month: the attendance sheet
(who comes, with what care), the occupancy of each open day, and who waits for a place.

The attendance sheet carries health flags (allergies, PAI) and the PAI's practical instructions:
reading it is recorded in the audit trail, naming the establishment and the day, never a health
value.
"""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date, timedelta

import pendulum
from attrs import frozen

from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.bookings.reservation import (
    PlaceKey,
    Reservation,
    WaitingEntry,
    WaitingStatus,
)
from portail_core.domain.catalogue.establishments import Establishment, Unit
from portail_core.domain.catalogue.opening import CalendarContext, opening_of
from portail_core.domain.dossiers.family import Family
from portail_core.domain.shared.collation import french_sort_key
from portail_core.domain.shared.raw_input import phone_for_display
from portail_core.errors import InvalidInput, NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.desk import staff_establishment
from portail_core.services.opening_calendar import MAX_DAYS, CalendarSources

__all__ = [
    "AttendanceLine",
    "AttendanceSheet",
    "Occupancy",
    "OccupancyLine",
    "PickUpPerson",
    "WaitingLine",
    "attendance_sheet",
    "occupancy",
    "waiting_list_report",
]


@frozen
class PickUpPerson:
    """An authorised person who may pick the child up."""

    name: str
    phone: str  # as dialled in France ("05 58 09 12 34")
    relationship: str


@frozen
class AttendanceLine:
    """One booked child in one unit on the day."""

    unit_code: str
    unit_label: str
    child_id: int
    last_name: str
    first_name: str
    age_group: str  # the age group's label; "" when the unit has none
    school: str  # the school's name; "" when none is known
    school_class: str
    family_id: int
    family_name: str
    allergies: bool  # yes or no only: the allergies themselves stay in the dossier
    pai: bool
    pai_valid_until: date | None
    pai_instructions: str  # what staff must do (empty without a PAI)
    leaves_alone: bool  # the guardians allow the child to leave alone
    pick_up: tuple[PickUpPerson, ...]

    @property
    def child_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@frozen
class AttendanceSheet:
    establishment: Establishment
    day: date
    lines: tuple[AttendanceLine, ...]  # by unit (catalogue order), then by last and first name


def attendance_sheet(
    uow: UnitOfWork, establishment_code: str, day: date, *, actor: Actor, clock: Clock
) -> AttendanceSheet:
    """The day's attendance sheet; the reading is recorded in the audit trail."""
    with uow:
        establishment = staff_establishment(uow, establishment_code)
        schools = {s.code: s.name for s in uow.catalogue.get().schools}
        booked = uow.reservations.on_day(establishment.code, day)
        families = {i: uow.families.get(i) for i in sorted({r.family_id for r in booked})}
        lines = [_line(establishment, r, families.get(r.family_id), schools) for r in booked]
        order = {unit.code: n for n, unit in enumerate(establishment.units)}
        lines.sort(
            key=lambda line: (
                order.get(line.unit_code, len(order)),
                french_sort_key(line.last_name),
                french_sort_key(line.first_name),
                line.child_id,
            )
        )
        uow.audit.record(
            AuditEvent(
                at=clock.now(),
                actor=actor,
                action="attendance.sheet",
                summary=(
                    f"Fiche de présence de « {establishment.name} » du {day.isoformat()} "
                    f"consultée ({len(lines)} ligne(s), avec les indications de santé)"
                ),
                details={"establishment": establishment.code, "day": day.isoformat()},
            )
        )
        uow.commit()
    return AttendanceSheet(establishment, day, tuple(lines))


def _line(
    establishment: Establishment,
    reservation: Reservation,
    family: Family | None,
    schools: dict[str, str],
) -> AttendanceLine:
    unit = establishment.unit(reservation.unit_code)
    child = (
        None
        if family is None
        else next((c for c in family.children if c.id == reservation.child_id), None)
    )
    groups = unit.age_groups if unit is not None else ()
    pai = child.pai if child is not None and child.pai is not None and child.pai.has_pai else None
    school = (child.school_code or "") if child is not None else ""
    return AttendanceLine(
        unit_code=reservation.unit_code,
        unit_label=unit.label if unit is not None else reservation.unit_code,
        child_id=reservation.child_id,
        # A child missing from its dossier is shown by number rather than left off the sheet.
        last_name=child.last_name if child is not None else "",
        first_name=child.first_name if child is not None else f"Enfant n° {reservation.child_id}",
        age_group=next(
            (g.label for g in groups if g.code == reservation.age_group), reservation.age_group
        ),
        school=schools.get(school, school),
        school_class=(child.school_class or "") if child is not None else "",
        family_id=reservation.family_id,
        family_name=family.name if family is not None else f"n° {reservation.family_id}",
        allergies=child is not None and bool(child.allergies.strip()),
        pai=pai is not None,
        pai_valid_until=pai.valid_until if pai is not None else None,
        pai_instructions=pai.instructions if pai is not None else "",
        leaves_alone=child is not None and child.authorizations.leave_alone,
        pick_up=tuple(
            PickUpPerson(p.full_name, phone_for_display(p.phone), p.relationship)
            for p in (family.authorized_persons if family is not None else ())
            if p.can_pick_up
        ),
    )


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
        commune = uow.communes.get()
        if commune is None:
            raise NotFound("La commune n'est pas encore configurée.")
        establishment = staff_establishment(uow, establishment_code)
        context = CalendarContext(
            zone=commune.school_zone,
            school_weekdays=commune.school_weekdays,
            school_calendar=sources.shipped.overlaid_with(uow.school_calendars.imported()),
            public_holidays=sources.public_holidays.between(first, last),
        )
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
    if last < first:
        raise InvalidInput("La date de fin précède la date de début.")
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput(f"Période trop longue : {MAX_DAYS} jours au plus.")
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
        child = (
            None
            if family is None
            else next((c for c in family.children if c.id == entry.child_id), None)
        )
        establishment = catalogue.establishment(entry.establishment_code)
        unit = establishment.unit(entry.unit_code) if establishment is not None else None
        lines.append(
            WaitingLine(
                entry,
                positions[entry.place],
                child.full_name if child is not None else f"Enfant n° {entry.child_id}",
                family.name if family is not None else f"n° {entry.family_id}",
                establishment.name if establishment is not None else entry.establishment_code,
                unit.label if unit is not None else entry.unit_code,
            )
        )
    return lines
