"""The pointage sheet of an establishment's day: each booked child and its mark so far."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.absences import Absence
from portail_core.domain.attendance import AttendanceMark, Presence
from portail_core.domain.billing.consumption import ConsumptionState, consumptions_of
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.catalogue.establishments import Establishment
from portail_core.domain.catalogue.opening import Opening, opening_of
from portail_core.domain.shared.collation import french_sort_key
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.services.attendance.common import Children, check_day
from portail_core.services.bookings.desk import staff_establishment
from portail_core.services.catalogue.calendars import calendar_context

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

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
        context = calendar_context(uow, sources, day, day)
        openings = tuple(opening_of(establishment, u, day, context) for u in establishment.units)
        if for_recording:
            check_day(establishment, day, openings, clock.today())
        booked = uow.reservations.on_day(establishment.code, day)
        marks = uow.attendance.between(day, day, establishment_code=establishment.code)
        absences = uow.absences.between(day, day)
        children = Children(uow, {r.family_id for r in booked})
        lines = _lines(establishment, day, booked, marks, absences, children)
    return PointageSheet(establishment, day, openings, tuple(lines))


def _lines(
    establishment: Establishment,
    day: date,
    reservations: Sequence[Reservation],
    marks: Sequence[AttendanceMark],
    absences: Sequence[Absence],
    children: Children,
) -> list[PointageLine]:
    marked = {(m.child_id, m.unit_code): m for m in marks}
    declared = {a.child_id: a for a in absences if a.covers(day)}
    families = {r.child_id: r.family_id for r in reservations}
    lines = []
    for child_id, unit_code, booked in _keys(reservations, marked):
        name, family_id, family_name = children.names(child_id, families.get(child_id))
        mark = marked.get((child_id, unit_code))
        absence = declared.get(child_id)
        unit = establishment.unit(unit_code)
        lines.append(
            PointageLine(
                unit_code=unit_code,
                unit_label=unit.label if unit is not None else unit_code,
                child_id=child_id,
                child_name=name,
                family_id=family_id,
                family_name=family_name,
                booked=booked,
                presence=mark.presence if mark is not None else None,
                recorded_by=mark.recorded_by if mark is not None else "",
                recorded_at=mark.recorded_at if mark is not None else None,
                absence=absence,
                state=_state(establishment, (child_id, unit_code, day), booked, mark, absence),
            )
        )
    return sorted(lines, key=_sort_key(establishment))


def _keys(
    reservations: Sequence[Reservation], marked: Mapping[tuple[int, str], AttendanceMark]
) -> list[tuple[int, str, bool]]:
    """(child, unit, booked) of each line: the reservations, then the children marked without
    one."""
    keys = [(r.child_id, r.unit_code, True) for r in reservations]
    booked = {(child, unit) for child, unit, _ in keys}
    return keys + [(c, u, False) for (c, u) in sorted(marked) if (c, u) not in booked]


def _state(
    establishment: Establishment,
    slot: tuple[int, str, date],
    booked: bool,
    mark: AttendanceMark | None,
    absence: Absence | None,
) -> ConsumptionState | None:
    """What billing sees of a child in a unit on the day (None: nothing to bill)."""
    child_id, unit_code, day = slot
    found = consumptions_of(
        [(child_id, establishment.code, unit_code, day)] if booked else [],
        [mark] if mark is not None else [],
        [absence] if absence is not None else [],
        {(establishment.code, u.code): u.billing for u in establishment.units},
    )
    return found[0].state if found else None


def _sort_key(establishment: Establishment) -> Callable[[PointageLine], tuple[int, bool, str, int]]:
    """By unit (catalogue order), booked first, then by name."""
    order = {unit.code: n for n, unit in enumerate(establishment.units)}
    return lambda line: (
        order.get(line.unit_code, len(order)),
        not line.booked,
        french_sort_key(line.child_name),
        line.child_id,
    )
