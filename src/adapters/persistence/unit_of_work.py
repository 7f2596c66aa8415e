"""The database unit of work: one connection, one transaction, rolled back unless committed.

Each capability's repositories come from its module (``SqlBookingRepositories``...), imported at
their first use (``adapters.repositories_on_demand``); this class only opens, commits and closes
the transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Self

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from adapters.persistence.database import READ_ONLY, database_unreachable
from adapters.persistence.reference import SharedReferenceVersion
from adapters.repositories_on_demand import RepositoriesOnDemand
from portail_core.errors import ConfigurationError

__all__ = ["SqlUnitOfWork", "database_lost", "database_unreachable"]

log = logging.getLogger("portail.database")


def database_lost(error: DBAPIError, *, committing: bool) -> ConfigurationError:
    """What the desk and the family read when the connection dies during a unit of work (the
    server restarted, the connection was killed): before COMMIT nothing was kept; during it,
    nobody here can know."""
    lines = str(error.orig or error).strip().splitlines()
    reason = lines[0] if lines else "?"
    log.warning("database connection lost%s: %s", " at commit" if committing else "", reason)
    if committing:
        return ConfigurationError(
            "La connexion à la base de données a été perdue pendant l'enregistrement : "
            "vérifiez si l'opération a abouti avant de la refaire."
        )
    return ConfigurationError(
        "La connexion à la base de données a été perdue : rien n'a été enregistré. "
        "Réessayez dans un instant."
    )


def _read_only_options(connection: Connection) -> dict[str, Any]:
    """On PostgreSQL a read-only unit of work runs in autocommit: at READ COMMITTED each
    statement reads its own snapshot inside a transaction too, and it takes no lock, so the
    BEGIN and ROLLBACK round trips bought nothing (two per page and unit of work)."""
    if connection.dialect.name == "postgresql":
        return {READ_ONLY: True, "isolation_level": "AUTOCOMMIT"}
    return {READ_ONLY: True}


# Where each repository of the unit of work is: its capability's mixin, imported at its first use
# (a command imports the capabilities it uses only).
REPOSITORIES: Final[Mapping[str, str]] = {
    "communes": "adapters.persistence.communes:SqlCommuneRepositories",
    "catalogue": "adapters.persistence.catalogue:SqlCatalogueRepositories",
    "school_calendars": "adapters.persistence.catalogue:SqlCatalogueRepositories",
    "families": "adapters.persistence.dossiers:SqlDossierRepositories",
    "changes": "adapters.persistence.dossiers:SqlDossierRepositories",
    "accounts": "adapters.persistence.accounts:SqlAccountRepositories",
    "tokens": "adapters.persistence.accounts:SqlAccountRepositories",
    "sessions": "adapters.persistence.accounts:SqlAccountRepositories",
    "throttles": "adapters.persistence.accounts:SqlAccountRepositories",
    "reservations": "adapters.persistence.bookings:SqlBookingRepositories",
    "waiting_list": "adapters.persistence.bookings:SqlBookingRepositories",
    "drafts": "adapters.persistence.bookings:SqlBookingRepositories",
    "absences": "adapters.persistence.absences:SqlAbsenceRepositories",
    "attendance": "adapters.persistence.attendance:SqlAttendanceRepositories",
    "invoices": "adapters.persistence.billing:SqlBillingRepositories",
    "payments": "adapters.persistence.payments:SqlPaymentRepositories",
    "attempts": "adapters.persistence.payments:SqlPaymentRepositories",
    "outbox": "adapters.persistence.messaging:SqlMessagingRepositories",
    "audit": "adapters.persistence.audit:SqlAuditRepositories",
    "menus": "adapters.persistence.menus:SqlMenuRepositories",
    "news": "adapters.persistence.news:SqlNewsRepositories",
    "regulations": "adapters.persistence.regulations:SqlRegulationRepositories",
    "calendar_feeds": "adapters.persistence.feeds:SqlFeedRepositories",
    "preregistrations": "adapters.persistence.preregistrations:SqlPreregistrationRepositories",
    "sma_requests": "adapters.persistence.sma:SqlSmaRepositories",
    "waiting_room": "adapters.persistence.waiting_room:SqlWaitingRoomRepositories",
    "allocations": "adapters.persistence.allocation:SqlAllocationRepositories",
}

if TYPE_CHECKING:
    from adapters.persistence.absences import SqlAbsenceRepositories
    from adapters.persistence.accounts import SqlAccountRepositories
    from adapters.persistence.allocation import SqlAllocationRepositories
    from adapters.persistence.attendance import SqlAttendanceRepositories
    from adapters.persistence.audit import SqlAuditRepositories
    from adapters.persistence.billing import SqlBillingRepositories
    from adapters.persistence.bookings import SqlBookingRepositories
    from adapters.persistence.catalogue import SqlCatalogueRepositories
    from adapters.persistence.communes import SqlCommuneRepositories
    from adapters.persistence.dossiers import SqlDossierRepositories
    from adapters.persistence.feeds import SqlFeedRepositories
    from adapters.persistence.menus import SqlMenuRepositories
    from adapters.persistence.messaging import SqlMessagingRepositories
    from adapters.persistence.news import SqlNewsRepositories
    from adapters.persistence.payments import SqlPaymentRepositories
    from adapters.persistence.preregistrations import SqlPreregistrationRepositories
    from adapters.persistence.regulations import SqlRegulationRepositories
    from adapters.persistence.sma import SqlSmaRepositories
    from adapters.persistence.waiting_room import SqlWaitingRoomRepositories

    class _Repositories(
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
        SqlWaitingRoomRepositories,
        SqlAllocationRepositories,
    ):
        """Every capability's repositories, as the type checker sees them."""

else:

    class _Repositories(RepositoriesOnDemand, SharedReferenceVersion):
        repositories = REPOSITORIES


class SqlUnitOfWork(_Repositories):
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
                connection = connection.execution_options(**_read_only_options(connection))
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
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            raise database_lost(exc, committing=False) from exc

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        try:
            self.connection().commit()
        except DBAPIError as error:
            if error.connection_invalidated:
                raise database_lost(error, committing=True) from error
            raise

    def rollback(self) -> None:
        self.connection().rollback()
