"""The in-memory twin of the absences' repository."""

from __future__ import annotations

from datetime import date

import attrs
from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.absences import Absence

__all__ = ["AbsenceState", "InMemoryAbsenceRepositories", "InMemoryAbsenceRepository"]


@define
class AbsenceState:
    absences: dict[int, Absence] = field(factory=dict)
    last_absence_id: int = 0  # numbers are never given again, as in the database


class InMemoryAbsenceRepository:
    def __init__(self, state: AbsenceState) -> None:
        self._state = state

    def add(self, absence: Absence) -> Absence:
        self._state.last_absence_id += 1
        stored = attrs.evolve(absence, id=self._state.last_absence_id)
        self._state.absences[self._state.last_absence_id] = stored
        return stored

    def get(self, absence_id: int, *, for_update: bool = False) -> Absence | None:
        return self._state.absences.get(absence_id)

    def update(self, absence: Absence) -> None:
        assert absence.id is not None  # noqa: S101  (a twin for tests)
        self._state.absences[absence.id] = absence

    def delete(self, absence_id: int) -> None:
        self._state.absences.pop(absence_id, None)

    def between(self, first: date, last: date, *, family_id: int | None = None) -> list[Absence]:
        return [
            a
            for _, a in sorted(self._state.absences.items())
            if a.first_day <= last
            and a.last_day >= first
            and (family_id is None or a.family_id == family_id)
        ]


class InMemoryAbsenceRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's AbsenceState."""

    @property
    def absences(self) -> InMemoryAbsenceRepository:
        return InMemoryAbsenceRepository(self.state(AbsenceState))
