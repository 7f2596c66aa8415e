"""An in-memory unit of work with the same promises as the database one.

The committed state lives in an ``InMemoryStore``; a unit of work works on a deep copy of it and
publishes the copy only on ``commit()``, so leaving without committing loses everything, exactly
as a rolled-back transaction would. Repositories hand out and keep copies, so a change to an
object read from them counts only once written back, as with the database. Units of work on one
store are serialised by a lock, like writers on SQLite.

Each capability's repositories come from its module (``InMemoryBookingRepositories``...); this
class only keeps the working copy.
"""

from __future__ import annotations

import copy
from types import TracebackType
from typing import Self

from adapters.memory.absences import InMemoryAbsenceRepositories
from adapters.memory.accounts import InMemoryAccountRepositories
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
from adapters.memory.store import InMemoryStore
from adapters.memory.waiting_room import InMemoryWaitingRoomRepositories

__all__ = ["InMemoryUnitOfWork"]


class InMemoryUnitOfWork(
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
):
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
