"""Families (the dossier as JSON) and their children (one row each, for their ids)."""

from __future__ import annotations

from typing import Any

import pendulum
from sqlalchemy import Connection, insert, select, update

from adapters.persistence.codec import domain_codec
from adapters.persistence.tables import children, families
from portail_core.domain.child import Child
from portail_core.domain.dossier import Family

__all__ = ["SqlFamilyRepository"]


def _without_id(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "id"}


class SqlFamilyRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, family: Family, now: pendulum.DateTime) -> None:
        data = _without_id(domain_codec().unstructure(family, Family))
        data.pop("children")
        statement = insert(families).values(
            name=family.name, data=data, created_at=now, updated_at=now
        )
        family.id = self._connection.execute(statement.returning(families.c.id)).scalar_one()
        self._write_children(family)

    def get(self, family_id: int) -> Family | None:
        row = self._connection.execute(select(families).where(families.c.id == family_id)).first()
        if row is None:
            return None
        return self._family(row.id, row.data)

    def update(self, family: Family, now: pendulum.DateTime) -> None:
        data = _without_id(domain_codec().unstructure(family, Family))
        data.pop("children")
        self._connection.execute(
            update(families)
            .where(families.c.id == family.id)
            .values(name=family.name, data=data, updated_at=now)
        )
        self._write_children(family)

    def listing(self) -> list[Family]:
        rows = self._connection.execute(select(families).order_by(families.c.name, families.c.id))
        return [self._family(row.id, row.data) for row in rows]

    def _family(self, family_id: int, data: dict[str, Any]) -> Family:
        codec = domain_codec()
        rows = self._connection.execute(
            select(children.c.id, children.c.data)
            .where(children.c.family_id == family_id)
            .order_by(children.c.position)
        )
        family = codec.structure({**data, "children": []}, Family)
        family.children = [codec.structure({**row.data, "id": row.id}, Child) for row in rows]
        family.id = family_id
        return family

    def _write_children(self, family: Family) -> None:
        codec = domain_codec()
        for position, child in enumerate(family.children):
            data = _without_id(codec.unstructure(child, Child))
            if child.id is None:
                statement = insert(children).values(
                    family_id=family.id, position=position, data=data
                )
                child.id = self._connection.execute(statement.returning(children.c.id)).scalar_one()
            else:
                self._connection.execute(
                    update(children)
                    .where(children.c.id == child.id, children.c.family_id == family.id)
                    .values(position=position, data=data)
                )
