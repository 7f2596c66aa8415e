"""One use case's transaction and the repositories it gives.

``UnitOfWork`` is the union of each capability's repositories (``BookingRepositories`` in
``ports.bookings``...): a new capability declares its own in its module and is added here.
Importing this module imports every capability's domain: the services import it for their
annotations only (under ``TYPE_CHECKING``), so that a process imports the domain it uses.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from portail_core.ports.absences import AbsenceRepositories
from portail_core.ports.accounts import AccountRepositories
from portail_core.ports.allocation import AllocationRepositories
from portail_core.ports.attendance import AttendanceRepositories
from portail_core.ports.audit import AuditRepositories
from portail_core.ports.billing import BillingRepositories
from portail_core.ports.bookings import BookingRepositories
from portail_core.ports.catalogue import CatalogueRepositories
from portail_core.ports.communes import CommuneRepositories
from portail_core.ports.dossiers import DossierRepositories
from portail_core.ports.feeds import FeedRepositories
from portail_core.ports.menus import MenuRepositories
from portail_core.ports.messaging import MessagingRepositories
from portail_core.ports.news import NewsRepositories
from portail_core.ports.payments import PaymentRepositories
from portail_core.ports.preregistrations import PreregistrationRepositories
from portail_core.ports.regulations import RegulationRepositories
from portail_core.ports.sma import SmaRepositories
from portail_core.ports.waiting_room import WaitingRoomRepositories

__all__ = ["UnitOfWork", "UnitOfWorkFactory"]


class UnitOfWork(
    CommuneRepositories,
    CatalogueRepositories,
    DossierRepositories,
    AccountRepositories,
    BookingRepositories,
    AbsenceRepositories,
    AttendanceRepositories,
    BillingRepositories,
    PaymentRepositories,
    MessagingRepositories,
    NewsRepositories,
    AuditRepositories,
    MenuRepositories,
    RegulationRepositories,
    FeedRepositories,
    PreregistrationRepositories,
    SmaRepositories,
    WaitingRoomRepositories,
    AllocationRepositories,
    Protocol,
):
    """One use case's transaction: nothing is kept unless ``commit()`` is called.

    Used as a context manager; leaving the block without committing rolls back, and so does an
    exception. ``commit()`` may be called more than once; each call makes the work so far durable.
    """

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    """Opens a new unit of work; a read-only one cannot commit and does not block writers."""

    def __call__(self, *, read_only: bool = False) -> UnitOfWork: ...
