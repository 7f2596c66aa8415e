"""Absences as the desk and the family read them, and the certificate's file."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from attrs import frozen

from portail_core.domain.absences import Absence
from portail_core.domain.audit import Actor
from portail_core.domain.dossiers.documents import DocumentFormat, sniff_format
from portail_core.errors import InvalidInput, NotFound
from portail_core.ports.clock import Clock
from portail_core.ports.dossiers import DocumentStore
from portail_core.services.absences import notices
from portail_core.services.dossiers.common import family_of

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["EVERYTHING", "AbsenceLine", "absence_certificate", "family_absences", "list_absences"]


EVERYTHING = (date(2000, 1, 1), date(2100, 12, 31))


@frozen
class AbsenceLine:
    absence: Absence
    child_name: str
    family_name: str

    @property
    def number(self) -> int:
        return self.absence.id or 0

    @property
    def status(self) -> str:
        return "justifiée" if self.absence.justified else "non justifiée"

    @property
    def days(self) -> int:
        return (self.absence.last_day - self.absence.first_day).days + 1


def _lines(uow: UnitOfWork, absences: list[Absence]) -> list[AbsenceLine]:
    families = {i: uow.families.get(i) for i in sorted({a.family_id for a in absences})}
    lines = []
    for absence in absences:
        family = families.get(absence.family_id)
        child = family.child(absence.child_id) if family is not None else None
        lines.append(
            AbsenceLine(
                absence,
                child.full_name if child is not None else f"Enfant n° {absence.child_id}",
                family.name if family is not None else f"n° {absence.family_id}",
            )
        )
    return lines


def list_absences(
    uow: UnitOfWork,
    *,
    first: date,
    last: date,
    family_id: int | None = None,
    unjustified_only: bool = False,
) -> list[AbsenceLine]:
    """Absences overlapping the period, by first day (for the desk); of one family, which must
    exist (NotFound)."""
    if last < first:
        raise InvalidInput("La date de fin précède la date de début.")
    with uow:
        if family_id is not None:
            family_of(uow, family_id)  # NotFound when there is none
        absences = uow.absences.between(first, last, family_id=family_id)
        if unjustified_only:
            absences = [a for a in absences if not a.justified]
        absences.sort(key=lambda a: (a.first_day, a.id or 0))
        return _lines(uow, absences)


def family_absences(uow: UnitOfWork, family_id: int) -> list[AbsenceLine]:
    """Every absence of the family's children, the latest first."""
    with uow:
        absences = uow.absences.between(*EVERYTHING, family_id=family_id)
        absences.sort(key=lambda a: (a.first_day, a.id or 0), reverse=True)
        return _lines(uow, absences)


def absence_certificate(
    uow: UnitOfWork,
    store: DocumentStore,
    clock: Clock,
    *,
    absence_id: int,
    actor: Actor,
    family_id: int | None = None,
) -> tuple[AbsenceLine, bytes, DocumentFormat | None]:
    """The medical certificate of an absence (of that family's only, when ``family_id`` is
    given: another's is NotFound); the read is recorded in the audit trail (health data)."""
    with uow:
        absence = uow.absences.get(absence_id)
        if absence is None or (family_id is not None and absence.family_id != family_id):
            raise NotFound(f"Aucune absence n° {absence_id}.")
        if absence.certificate_file is None:
            raise NotFound(f"L'absence n° {absence_id} n'a pas de certificat.")
        [line] = _lines(uow, [absence])
        content = store.open(absence.family_id, absence.certificate_file)
        uow.audit.record(notices.certificate_read(absence, line.child_name, actor, clock.now()))
        uow.commit()
    return line, content, sniff_format(content[:16])
