"""Change requests waiting for (or decided by) the guichet unique."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from adapters.persistence.tables import change_requests
from portail_core.domain.dossiers.changes import ChangeKind, ChangeRequest, ChangeStatus

__all__ = ["SqlChangeRequestRepository"]


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
