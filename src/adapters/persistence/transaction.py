"""The transaction a unit of work holds open, which each capability's repositories work in."""

from __future__ import annotations

from sqlalchemy import Connection

__all__ = ["OpenTransaction"]


class OpenTransaction:
    """Base of the unit of work and of each capability's repositories on it
    (``SqlBookingRepositories`` in ``persistence.bookings``...): the transaction's connection."""

    _connection: Connection | None = None

    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._connection
