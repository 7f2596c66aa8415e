"""The staff's attendance record (pointage): one mark per child, unit and day."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, and_, delete, insert, select

from adapters.persistence.tables import (
    attendance_marks,
)
from adapters.persistence.transaction import OpenTransaction
from portail_core.domain.attendance import AttendanceMark, Presence

__all__ = ["SqlAttendanceRepositories", "SqlAttendanceRepository"]


def _mark(row: Row[Any]) -> AttendanceMark:
    return AttendanceMark(
        row.child_id,
        row.establishment_code,
        row.unit_code,
        row.day,
        Presence(row.presence),
        row.recorded_at,
        row.recorded_by,
    )


class SqlAttendanceRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def record(self, mark: AttendanceMark) -> AttendanceMark | None:
        m = attendance_marks.c
        where = and_(
            m.child_id == mark.child_id,
            m.establishment_code == mark.establishment_code,
            m.unit_code == mark.unit_code,
            m.day == mark.day,
        )
        found = self._connection.execute(select(attendance_marks).where(where)).first()
        if found is not None:
            self._connection.execute(delete(attendance_marks).where(where))
        self._connection.execute(
            insert(attendance_marks).values(
                child_id=mark.child_id,
                establishment_code=mark.establishment_code,
                unit_code=mark.unit_code,
                day=mark.day,
                presence=mark.presence.value,
                recorded_at=mark.recorded_at,
                recorded_by=mark.recorded_by,
            )
        )
        return None if found is None else _mark(found)

    def between(
        self, first: date, last: date, *, establishment_code: str | None = None
    ) -> list[AttendanceMark]:
        m = attendance_marks.c
        query = (
            select(attendance_marks)
            .where(m.day.between(first, last))
            .order_by(m.day, m.establishment_code, m.unit_code, m.child_id)
        )
        if establishment_code is not None:
            query = query.where(m.establishment_code == establishment_code)
        return [_mark(row) for row in self._connection.execute(query)]

    def of_children(self, child_ids: Collection[int]) -> list[AttendanceMark]:
        m = attendance_marks.c
        query = (
            select(attendance_marks)
            .where(m.child_id.in_(sorted(child_ids)))
            .order_by(m.day, m.establishment_code, m.unit_code, m.child_id)
        )
        return [_mark(row) for row in self._connection.execute(query)]


class SqlAttendanceRepositories(OpenTransaction):
    """The repositories a unit of work gives on its transaction."""

    @property
    def attendance(self) -> SqlAttendanceRepository:
        return SqlAttendanceRepository(self.connection())
