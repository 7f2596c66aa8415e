"""The database unit of work: one connection, one transaction, rolled back unless committed.

Each capability's repositories come from its module (``SqlBookingRepositories``...); this class
only opens, commits and closes the transaction.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from adapters.persistence.absences import SqlAbsenceRepositories
from adapters.persistence.accounts import SqlAccountRepositories
from adapters.persistence.attendance import SqlAttendanceRepositories
from adapters.persistence.audit import SqlAuditRepositories
from adapters.persistence.billing import SqlBillingRepositories
from adapters.persistence.bookings import SqlBookingRepositories
from adapters.persistence.catalogue import SqlCatalogueRepositories
from adapters.persistence.communes import SqlCommuneRepositories
from adapters.persistence.database import READ_ONLY
from adapters.persistence.dossiers import SqlDossierRepositories
from adapters.persistence.feeds import SqlFeedRepositories
from adapters.persistence.menus import SqlMenuRepositories
from adapters.persistence.messaging import SqlMessagingRepositories
from adapters.persistence.news import SqlNewsRepositories
from adapters.persistence.payments import SqlPaymentRepositories
from adapters.persistence.preregistrations import SqlPreregistrationRepositories
from adapters.persistence.regulations import SqlRegulationRepositories
from adapters.persistence.sma import SqlSmaRepositories
from portail_core.errors import ConfigurationError

__all__ = ["SqlUnitOfWork", "database_unreachable"]


def database_unreachable(error: OperationalError) -> ConfigurationError:
    """The operator's message when the database cannot be reached or opened."""
    reason = str(error.orig or error).strip().splitlines()[0]
    return ConfigurationError(
        f"Base de données injoignable ({reason}). Vérifiez PORTAIL_DATABASE_URL et que le "
        "serveur de base de données fonctionne."
    )


class SqlUnitOfWork(
    SqlCommuneRepositories,
    SqlCatalogueRepositories,
    SqlDossierRepositories,
    SqlAccountRepositories,
    SqlBookingRepositories,
    SqlAbsenceRepositories,
    SqlAttendanceRepositories,
    SqlBillingRepositories,
    SqlPaymentRepositories,
    SqlMessagingRepositories,
    SqlAuditRepositories,
    SqlMenuRepositories,
    SqlNewsRepositories,
    SqlRegulationRepositories,
    SqlFeedRepositories,
    SqlPreregistrationRepositories,
    SqlSmaRepositories,
):
    """Implements ``portail_core.ports.unit_of_work.UnitOfWork`` on a SQLAlchemy engine.

    A read-only unit of work refuses ``commit()``; on SQLite it does not take the write lock.
    """

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._connection = None

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
        self.connection().commit()

    def rollback(self) -> None:
        self.connection().rollback()
