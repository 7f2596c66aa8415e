"""The pointage sheet of an establishment's day: each booked child and its mark so far."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pendulum
from attrs import frozen

from portail_core.domain.absences import Absence
from portail_core.domain.attendance import AttendanceMark, Presence
from portail_core.domain.billing.consumption import ConsumptionState, consumptions_of
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.catalogue.opening import CalendarContext, Opening, opening_of
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.domain.shared.collation import french_sort_key
from portail_core.errors import NotFound, RuleViolation
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.bookings.desk import staff_establishment

__all__ = ["PointageLine", "PointageSheet", "pointage_sheet"]


@frozen
class PointageLine:
    """One child in one unit on the day: booked or not, and what was recorded."""

    unit_code: str
    unit_label: str
    child_id: int
    child_name: str
    family_id: int
    family_name: str
    booked: bool
    presence: Presence | None  # None: not recorded yet
    recorded_by: str
    recorded_at: pendulum.DateTime | None
    absence: Absence | None  # an absence declared for that day
    state: ConsumptionState | None  # what billing sees (None: nothing to bill)


@frozen
class PointageSheet:
    establishment: Establishment
    day: date
    openings: tuple[Opening, ...]  # one per unit, in catalogue order
    lines: tuple[PointageLine, ...]  # by unit (catalogue order), booked first, then by name

    @property
    def closed(self) -> bool:
        return not any(opening.open for opening in self.openings)

    def opening(self, unit_code: str) -> Opening | None:
        return next((o for o in self.openings if o.unit_code == unit_code), None)


def _day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _context(uow: UnitOfWork, sources: CalendarSources, day: date) -> CalendarContext:
    commune = uow.communes.get()
    if commune is None:
        raise NotFound("La commune n'est pas encore configurée.")
    return CalendarContext(
        zone=commune.school_zone,
        school_weekdays=commune.school_weekdays,
        school_calendar=sources.shipped.overlaid_with(uow.school_calendars.imported()),
        public_holidays=sources.public_holidays.between(day, day),
    )


def _check_day(
    establishment: Establishment, day: date, openings: Sequence[Opening], today: date
) -> None:
    if day > today:
        raise RuleViolation(
            f"Le {_day(day)} n'est pas encore arrivé : on pointe le jour même ou après."
        )
    if not any(opening.open for opening in openings):
        why = "; ".join(sorted({o.describe() for o in openings})) or "aucune unité"
        raise RuleViolation(f"« {establishment.name} » est fermée le {_day(day)} ({why}).")


class _Children:
    """The children concerned, found by number: booked ones through their reservation's family,
    the others by reading the families once, only when needed."""

    def __init__(self, uow: UnitOfWork, family_ids: set[int]) -> None:
        self._uow = uow
        self._all_read = False
        self._families: dict[int, Family] = {}
        self._children: dict[int, tuple[Family, Child]] = {}
        for family_id in sorted(family_ids):
            family = uow.families.get(family_id)
            if family is not None:
                self._add(family)

    def _add(self, family: Family) -> None:
        assert family.id is not None  # noqa: S101  (read from storage)
        self._families[family.id] = family
        for child in family.children:
            if child.id is not None:
                self._children[child.id] = (family, child)

    def find(self, child_id: int) -> tuple[Family, Child] | None:
        if child_id not in self._children and not self._all_read:
            self._all_read = True
            for family in self._uow.families.listing():
                self._add(family)
        return self._children.get(child_id)

    def names(self, child_id: int, family_id: int | None) -> tuple[str, int, str]:
        """The child's name, its family's number and name (numbers when unknown)."""
        found = self.find(child_id)
        if found is None:
            number = family_id or 0
            return f"Enfant n° {child_id}", number, f"n° {number}"
        family, child = found
        return child.full_name, family.id or 0, family.name


def pointage_sheet(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    establishment_code: str,
    day: date,
    for_recording: bool = False,
) -> PointageSheet:
    """The day's pointage of one establishment: booked children and children marked without a
    reservation, with their mark and the absence declared, if any.

    ``for_recording``: refuse (RuleViolation) a day to come or a closed day, as recording would.
    No health information is shown, so reading it is not audited.
    """
    with uow:
        establishment = staff_establishment(uow, establishment_code)
        context = _context(uow, sources, day)
        openings = tuple(opening_of(establishment, u, day, context) for u in establishment.units)
        if for_recording:
            _check_day(establishment, day, openings, clock.today())
        booked = uow.reservations.on_day(establishment.code, day)
        marks = uow.attendance.between(day, day, establishment_code=establishment.code)
        absences = uow.absences.between(day, day)
        children = _Children(uow, {r.family_id for r in booked})
        lines = _lines(establishment, day, booked, marks, absences, children)
    return PointageSheet(establishment, day, openings, tuple(lines))


def _lines(
    establishment: Establishment,
    day: date,
    reservations: Sequence[Reservation],
    marks: Sequence[AttendanceMark],
    absences: Sequence[Absence],
    children: _Children,
) -> list[PointageLine]:
    marked = {(m.child_id, m.unit_code): m for m in marks}
    declared = {a.child_id: a for a in absences if a.covers(day)}
    rules = {(establishment.code, u.code): u.billing for u in establishment.units}
    families = {r.child_id: r.family_id for r in reservations}
    keys = [(r.child_id, r.unit_code, True) for r in reservations]
    booked_keys = {(child, unit) for child, unit, _ in keys}
    keys += [(c, u, False) for (c, u) in sorted(marked) if (c, u) not in booked_keys]
    lines = []
    for child_id, unit_code, is_booked in keys:
        unit = establishment.unit(unit_code)
        mark = marked.get((child_id, unit_code))
        absence = declared.get(child_id)
        slots = [(child_id, establishment.code, unit_code, day)] if is_booked else []
        found = consumptions_of(
            slots,
            [mark] if mark is not None else [],
            [absence] if absence is not None else [],
            rules,
        )
        name, family_id, family_name = children.names(child_id, families.get(child_id))
        lines.append(
            PointageLine(
                unit_code=unit_code,
                unit_label=unit.label if unit is not None else unit_code,
                child_id=child_id,
                child_name=name,
                family_id=family_id,
                family_name=family_name,
                booked=is_booked,
                presence=mark.presence if mark is not None else None,
                recorded_by=mark.recorded_by if mark is not None else "",
                recorded_at=mark.recorded_at if mark is not None else None,
                absence=absence,
                state=found[0].state if found else None,
            )
        )
    order = {unit.code: n for n, unit in enumerate(establishment.units)}
    lines.sort(
        key=lambda line: (
            order.get(line.unit_code, len(order)),
            not line.booked,
            french_sort_key(line.child_name),
            line.child_id,
        )
    )
    return lines
