"""The database unit of work: one connection, one transaction, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from adapters.persistence.accounts import SqlAccountRepository, SqlTokenRepository
from adapters.persistence.audit import SqlAuditTrail
from adapters.persistence.billing import (
    SqlAbsenceRepository,
    SqlAttendanceRepository,
    SqlInvoiceRepository,
    SqlPaymentRepository,
)
from adapters.persistence.catalogue import SqlCatalogueRepository
from adapters.persistence.changes import SqlChangeRequestRepository
from adapters.persistence.communes import SqlCommuneRepository
from adapters.persistence.database import READ_ONLY
from adapters.persistence.families import SqlFamilyRepository
from adapters.persistence.outbox import SqlOutbox
from adapters.persistence.reservations import (
    SqlPlanningDraftRepository,
    SqlReservationRepository,
    SqlWaitingListRepository,
)
from adapters.persistence.school_calendars import SqlSchoolCalendarRepository
from adapters.persistence.sessions import SqlSessionRepository
from adapters.persistence.throttles import SqlThrottleRepository
from portail_core.errors import ConfigurationError

__all__ = ["SqlUnitOfWork", "database_unreachable"]


def database_unreachable(error: OperationalError) -> ConfigurationError:
    """The operator's message when the database cannot be reached or opened."""
    reason = str(error.orig or error).strip().splitlines()[0]
    return ConfigurationError(
        f"Base de données injoignable ({reason}). Vérifiez PORTAIL_DATABASE_URL et que le "
        "serveur de base de données fonctionne."
    )


class SqlUnitOfWork:
    """Implements ``portail_core.ports.UnitOfWork`` on a SQLAlchemy engine.

    A read-only unit of work refuses ``commit()``; on SQLite it does not take the write lock.
    """

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._connection: Connection | None = None

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("a unit of work is not re-entrant")
        try:
            connection = self._engine.connect()
        except OperationalError as error:
            raise database_unreachable(error) from error
        try:
            if self._read_only:
                connection = connection.execution_options(**{READ_ONLY: True})
            connection.begin()
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        return self

    @property
    def communes(self) -> SqlCommuneRepository:
        return SqlCommuneRepository(self._require_connection())

    @property
    def catalogue(self) -> SqlCatalogueRepository:
        return SqlCatalogueRepository(self._require_connection())

    @property
    def school_calendars(self) -> SqlSchoolCalendarRepository:
        return SqlSchoolCalendarRepository(self._require_connection())

    @property
    def audit(self) -> SqlAuditTrail:
        return SqlAuditTrail(self._require_connection())

    @property
    def outbox(self) -> SqlOutbox:
        return SqlOutbox(self._require_connection())

    @property
    def families(self) -> SqlFamilyRepository:
        return SqlFamilyRepository(self._require_connection())

    @property
    def accounts(self) -> SqlAccountRepository:
        return SqlAccountRepository(self._require_connection())

    @property
    def tokens(self) -> SqlTokenRepository:
        return SqlTokenRepository(self._require_connection())

    @property
    def sessions(self) -> SqlSessionRepository:
        return SqlSessionRepository(self._require_connection())

    @property
    def throttles(self) -> SqlThrottleRepository:
        return SqlThrottleRepository(self._require_connection())

    @property
    def changes(self) -> SqlChangeRequestRepository:
        return SqlChangeRequestRepository(self._require_connection())

    @property
    def reservations(self) -> SqlReservationRepository:
        return SqlReservationRepository(self._require_connection())

    @property
    def waiting_list(self) -> SqlWaitingListRepository:
        return SqlWaitingListRepository(self._require_connection())

    @property
    def drafts(self) -> SqlPlanningDraftRepository:
        return SqlPlanningDraftRepository(self._require_connection())

    @property
    def attendance(self) -> SqlAttendanceRepository:
        return SqlAttendanceRepository(self._require_connection())

    @property
    def absences(self) -> SqlAbsenceRepository:
        return SqlAbsenceRepository(self._require_connection())

    @property
    def invoices(self) -> SqlInvoiceRepository:
        return SqlInvoiceRepository(self._require_connection())

    @property
    def payments(self) -> SqlPaymentRepository:
        return SqlPaymentRepository(self._require_connection())

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.rollback()
            finally:
                connection.close()

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        self._require_connection().commit()

    def rollback(self) -> None:
        self._require_connection().rollback()

    def _require_connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._connection
