"""Families (the dossier as JSON) and their children (one row each, for their ids); change requests
waiting for (or decided by) the guichet unique."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from typing import Any

import pendulum
from sqlalchemy import Connection, Row, delete, func, insert, select, update

from adapters.persistence.codec import domain_codec
from adapters.persistence.tables import change_requests, children, families
from adapters.persistence.transaction import OpenTransaction
from portail_core.domain.dossiers.changes import ChangeKind, ChangeRequest, ChangeStatus
from portail_core.domain.dossiers.child import Child
from portail_core.domain.dossiers.family import Family
from portail_core.domain.shared.collation import french_sort_key

__all__ = ["SqlChangeRequestRepository", "SqlDossierRepositories", "SqlFamilyRepository"]


def _without_id(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "id"}


Kid = tuple[int, dict[str, Any]]  # a child's row: id, data


def _from_rows(family_id: int, data: dict[str, Any], kids: list[Kid]) -> Family:
    """The family from its row's data and its children's rows, in order."""
    codec = domain_codec()
    family = codec.structure({**data, "children": []}, Family)
    family.children = [codec.structure({**kid, "id": kid_id}, Child) for kid_id, kid in kids]
    family.id = family_id
    return family


class SqlFamilyRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, family: Family, now: pendulum.DateTime) -> None:
        data = _without_id(domain_codec().unstructure(family, Family))
        data.pop("children")
        values = {"name": family.name, "data": data, "created_at": now, "updated_at": now}
        if family.legacy_reference is not None:  # (so that a test may add one before 0026)
            values["legacy_reference"] = family.legacy_reference
        statement = insert(families).values(values)
        family.id = self._connection.execute(statement.returning(families.c.id)).scalar_one()
        self._write_children(family)

    def get(self, family_id: int, *, for_update: bool = False) -> Family | None:
        query = select(families).where(families.c.id == family_id)
        if for_update:  # SELECT ... FOR UPDATE on PostgreSQL; SQLite writers are serialised
            query = query.with_for_update()
        row = self._connection.execute(query).first()
        if row is None:
            return None
        return self._family(row.id, row.data)

    def update(self, family: Family, now: pendulum.DateTime) -> None:
        data = _without_id(domain_codec().unstructure(family, Family))
        data.pop("children")
        self._connection.execute(
            update(families)
            .where(families.c.id == family.id)
            .values(
                name=family.name,
                data=data,
                updated_at=now,
                legacy_reference=family.legacy_reference,
            )
        )
        self._write_children(family)

    def add_all(self, new: Sequence[Family], now: pendulum.DateTime) -> None:
        """Two INSERTs of many rows (families, then their children: executemany, PostgreSQL's
        pipeline), then their ids read back, 1,000 families at a time. Families without a
        reference of the previous software are added one by one (their ids come back by
        RETURNING)."""
        unnamed = [family for family in new if family.legacy_reference is None]
        for family in unnamed:
            self.add(family, now)
        named = [family for family in new if family.legacy_reference is not None]
        if not named:
            return
        codec = domain_codec()
        rows = []
        for family in named:
            data = _without_id(codec.unstructure(family, Family))
            data.pop("children")
            rows.append(
                {
                    "name": family.name,
                    "data": data,
                    "created_at": now,
                    "updated_at": now,
                    "legacy_reference": family.legacy_reference,
                }
            )
        self._connection.execute(insert(families), rows)
        by_reference = {family.legacy_reference: family for family in named}
        references = list(by_reference)
        for start in range(0, len(references), 1000):
            query = select(families.c.id, families.c.legacy_reference).where(
                families.c.legacy_reference.in_(references[start : start + 1000])
            )
            for found in self._connection.execute(query):
                by_reference[found.legacy_reference].id = found.id
        kids = [
            {
                "family_id": family.id,
                "position": position,
                "data": _without_id(codec.unstructure(child, Child)),
            }
            for family in named
            for position, child in enumerate(family.children)
        ]
        if kids:
            self._connection.execute(insert(children), kids)
        by_id = {family.id: family for family in named}
        ids = list(by_id)
        for start in range(0, len(ids), 1000):
            c = children.c
            query = select(c.id, c.family_id, c.position).where(
                c.family_id.in_(ids[start : start + 1000])
            )
            for kid in self._connection.execute(query):
                by_id[kid.family_id].children[kid.position].id = kid.id

    def by_legacy_reference(self, references: Collection[str]) -> dict[str, Family]:
        """The families imported from the previous software under these references."""
        found: dict[str, Family] = {}
        wanted = sorted(set(references))
        for start in range(0, len(wanted), 500):
            page = self._connection.execute(
                select(families.c.id, families.c.data, families.c.legacy_reference).where(
                    families.c.legacy_reference.in_(wanted[start : start + 500])
                )
            ).all()
            kids: dict[int, list[Kid]] = defaultdict(list)
            c = children.c
            for kid in self._connection.execute(
                select(c.id, c.family_id, c.data)
                .where(c.family_id.in_([row.id for row in page]))
                .order_by(c.family_id, c.position)
            ):
                kids[kid.family_id].append((kid.id, kid.data))
            for row in page:
                found[row.legacy_reference] = _from_rows(row.id, row.data, kids.get(row.id, []))
        return found

    def listing(self) -> list[Family]:
        """Every family with its children, in two queries whatever their number, in French
        name order (``french_sort_key``: the database's collation differs between SQLite and
        PostgreSQL, and from the order of billing and attendance)."""
        query = select(families).order_by(families.c.id)
        rows = self._connection.execute(query).all()
        c = children.c
        kids: dict[int, list[Kid]] = defaultdict(list)
        for kid in self._connection.execute(
            select(c.id, c.family_id, c.data).order_by(c.family_id, c.position)
        ):
            kids[kid.family_id].append((kid.id, kid.data))
        found = [_from_rows(row.id, row.data, kids.get(row.id, [])) for row in rows]
        return sorted(found, key=lambda family: (french_sort_key(family.name), family.id or 0))

    def each(self, batch: int = 500) -> Iterator[Family]:
        """Keyset pages by id (ids never change, unlike names): two queries per ``batch``
        families, every row of a page read before the first family is built."""
        if batch < 1:
            raise ValueError("batch must be positive")
        after = 0
        while True:
            page = self._connection.execute(
                select(families.c.id, families.c.data)
                .where(families.c.id > after)
                .order_by(families.c.id)
                .limit(batch)
            ).all()
            if not page:
                return
            c = children.c
            kids: dict[int, list[Kid]] = defaultdict(list)
            for kid in self._connection.execute(
                select(c.id, c.family_id, c.data)
                .where(c.family_id.in_([row.id for row in page]))
                .order_by(c.family_id, c.position)
            ):
                kids[kid.family_id].append((kid.id, kid.data))
            for row in page:
                yield _from_rows(row.id, row.data, kids.get(row.id, []))
            if len(page) < batch:
                return
            after = page[-1].id

    def count(self) -> int:
        return self._connection.execute(select(func.count()).select_from(families)).scalar_one()

    def _family(self, family_id: int, data: dict[str, Any]) -> Family:
        rows = self._connection.execute(
            select(children.c.id, children.c.data)
            .where(children.c.family_id == family_id)
            .order_by(children.c.position)
        )
        return _from_rows(family_id, data, [(row.id, row.data) for row in rows])

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


def _change(row: Row[Any]) -> ChangeRequest:
    return ChangeRequest(
        family_id=row.family_id,
        kind=ChangeKind(row.kind),
        proposed=row.proposed,
        requested_at=row.requested_at,
        requested_by=row.requested_by,
        status=ChangeStatus(row.status),
        decided_at=row.decided_at,
        decided_by=row.decided_by,
        reason=row.reason,
        id=row.id,
    )


class SqlChangeRequestRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, change: ChangeRequest) -> None:
        statement = insert(change_requests).values(
            family_id=change.family_id,
            kind=change.kind.value,
            proposed=change.proposed,
            requested_at=change.requested_at,
            requested_by=change.requested_by,
            status=change.status.value,
            reason=change.reason,
        )
        change.id = self._connection.execute(statement.returning(change_requests.c.id)).scalar_one()

    def get(self, change_id: int, *, for_update: bool = False) -> ChangeRequest | None:
        query = select(change_requests).where(change_requests.c.id == change_id)
        row = self._connection.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else _change(row)

    def listing(
        self, *, family_id: int | None = None, pending_only: bool = True
    ) -> list[ChangeRequest]:
        query = select(change_requests).order_by(change_requests.c.id)
        if family_id is not None:
            query = query.where(change_requests.c.family_id == family_id)
        if pending_only:
            query = query.where(change_requests.c.status == ChangeStatus.PENDING.value)
        return [_change(row) for row in self._connection.execute(query)]

    def update(self, change: ChangeRequest) -> None:
        self._connection.execute(
            update(change_requests)
            .where(change_requests.c.id == change.id)
            .values(
                status=change.status.value,
                decided_at=change.decided_at,
                decided_by=change.decided_by,
                reason=change.reason,
            )
        )

    def delete_of_family(self, family_id: int) -> None:
        self._connection.execute(
            delete(change_requests).where(change_requests.c.family_id == family_id)
        )


class SqlDossierRepositories(OpenTransaction):
    """The repositories a unit of work gives on its transaction."""

    @property
    def families(self) -> SqlFamilyRepository:
        return SqlFamilyRepository(self.connection())

    @property
    def changes(self) -> SqlChangeRequestRepository:
        return SqlChangeRequestRepository(self.connection())
