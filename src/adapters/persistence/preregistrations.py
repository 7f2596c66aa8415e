"""School pre-registrations: the request as JSON, with the columns the listing filters on."""

from __future__ import annotations

from typing import Any

import attrs
from sqlalchemy import Connection, Row, delete, insert, select, update

from adapters.persistence.codec import domain_codec
from adapters.persistence.tables import school_preregistrations
from adapters.persistence.transaction import OpenTransaction
from portail_core.domain.preregistrations import SchoolPreregistration
from portail_core.ports.preregistrations import PreregistrationFilter

__all__ = ["SqlPreregistrationRepositories", "SqlPreregistrationRepository"]


def _request(row: Row[Any]) -> SchoolPreregistration:
    request = domain_codec().structure(row.data, SchoolPreregistration)
    return attrs.evolve(request, id=row.id)


def _columns(request: SchoolPreregistration) -> dict[str, Any]:
    data = domain_codec().unstructure(request, SchoolPreregistration)
    data.pop("id", None)
    return {
        "family_id": request.family_id,
        "school_year": request.school_year,
        "state": request.state.value,
        "level": request.level,
        "requested_school": request.requested_school,
        "assigned_school": request.assigned_school,
        "submitted_at": request.submitted_at,
        "data": data,
    }


class SqlPreregistrationRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, request: SchoolPreregistration) -> SchoolPreregistration:
        statement = insert(school_preregistrations).values(**_columns(request))
        new_id = self._connection.execute(
            statement.returning(school_preregistrations.c.id)
        ).scalar_one()
        return attrs.evolve(request, id=new_id)

    def get(self, request_id: int, *, for_update: bool = False) -> SchoolPreregistration | None:
        query = select(school_preregistrations).where(school_preregistrations.c.id == request_id)
        row = self._connection.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else _request(row)

    def update(self, request: SchoolPreregistration) -> None:
        self._connection.execute(
            update(school_preregistrations)
            .where(school_preregistrations.c.id == request.id)
            .values(**_columns(request))
        )

    def matching(self, wanted: PreregistrationFilter) -> list[SchoolPreregistration]:
        p = school_preregistrations.c
        query = select(school_preregistrations).order_by(p.id)
        if wanted.family_id is not None:
            query = query.where(p.family_id == wanted.family_id)
        if wanted.school_year is not None:
            query = query.where(p.school_year == wanted.school_year)
        if wanted.state is not None:
            query = query.where(p.state == wanted.state.value)
        if wanted.level is not None:
            query = query.where(p.level == wanted.level)
        if wanted.school is not None:
            query = query.where(
                (p.requested_school == wanted.school) | (p.assigned_school == wanted.school)
            )
        return [_request(row) for row in self._connection.execute(query)]

    def delete_of_family(self, family_id: int) -> None:
        self._connection.execute(
            delete(school_preregistrations).where(school_preregistrations.c.family_id == family_id)
        )


class SqlPreregistrationRepositories(OpenTransaction):
    """The repositories a unit of work gives on its transaction."""

    @property
    def preregistrations(self) -> SqlPreregistrationRepository:
        return SqlPreregistrationRepository(self.connection())
