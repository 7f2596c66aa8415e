"""The in-memory twin of the attendance record (pointage)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from attrs import define, field

from adapters.memory.store import WorkingCopy
from portail_core.domain.attendance import AttendanceMark

__all__ = ["AttendanceState", "InMemoryAttendanceRepositories", "InMemoryAttendanceRepository"]


@define
class AttendanceState:
    marks: dict[tuple[int, str, str, date], AttendanceMark] = field(factory=dict)


class InMemoryAttendanceRepository:
    def __init__(self, state: AttendanceState) -> None:
        self._state = state

    def record(self, mark: AttendanceMark) -> AttendanceMark | None:
        key = (mark.child_id, mark.establishment_code, mark.unit_code, mark.day)
        previous = self._state.marks.get(key)
        self._state.marks[key] = mark
        return previous

    def between(
        self, first: date, last: date, *, establishment_code: str | None = None
    ) -> list[AttendanceMark]:
        return sorted(
            (
                m
                for m in self._state.marks.values()
                if first <= m.day <= last
                and (establishment_code is None or m.establishment_code == establishment_code)
            ),
            key=lambda m: (m.day, m.establishment_code, m.unit_code, m.child_id),
        )

    def of_children(self, child_ids: Collection[int]) -> list[AttendanceMark]:
        return sorted(
            (m for m in self._state.marks.values() if m.child_id in set(child_ids)),
            key=lambda m: (m.day, m.establishment_code, m.unit_code, m.child_id),
        )


class InMemoryAttendanceRepositories(WorkingCopy):
    """The repositories a unit of work gives on the working copy's AttendanceState."""

    @property
    def attendance(self) -> InMemoryAttendanceRepository:
        return InMemoryAttendanceRepository(self.state(AttendanceState))
