"""Absences signalled by families or the desk (their numbers are never given again)."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
from sqlalchemy import Connection, Row, delete, insert, select, update

from adapters.persistence.tables import (
    absences,
)
from adapters.persistence.transaction import OpenTransaction
from portail_core.domain.absences import Absence, AbsenceReason
from portail_core.domain.audit import Actor, Channel

__all__ = ["SqlAbsenceRepositories", "SqlAbsenceRepository"]


def _absence(row: Row[Any]) -> Absence:
    return Absence(
        row.family_id,
        row.child_id,
        row.first_day,
        row.last_day,
        AbsenceReason(row.reason),
        row.declared_at,
        Actor(row.declared_by, Channel(row.channel)),
        row.certificate_file,
        row.justified,
        id=row.id,
    )


class SqlAbsenceRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, absence: Absence) -> Absence:
        statement = insert(absences).values(
            family_id=absence.family_id,
            child_id=absence.child_id,
            first_day=absence.first_day,
            last_day=absence.last_day,
            reason=absence.reason.value,
            declared_at=absence.declared_at,
            declared_by=absence.declared_by.identifier,
            channel=absence.declared_by.channel.value,
            certificate_file=absence.certificate_file,
            justified=absence.justified,
        )
        new_id = self._connection.execute(statement.returning(absences.c.id)).scalar_one()
        return attrs.evolve(absence, id=new_id)

    def get(self, absence_id: int, *, for_update: bool = False) -> Absence | None:
        query = select(absences).where(absences.c.id == absence_id)
        row = self._connection.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else _absence(row)

    def update(self, absence: Absence) -> None:
        self._connection.execute(
            update(absences)
            .where(absences.c.id == absence.id)
            .values(
                first_day=absence.first_day,
                last_day=absence.last_day,
                reason=absence.reason.value,
                declared_by=absence.declared_by.identifier,  # pseudonymised by an erasure
                certificate_file=absence.certificate_file,
                justified=absence.justified,
            )
        )

    def delete(self, absence_id: int) -> None:
        """Its number is not given again (AUTOINCREMENT on SQLite, a sequence on PostgreSQL)."""
        self._connection.execute(delete(absences).where(absences.c.id == absence_id))

    def between(self, first: date, last: date, *, family_id: int | None = None) -> list[Absence]:
        a = absences.c
        query = select(absences).where(a.first_day <= last, a.last_day >= first).order_by(a.id)
        if family_id is not None:
            query = query.where(a.family_id == family_id)
        return [_absence(row) for row in self._connection.execute(query)]


class SqlAbsenceRepositories(OpenTransaction):
    """The repositories a unit of work gives on its transaction."""

    @property
    def absences(self) -> SqlAbsenceRepository:
        return SqlAbsenceRepository(self.connection())
