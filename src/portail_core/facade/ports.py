"""Everything the core needs from the outside world, gathered for the façade."""

from __future__ import annotations

from typing import TYPE_CHECKING

from attrs import frozen

if TYPE_CHECKING:  # annotations only: building Ports imports no capability's ports
    from portail_core.ports.accounts import PasswordHasher
    from portail_core.ports.billing import InvoiceRenderer
    from portail_core.ports.catalogue import CalendarSources
    from portail_core.ports.clock import Clock
    from portail_core.ports.dossiers import DocumentStore
    from portail_core.ports.feeds import CalendarWriter
    from portail_core.ports.messaging import EmailRenderer, Mailer
    from portail_core.ports.news import NewsMarkup
    from portail_core.ports.payments import BankDetails, DebitFileWriter, OnlinePaymentService
    from portail_core.ports.regulations import RegulationFiles
    from portail_core.ports.unit_of_work import UnitOfWorkFactory

__all__ = ["Ports"]


@frozen(kw_only=True)
class Ports:
    """The adapters a ``Portail`` works with, one per port.

    ``uow`` opens a unit of work (one transaction) on the database; ``calendars`` gives the
    school calendar shipped with the code and the public holidays; the others are named after
    the port they implement.
    """

    uow: UnitOfWorkFactory
    clock: Clock
    calendars: CalendarSources
    documents: DocumentStore
    hasher: PasswordHasher
    mailer: Mailer
    email_renderer: EmailRenderer
    invoice_renderer: InvoiceRenderer
    debit_writer: DebitFileWriter
    bank_details: BankDetails
    payfip: OnlinePaymentService
    calendar_writer: CalendarWriter
    news_markup: NewsMarkup
    regulation_files: RegulationFiles
