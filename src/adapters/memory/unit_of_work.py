"""An in-memory unit of work with the same promises as the database one.

The committed state lives in an ``InMemoryStore``; a unit of work works on a deep copy of it and
publishes the copy only on ``commit()``, so leaving without committing loses everything, exactly
as a rolled-back transaction would. Repositories hand out and keep copies, so a change to an
object read from them counts only once written back, as with the database. Units of work on one
store are serialised by a lock, like writers on SQLite.

Each capability's repositories come from its module (``InMemoryBookingRepositories``...),
imported at their first use (``adapters.repositories_on_demand``); this class only keeps the
working copy.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Final, Self

from adapters.memory.store import InMemoryStore, WorkingCopy
from adapters.repositories_on_demand import RepositoriesOnDemand

__all__ = ["InMemoryUnitOfWork"]


# Where each repository of the unit of work is: its capability's mixin, imported at its first use
# (a command imports the capabilities it uses only).
REPOSITORIES: Final[Mapping[str, str]] = {
    "communes": "adapters.memory.communes:InMemoryCommuneRepositories",
    "catalogue": "adapters.memory.catalogue:InMemoryCatalogueRepositories",
    "school_calendars": "adapters.memory.catalogue:InMemoryCatalogueRepositories",
    "families": "adapters.memory.dossiers:InMemoryDossierRepositories",
    "changes": "adapters.memory.dossiers:InMemoryDossierRepositories",
    "accounts": "adapters.memory.accounts:InMemoryAccountRepositories",
    "tokens": "adapters.memory.accounts:InMemoryAccountRepositories",
    "sessions": "adapters.memory.accounts:InMemoryAccountRepositories",
    "throttles": "adapters.memory.accounts:InMemoryAccountRepositories",
    "reservations": "adapters.memory.bookings:InMemoryBookingRepositories",
    "waiting_list": "adapters.memory.bookings:InMemoryBookingRepositories",
    "drafts": "adapters.memory.bookings:InMemoryBookingRepositories",
    "absences": "adapters.memory.absences:InMemoryAbsenceRepositories",
    "attendance": "adapters.memory.attendance:InMemoryAttendanceRepositories",
    "invoices": "adapters.memory.billing:InMemoryBillingRepositories",
    "payments": "adapters.memory.payments:InMemoryPaymentRepositories",
    "attempts": "adapters.memory.payments:InMemoryPaymentRepositories",
    "outbox": "adapters.memory.messaging:InMemoryMessagingRepositories",
    "audit": "adapters.memory.audit:InMemoryAuditRepositories",
    "menus": "adapters.memory.menus:InMemoryMenuRepositories",
    "news": "adapters.memory.news:InMemoryNewsRepositories",
    "regulations": "adapters.memory.regulations:InMemoryRegulationRepositories",
    "calendar_feeds": "adapters.memory.feeds:InMemoryFeedRepositories",
    "preregistrations": "adapters.memory.preregistrations:InMemoryPreregistrationRepositories",
    "sma_requests": "adapters.memory.sma:InMemorySmaRepositories",
    "waiting_room": "adapters.memory.waiting_room:InMemoryWaitingRoomRepositories",
    "allocations": "adapters.memory.allocation:InMemoryAllocationRepositories",
}

if TYPE_CHECKING:
    from adapters.memory.absences import InMemoryAbsenceRepositories
    from adapters.memory.accounts import InMemoryAccountRepositories
    from adapters.memory.allocation import InMemoryAllocationRepositories
    from adapters.memory.attendance import InMemoryAttendanceRepositories
    from adapters.memory.audit import InMemoryAuditRepositories
    from adapters.memory.billing import InMemoryBillingRepositories
    from adapters.memory.bookings import InMemoryBookingRepositories
    from adapters.memory.catalogue import InMemoryCatalogueRepositories
    from adapters.memory.communes import InMemoryCommuneRepositories
    from adapters.memory.dossiers import InMemoryDossierRepositories
    from adapters.memory.feeds import InMemoryFeedRepositories
    from adapters.memory.menus import InMemoryMenuRepositories
    from adapters.memory.messaging import InMemoryMessagingRepositories
    from adapters.memory.news import InMemoryNewsRepositories
    from adapters.memory.payments import InMemoryPaymentRepositories
    from adapters.memory.preregistrations import InMemoryPreregistrationRepositories
    from adapters.memory.regulations import InMemoryRegulationRepositories
    from adapters.memory.sma import InMemorySmaRepositories
    from adapters.memory.waiting_room import InMemoryWaitingRoomRepositories

    class _Repositories(
        InMemoryCommuneRepositories,
        InMemoryCatalogueRepositories,
        InMemoryDossierRepositories,
        InMemoryAccountRepositories,
        InMemoryBookingRepositories,
        InMemoryAbsenceRepositories,
        InMemoryAttendanceRepositories,
        InMemoryBillingRepositories,
        InMemoryPaymentRepositories,
        InMemoryMessagingRepositories,
        InMemoryAuditRepositories,
        InMemoryMenuRepositories,
        InMemoryNewsRepositories,
        InMemoryRegulationRepositories,
        InMemoryFeedRepositories,
        InMemoryPreregistrationRepositories,
        InMemorySmaRepositories,
        InMemoryWaitingRoomRepositories,
        InMemoryAllocationRepositories,
    ):
        """Every capability's repositories, as the type checker sees them."""

else:

    class _Repositories(RepositoriesOnDemand, WorkingCopy):
        repositories = REPOSITORIES


class InMemoryUnitOfWork(_Repositories):
    """Implements ``portail_core.ports.unit_of_work.UnitOfWork``; ``commits`` counts the commits,
    for tests."""

    def __init__(self, store: InMemoryStore | None = None, *, read_only: bool = False) -> None:
        self.store = store or InMemoryStore()
        self.commits = 0
        self._read_only = read_only
        self._working = None

    def __enter__(self) -> Self:
        if self._working is not None:
            raise RuntimeError("a unit of work is not re-entrant")
        self.store.lock.acquire()
        try:
            self._working = copy.deepcopy(self.store.states)
        except BaseException:
            self.store.lock.release()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._working = None
        self.store.lock.release()

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        if self._working is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        self.store.states = copy.deepcopy(self._working)
        self.commits += 1

    def rollback(self) -> None:
        if self._working is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        self._working = copy.deepcopy(self.store.states)
