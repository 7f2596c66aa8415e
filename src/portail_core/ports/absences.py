"""Absences signalled by families or the desk."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from portail_core.domain.absences import Absence

__all__ = ["AbsenceRepositories", "AbsenceRepository"]


class AbsenceRepository(Protocol):
    def add(self, absence: Absence) -> Absence:
        """Record it; returns it with its id."""
        ...

    def get(self, absence_id: int, *, for_update: bool = False) -> Absence | None: ...

    def update(self, absence: Absence) -> None: ...

    def delete(self, absence_id: int) -> None:
        """Remove it (a withdrawn absence); its number is never given to another one."""
        ...

    def between(self, first: date, last: date, *, family_id: int | None = None) -> list[Absence]:
        """Absences overlapping the period."""
        ...


class AbsenceRepositories(Protocol):
    """The absences' repository, as a unit of work gives it."""

    @property
    def absences(self) -> AbsenceRepository: ...
