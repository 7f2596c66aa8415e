"""Recording the staff's attendance (pointage): who was present or absent in each unit of an
establishment on one day.

Each booked child is marked present or absent; a child of the establishment who came without a
reservation is marked present (billed at the unit's rule for presence without reservation).
A day to come, a closed day and an unknown child or unit are refused; the pointage is recorded
whole or not at all, and each mark that changes is audited (who, when, old -> new).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import pendulum
from attrs import frozen

from portail_core.domain.attendance import AttendanceMark, Presence
from portail_core.domain.audit import Actor
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.catalogue.establishments import Establishment, Unit
from portail_core.domain.catalogue.opening import Opening, opening_of
from portail_core.domain.shared.french_dates import numeric_day_fr
from portail_core.domain.shared.raw_input import InputReader
from portail_core.domain.shared.text import printable
from portail_core.errors import InvalidInput
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.services.attendance import notices
from portail_core.services.attendance.common import Children, check_day
from portail_core.services.bookings.desk import staff_establishment
from portail_core.services.catalogue.calendars import calendar_context

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["MAX_MARKS", "MarkChange", "MarkInput", "PointageReport", "record_pointage"]


MAX_MARKS = 5000  # a day of the largest school restaurant is a few hundred


_CHILD_NUMBER = re.compile(r"[0-9]{1,9}", re.ASCII)


_PRESENCE_ALIASES = {
    "p": Presence.PRESENT,
    "oui": Presence.PRESENT,
    "1": Presence.PRESENT,
    "présente": Presence.PRESENT,
    "a": Presence.ABSENT,
    "non": Presence.ABSENT,
    "0": Presence.ABSENT,
    "absente": Presence.ABSENT,
}


@frozen
class MarkInput:
    """One mark as typed (a row of a CSV file, an answer at the prompt).

    ``where`` names it in the report of refusals ("ligne 3"); by default the child and unit.
    """

    child: int | str
    unit: str
    presence: Presence | str
    where: str = ""

    @property
    def place(self) -> str:
        return (
            self.where or f"enfant n° {printable(str(self.child), 12)}, {printable(self.unit, 40)}"
        )


@frozen
class MarkChange:
    """A mark written: ``old`` is None when the child had not been marked yet."""

    child_id: int
    child_name: str
    family_name: str
    unit_code: str
    unit_label: str
    booked: bool
    old: Presence | None
    new: Presence


@frozen
class PointageReport:
    establishment: Establishment
    day: date
    changes: tuple[MarkChange, ...]
    unchanged: int  # marks given again with the same presence

    @property
    def new(self) -> int:
        return sum(1 for change in self.changes if change.old is None)

    @property
    def corrected(self) -> int:
        return sum(1 for change in self.changes if change.old is not None)


@frozen
class _Wanted:
    child_id: int
    unit: Unit
    presence: Presence
    where: str

    @property
    def key(self) -> tuple[int, str]:
        return (self.child_id, self.unit.code)


@frozen
class _Day:
    """What a pointage is checked against: the establishment's day as booked and marked so far."""

    establishment: Establishment
    day: date
    openings: dict[str, Opening]
    booked: dict[tuple[int, str], Reservation]
    marked: dict[tuple[int, str], AttendanceMark]
    children: Children


def record_pointage(
    uow: UnitOfWork,
    sources: CalendarSources,
    clock: Clock,
    *,
    establishment_code: str,
    day: date,
    marks: Sequence[MarkInput],
    actor: Actor,
    dry_run: bool = False,
) -> PointageReport:
    """Record the pointage of one establishment on one day, whole or not at all (``dry_run``:
    check it and report what would change, writing nothing).

    Refused (RuleViolation) for a day to come or a day the establishment is closed; each mark
    refused (InvalidInput, one message per mark, nothing written) for an unknown child or unit,
    a unit closed that day, a child twice in the same unit, an absence marked for a child not
    booked, or a child of another school than the one the establishment serves.
    """
    if not marks:
        raise InvalidInput("Aucun pointage à enregistrer.")
    if len(marks) > MAX_MARKS:
        raise InvalidInput(f"Trop de lignes : {MAX_MARKS} au plus pour un jour.")
    now = clock.now()
    with uow:
        known = _load_day(uow, sources, establishment_code, day, clock.today())
        wanted = _read_marks(known, marks)
        changes = [_change(known, item) for item in wanted if _differs(known, item)]
        if not dry_run:
            _write(uow, known, changes, actor, now)
            uow.commit()
    report = tuple(change for change, _ in changes)
    return PointageReport(known.establishment, day, report, len(wanted) - len(changes))


def _load_day(
    uow: UnitOfWork, sources: CalendarSources, establishment_code: str, day: date, today: date
) -> _Day:
    """The establishment's day, once it may be pointed (RuleViolation otherwise)."""
    establishment = staff_establishment(uow, establishment_code)
    context = calendar_context(uow, sources, day, day)
    openings = {u.code: opening_of(establishment, u, day, context) for u in establishment.units}
    check_day(establishment, day, list(openings.values()), today)
    reservations = uow.reservations.on_day(establishment.code, day)
    booked = {(r.child_id, r.unit_code): r for r in reservations}
    marked = {
        (m.child_id, m.unit_code): m
        for m in uow.attendance.between(day, day, establishment_code=establishment.code)
    }
    children = Children(uow, {r.family_id for r in booked.values()})
    return _Day(establishment, day, openings, booked, marked, children)


