"""The staff's attendance record (pointage)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Protocol

from portail_core.domain.attendance import AttendanceMark

__all__ = ["AttendanceRepositories", "AttendanceRepository"]


class AttendanceRepository(Protocol):
    """The staff's attendance record (pointage): one mark per child, unit and day."""

    def record(self, mark: AttendanceMark) -> AttendanceMark | None:
        """Insert or replace the mark of that child, unit and day; returns the one replaced."""
        ...

    def between(
        self, first: date, last: date, *, establishment_code: str | None = None
    ) -> list[AttendanceMark]: ...

    def of_children(self, child_ids: Collection[int]) -> list[AttendanceMark]:
        """Every mark of those children, by day (a family's right of access)."""
        ...


class AttendanceRepositories(Protocol):
    """The attendance record, as a unit of work gives it."""

    @property
    def attendance(self) -> AttendanceRepository: ...
