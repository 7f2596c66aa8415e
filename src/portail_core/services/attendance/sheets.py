"""The attendance sheet of an establishment's day: who is expected in each unit, with what staff
must know."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.audit import Actor
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.catalogue.establishments import Establishment, Unit
from portail_core.domain.dossiers.child import Child, Pai
from portail_core.domain.dossiers.family import Family
from portail_core.domain.shared.collation import french_sort_key
from portail_core.domain.shared.raw_input import phone_for_display
from portail_core.ports.clock import Clock
from portail_core.services.attendance import notices
from portail_core.services.bookings.desk import staff_establishment

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["AttendanceLine", "AttendanceSheet", "PickUpPerson", "attendance_sheet"]


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
        lines.sort(key=_sort_key(establishment))
        uow.audit.record(notices.sheet_read(establishment, day, len(lines), actor, clock.now()))
        uow.commit()
    return AttendanceSheet(establishment, day, tuple(lines))


def _sort_key(
    establishment: Establishment,
) -> Callable[[AttendanceLine], tuple[int, str, str, int]]:
    """By unit (catalogue order), then by last and first name."""
    order = {unit.code: n for n, unit in enumerate(establishment.units)}
    return lambda line: (
        order.get(line.unit_code, len(order)),
        french_sort_key(line.last_name),
        french_sort_key(line.first_name),
        line.child_id,
    )


def _line(
    establishment: Establishment,
    reservation: Reservation,
    family: Family | None,
    schools: dict[str, str],
) -> AttendanceLine:
    unit = establishment.unit(reservation.unit_code)
    child = family.child(reservation.child_id) if family is not None else None
    school = (child.school_code or "") if child is not None else ""
    pai = _pai(child)
    return AttendanceLine(
        unit_code=reservation.unit_code,
        unit_label=unit.label if unit is not None else reservation.unit_code,
        child_id=reservation.child_id,
        # A child missing from its dossier is shown by number rather than left off the sheet.
        last_name=child.last_name if child is not None else "",
        first_name=child.first_name if child is not None else f"Enfant n° {reservation.child_id}",
        age_group=_age_group(unit, reservation.age_group),
        school=schools.get(school, school),
        school_class=(child.school_class or "") if child is not None else "",
        family_id=reservation.family_id,
        family_name=family.name if family is not None else f"n° {reservation.family_id}",
        allergies=child is not None and bool(child.allergies.strip() or child.allergens),
        pai=pai is not None,
        pai_valid_until=pai.valid_until if pai is not None else None,
        pai_instructions=pai.instructions if pai is not None else "",
        leaves_alone=child is not None and child.authorizations.leave_alone,
        pick_up=_pick_up(family),
    )


def _age_group(unit: Unit | None, code: str) -> str:
    """The age group's label ("" when the unit has none; the code when it is unknown)."""
    groups = unit.age_groups if unit is not None else ()
    return next((g.label for g in groups if g.code == code), code)


def _pai(child: Child | None) -> Pai | None:
    """The child's PAI, when it has one."""
    return child.pai if child is not None and child.pai is not None and child.pai.has_pai else None


def _pick_up(family: Family | None) -> tuple[PickUpPerson, ...]:
    """The persons the family authorised to pick the child up."""
    return tuple(
        PickUpPerson(p.full_name, phone_for_display(p.phone), p.relationship)
        for p in (family.authorized_persons if family is not None else ())
        if p.can_pick_up
    )
