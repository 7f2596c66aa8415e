"""The one composition root: builds the adapters from the settings and wires the services.

Nothing here runs at import time; call ``bootstrap()`` (the web app factory and the ``portail``
command do) or ``bootstrap_in_memory()`` for tests and demos without a database.
"""

from __future__ import annotations

from attrs import define, field
from sqlalchemy import Engine

from adapters.calendars import shipped_school_calendar
from adapters.clock import SystemClock
from adapters.documents import FileDocumentStore, InMemoryDocumentStore
from adapters.mail import ConsoleMailer, JinjaEmailRenderer, SmtpMailer
from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.passwords import Argon2PasswordHasher
from adapters.pdf import HtmlInvoiceRenderer
from adapters.persistence import (
    SqlUnitOfWork,
    create_database_engine,
    current_revision,
    head_revision,
)
from adapters.public_holidays import FrenchPublicHolidays
from entrypoints.settings import Settings
from portail_core.errors import ConfigurationError
from portail_core.ports.accounts import PasswordHasher
from portail_core.ports.billing import InvoiceRenderer
from portail_core.ports.catalogue import CalendarSources
from portail_core.ports.clock import Clock
from portail_core.ports.dossiers import DocumentStore
from portail_core.ports.messaging import EmailRenderer, Mailer
from portail_core.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

__all__ = ["Services", "bootstrap", "bootstrap_in_memory"]


@define
class Services:
    """What the entrypoints use: the settings and the ports, wired to real or in-memory adapters."""

    settings: Settings
    uow: UnitOfWorkFactory
    clock: Clock
    calendars: CalendarSources
    mailer: Mailer
    renderer: EmailRenderer
    documents: DocumentStore
    hasher: PasswordHasher = field(factory=Argon2PasswordHasher)
    engine: Engine | None = field(default=None)
    invoice_renderer: InvoiceRenderer = field(factory=HtmlInvoiceRenderer)

    def schema_is_current(self) -> bool:
        """True when the database is migrated to the code's head revision (or is in memory)."""
        if self.engine is None:
            return True
        return current_revision(self.engine) == head_revision()

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def bootstrap(settings: Settings | None = None) -> Services:
    settings = settings or Settings.from_env()
    engine = create_database_engine(settings.database_url)

    def open_unit_of_work(*, read_only: bool = False) -> UnitOfWork:
        return SqlUnitOfWork(engine, read_only=read_only)

    return Services(
        settings=settings,
        uow=open_unit_of_work,
        clock=SystemClock(),
        calendars=official_calendars(),
        mailer=mailer_for(settings),
        renderer=JinjaEmailRenderer(),
        documents=FileDocumentStore(settings.instance_path / "documents"),
        engine=engine,
    )


def bootstrap_in_memory(settings: Settings, clock: Clock | None = None) -> Services:
    store = InMemoryStore()

    def open_unit_of_work(*, read_only: bool = False) -> UnitOfWork:
        return InMemoryUnitOfWork(store, read_only=read_only)

    return Services(
        settings=settings,
        uow=open_unit_of_work,
        clock=clock or SystemClock(),
        calendars=official_calendars(),
        mailer=ConsoleMailer(settings.mail_from),
        renderer=JinjaEmailRenderer(),
        documents=InMemoryDocumentStore(),
    )


def mailer_for(settings: Settings) -> Mailer:
    """SMTP when PORTAIL_SMTP_URL is set; otherwise messages go to the log, for a trial only:
    a portal served over HTTPS (in production) refuses to write links and passwords to a log."""
    if settings.smtp_url:
        return SmtpMailer(settings.smtp_url, settings.mail_from)
    if settings.uses_https:
        raise ConfigurationError(
            "PORTAIL_SMTP_URL est obligatoire pour un portail en HTTPS : sans serveur de "
            "courriel, les liens d'activation seraient écrits dans le journal."
        )
    return ConsoleMailer(settings.mail_from)


def official_calendars() -> CalendarSources:
    """The school calendar shipped with the code and metropolitan France's public holidays."""
    return CalendarSources(shipped_school_calendar(), FrenchPublicHolidays())
