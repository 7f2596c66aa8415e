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

import pendulum
from attrs import frozen

from portail_core.domain.attendance import AttendanceMark, Presence
from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.bookings.reservation import Reservation
from portail_core.domain.catalogue.establishments import Establishment, Unit
from portail_core.domain.catalogue.opening import Opening, opening_of
from portail_core.domain.shared.raw_input import InputReader
from portail_core.domain.shared.text import printable
from portail_core.errors import InvalidInput
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.ports.unit_of_work import UnitOfWork
from portail_core.services.attendance.pointage_sheet import _check_day, _Children, _context, _day
from portail_core.services.bookings.desk import staff_establishment

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


def _parse(reader: InputReader, establishment: Establishment, mark: MarkInput) -> _Wanted | None:
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
    if isinstance(mark.presence, Presence):
        presence = mark.presence
    else:
        before = len(reader.problems)
        presence = reader.choice(
            where,
            mark.presence,
            Presence,
            f"présence invalide : « {printable(str(mark.presence), 20)} » (présent ou absent).",
            aliases=_PRESENCE_ALIASES,
        )
        if len(reader.problems) > before:
            return None
    return _Wanted(int(child_text), unit, presence, where)


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
        establishment = staff_establishment(uow, establishment_code)
        context = _context(uow, sources, day)
        openings = {u.code: opening_of(establishment, u, day, context) for u in establishment.units}
        _check_day(establishment, day, list(openings.values()), clock.today())
        booked = {
            (r.child_id, r.unit_code): r for r in uow.reservations.on_day(establishment.code, day)
        }
        existing = {
            (m.child_id, m.unit_code): m
            for m in uow.attendance.between(day, day, establishment_code=establishment.code)
        }
        children = _Children(uow, {r.family_id for r in booked.values()})
        reader = InputReader()
        seen: dict[tuple[int, str], str] = {}
        wanted: list[_Wanted] = []
        for mark in marks:
            parsed = _parse(reader, establishment, mark)
            if parsed is None:
                continue
            problem = _refusal(parsed, establishment, day, openings, booked, children, seen)
            if problem is not None:
                reader.refuse(parsed.where, problem)
                continue
            seen[(parsed.child_id, parsed.unit.code)] = parsed.where
            wanted.append(parsed)
        if reader.problems:
            raise InvalidInput(
                f"{len(reader.problems)} pointage(s) refusé(s) : rien n'est enregistré.",
                reader.problems,
            )
        changes: list[MarkChange] = []
        unchanged = 0
        for item in wanted:
            key = (item.child_id, item.unit.code)
            before = existing.get(key)
            old = before.presence if before is not None else None
            if old is item.presence:
                unchanged += 1
                continue
            if not dry_run:
                uow.attendance.record(
                    AttendanceMark(
                        item.child_id,
                        establishment.code,
                        item.unit.code,
                        day,
                        item.presence,
                        now,
                        actor.identifier,
                    )
                )
            reservation = booked.get(key)
            name, family_id, family_name = children.names(
                item.child_id, reservation.family_id if reservation else None
            )
            change = MarkChange(
                item.child_id,
                name,
                family_name,
                item.unit.code,
                item.unit.label,
                reservation is not None,
                old,
                item.presence,
            )
            changes.append(change)
            if not dry_run:
                uow.audit.record(_event(now, actor, establishment, day, change, family_id))
        if not dry_run:
            uow.commit()
    return PointageReport(establishment, day, tuple(changes), unchanged)


def _refusal(
    item: _Wanted,
    establishment: Establishment,
    day: date,
    openings: dict[str, Opening],
    booked: dict[tuple[int, str], Reservation],
    children: _Children,
    seen: dict[tuple[int, str], str],
) -> str | None:
    """Why this mark cannot be recorded, or None."""
    key = (item.child_id, item.unit.code)
    if key in seen:
        return (
            f"enfant n° {item.child_id} pointé deux fois en « {item.unit.label} » "
            f"(voir {seen[key]})."
        )
    opening = openings.get(item.unit.code)
    if opening is not None and not opening.open:
        return f"« {item.unit.label} » est fermé le {_day(day)} ({opening.describe()})."
    if key in booked:
        return None
    found = children.find(item.child_id)
    if found is None:
        return f"aucun enfant n° {item.child_id} dans les dossiers (voir `portail family show`)."
    _, child = found
    if item.presence is Presence.ABSENT:
        return (
            f"{child.full_name} n'a pas de réservation en « {item.unit.label} » ce jour-là : "
            "seul « présent » (présence sans réservation) peut être pointé."
        )
    if establishment.kind.serves_a_school and child.school_code != establishment.school_code:
        return f"{child.full_name} n'est pas élève de l'école que dessert « {establishment.name} »."
    return None


def _event(
    now: pendulum.DateTime,
    actor: Actor,
    establishment: Establishment,
    day: date,
    change: MarkChange,
    family_id: int,
) -> AuditEvent:
    old = change.old.label if change.old is not None else "non pointé"
    unbooked = "" if change.booked else " (sans réservation)"
    return AuditEvent(
        at=now,
        actor=actor,
        action="attendance.mark",
        summary=(
            f"Pointage « {establishment.name} », {change.unit_label}, {_day(day)} : "
            f"{change.child_name} {old} -> {change.new.label}{unbooked}"
        ),
        details={
            "establishment": establishment.code,
            "unit": change.unit_code,
            "day": day.isoformat(),
            "child_id": change.child_id,
            "booked": change.booked,
            "presence": [change.old.value if change.old else None, change.new.value],
        },
        family_id=family_id or None,
    )
