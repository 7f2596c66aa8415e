"""SMA pre-registration requests."""

from __future__ import annotations

from datetime import time
from typing import Any

import attrs
from sqlalchemy import Connection, Row, delete, insert, select, update

from adapters.persistence.tables import sma_requests
from adapters.persistence.transaction import OpenTransaction
from portail_core.domain.shared.weekdays import Weekday
from portail_core.domain.sma import SmaOffer, SmaRequest, SmaState, WeekSlot

__all__ = ["SqlSmaRepositories", "SqlSmaRequestRepository"]

_OPEN = [SmaState.FILED.name, SmaState.OFFERED.name]


def request_from_row(row: Row[Any]) -> SmaRequest:
    offer = None
    if row.offer_establishment is not None:
        offer = SmaOffer(
            row.offer_establishment, row.offer_start, row.offer_deadline, row.offered_at
        )
    return SmaRequest(
        row.family_id,
        row.child_id,
        row.child_name,
        row.expected_birth_date,
        row.start_date,
        tuple(
            WeekSlot(Weekday(day), time.fromisoformat(start), time.fromisoformat(end))
            for day, start, end in row.slots
        ),
        tuple(row.wishes),
        row.requested_at,
        row.confirmed_at,
        SmaState[row.state],
        row.reminded_at,
        offer,
        row.closed_at,
        row.last_name,
        id=row.id,
    )


def request_to_row(request: SmaRequest) -> dict[str, Any]:
    offer = request.offer
    return {
        "family_id": request.family_id,
        "child_id": request.child_id,
        "child_name": request.child_name,
        "last_name": request.last_name,
        "expected_birth_date": request.expected_birth_date,
        "start_date": request.start_date,
        "slots": [
            [s.weekday.value, s.start.isoformat("minutes"), s.end.isoformat("minutes")]
            for s in request.slots
        ],
        "wishes": list(request.wishes),
        "state": request.state.name,
        "requested_at": request.requested_at,
        "confirmed_at": request.confirmed_at,
        "reminded_at": request.reminded_at,
        "closed_at": request.closed_at,
        "offer_establishment": None if offer is None else offer.establishment_code,
        "offer_start": None if offer is None else offer.start,
        "offer_deadline": None if offer is None else offer.deadline,
        "offered_at": None if offer is None else offer.offered_at,
    }


class SqlSmaRequestRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, request: SmaRequest) -> SmaRequest:
        statement = insert(sma_requests).values(**request_to_row(request))
        new_id = self._connection.execute(statement.returning(sma_requests.c.id)).scalar_one()
        return attrs.evolve(request, id=new_id)

    def get(self, request_id: int, *, for_update: bool = False) -> SmaRequest | None:
        query = select(sma_requests).where(sma_requests.c.id == request_id)
        row = self._connection.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else request_from_row(row)

    def update(self, request: SmaRequest) -> None:
        self._connection.execute(
            update(sma_requests)
            .where(sma_requests.c.id == request.id)
            .values(**request_to_row(request))
        )

    def of_family(self, family_id: int) -> list[SmaRequest]:
        c = sma_requests.c
        query = select(sma_requests).where(c.family_id == family_id)
        return self._rows(query.order_by(c.requested_at, c.id))

    def open_requests(self) -> list[SmaRequest]:
        c = sma_requests.c
        query = select(sma_requests).where(c.state.in_(_OPEN))
        return self._rows(query.order_by(c.requested_at, c.id))

    def delete_of_family(self, family_id: int) -> None:
        self._connection.execute(delete(sma_requests).where(sma_requests.c.family_id == family_id))

    def _rows(self, query: Any) -> list[SmaRequest]:
        return [request_from_row(row) for row in self._connection.execute(query)]


class SqlSmaRepositories(OpenTransaction):
    """The repositories a unit of work gives on its transaction."""

    @property
    def sma_requests(self) -> SqlSmaRequestRepository:
        return SqlSmaRequestRepository(self.connection())
