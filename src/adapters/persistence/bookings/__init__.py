"""Reservations, their history, the waiting list and validated summaries, in the database: one
module each, and the repositories a unit of work gives on them."""

from __future__ import annotations

from adapters.persistence.bookings.drafts import SqlPlanningDraftRepository
from adapters.persistence.bookings.reservations import SqlReservationRepository
from adapters.persistence.bookings.waiting_list import SqlWaitingListRepository
from adapters.persistence.transaction import OpenTransaction

__all__ = ["SqlBookingRepositories"]


class SqlBookingRepositories(OpenTransaction):
    """The repositories a unit of work gives on its transaction."""

    @property
    def reservations(self) -> SqlReservationRepository:
        return SqlReservationRepository(self.connection())

    @property
    def waiting_list(self) -> SqlWaitingListRepository:
        return SqlWaitingListRepository(self.connection())

    @property
    def drafts(self) -> SqlPlanningDraftRepository:
        return SqlPlanningDraftRepository(self.connection())