def _read_marks(known: _Day, marks: Sequence[MarkInput]) -> list[_Wanted]:
    """The marks as wanted; InvalidInput naming each one refused, if any."""
    reader = InputReader()
    seen: dict[tuple[int, str], str] = {}
    wanted: list[_Wanted] = []
    for mark in marks:
        parsed = _parse(reader, known.establishment, mark)
        if parsed is None:
            continue
        problem = _refusal(parsed, known, seen)
        if problem is not None:
            reader.refuse(parsed.where, problem)
            continue
        seen[parsed.key] = parsed.where
        wanted.append(parsed)
    if reader.problems:
        raise InvalidInput(
            f"{len(reader.problems)} pointage(s) refusé(s) : rien n'est enregistré.",
            reader.problems,
        )
    return wanted


def _parse(reader: InputReader, establishment: Establishment, mark: MarkInput) -> _Wanted | None:
    """The mark read, or None when refused in ``reader``."""
    where = mark.place
    child_text = str(mark.child).strip()
    if isinstance(mark.child, bool) or not _CHILD_NUMBER.fullmatch(child_text):
        reader.refuse(
            where, f"numéro d'enfant invalide : « {printable(child_text, 20)} » (un nombre)."
        )
        return None
    code = mark.unit.strip().upper() if isinstance(mark.unit, str) else ""
    unit = establishment.unit(code)
    if unit is None:
        possible = ", ".join(u.code for u in establishment.units)
        reader.refuse(
            where,
            f"unité inconnue à « {establishment.name} » : « {printable(code, 40)} » "
            f"(unités : {possible}).",
        )
        return None
    presence = _presence(reader, where, mark.presence)
    return _Wanted(int(child_text), unit, presence, where) if presence is not None else None


def _presence(reader: InputReader, where: str, raw: Presence | str) -> Presence | None:
    if isinstance(raw, Presence):
        return raw
    before = len(reader.problems)
    presence = reader.choice(
        where,
        raw,
        Presence,
        f"présence invalide : « {printable(str(raw), 20)} » (présent ou absent).",
        aliases=_PRESENCE_ALIASES,
    )
    return presence if len(reader.problems) == before else None


def _refusal(item: _Wanted, known: _Day, seen: dict[tuple[int, str], str]) -> str | None:
    """Why this mark cannot be recorded, or None."""
    if item.key in seen:
        return (
            f"enfant n° {item.child_id} pointé deux fois en « {item.unit.label} » "
            f"(voir {seen[item.key]})."
        )
    opening = known.openings.get(item.unit.code)
    if opening is not None and not opening.open:
        return (
            f"« {item.unit.label} » est fermé le {numeric_day_fr(known.day)} "
            f"({opening.describe()})."
        )
    if item.key in known.booked:
        return None
    return _unbooked_refusal(item, known)


def _unbooked_refusal(item: _Wanted, known: _Day) -> str | None:
    """Why a child without a reservation cannot be marked, or None: only a present child of the
    families, of the school the establishment serves (if it serves one)."""
    found = known.children.find(item.child_id)
    if found is None:
        return f"aucun enfant n° {item.child_id} dans les dossiers (voir `portail family show`)."
    _, child = found
    if item.presence is Presence.ABSENT:
        return (
            f"{child.full_name} n'a pas de réservation en « {item.unit.label} » ce jour-là : "
            "seul « présent » (présence sans réservation) peut être pointé."
        )
    establishment = known.establishment
    if establishment.kind.serves_a_school and child.school_code != establishment.school_code:
        return f"{child.full_name} n'est pas élève de l'école que dessert « {establishment.name} »."
    return None


def _differs(known: _Day, item: _Wanted) -> bool:
    """Whether the mark differs from the one recorded (a mark given again with the same
    presence changes nothing)."""
    before = known.marked.get(item.key)
    return before is None or before.presence is not item.presence


def _change(known: _Day, item: _Wanted) -> tuple[MarkChange, int]:
    """The change the mark makes, and the number of the child's family (0 when unknown)."""
    before = known.marked.get(item.key)
    reservation = known.booked.get(item.key)
    name, family_id, family_name = known.children.names(
        item.child_id, reservation.family_id if reservation else None
    )
    change = MarkChange(
        item.child_id,
        name,
        family_name,
        item.unit.code,
        item.unit.label,
        reservation is not None,
        before.presence if before is not None else None,
        item.presence,
    )
    return change, family_id


def _write(
    uow: UnitOfWork,
    known: _Day,
    changes: Sequence[tuple[MarkChange, int]],
    actor: Actor,
    now: pendulum.DateTime,
) -> None:
    """Record each changed mark and audit it."""
    establishment, day = known.establishment, known.day
    for change, family_id in changes:
        uow.attendance.record(
            AttendanceMark(
                change.child_id,
                establishment.code,
                change.unit_code,
                day,
                change.new,
                now,
                actor.identifier,
            )
        )
        uow.audit.record(notices.mark_changed(establishment, day, change, family_id, actor, now))
