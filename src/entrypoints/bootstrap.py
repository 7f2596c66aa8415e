"""The one composition root: builds the adapters, wires them into the core's façade.

Nothing here runs at import time. ``bootstrap()`` builds what the web portal and the staff's
command line use from the settings (a database, SMTP or the log, files in the instance folder);
``bootstrap_in_memory()`` the same on the in-memory twins, for tests, demos and embedders;
``file_formats()`` the readers of the files the desk hands over, which need no settings. The web
views and the commands reach the adapters only through here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from attrs import define, field

from entrypoints.settings import Settings
from portail_core.errors import ConfigurationError
from portail_core.facade.portail import Portail
from portail_core.facade.ports import Ports

if TYPE_CHECKING:  # the adapters are imported when they are built, each where it is needed
    from pathlib import Path

    from sqlalchemy import Engine

    from adapters.family_csv import ImportFile
    from adapters.onboarding_csv import OnboardingFile
    from portail_core.domain.catalogue.school_calendar import SchoolCalendar
    from portail_core.domain.dossiers.family import Family
    from portail_core.domain.menus import MenuLine
    from portail_core.domain.payments.debit_returns import DebitReturnFile
    from portail_core.ports.accounts import PasswordHasher
    from portail_core.ports.catalogue import CalendarSources
    from portail_core.ports.clock import Clock
    from portail_core.ports.dossiers import DocumentStore
    from portail_core.ports.messaging import Mailer
    from portail_core.ports.payments import OnlinePaymentService
    from portail_core.ports.regulations import RegulationFiles
    from portail_core.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
    from portail_core.services.attendance.pointage import MarkInput
    from portail_core.services.catalogue.commune_file import CommuneFile

__all__ = [
    "FileFormats",
    "Services",
    "bootstrap",
    "bootstrap_in_memory",
    "file_formats",
    "ports_with",
    "run_payfip_simulator",
]


class FileFormats:
    """The files the desk hands to the portal, read into the core's objects by the adapters
    that know their formats; every problem is an InvalidInput located in the file. Each reader
    is imported when it is first used (a command reads one format at most)."""

    __slots__ = ()

    def commune_file(self, text: str, directory: Path | None = None) -> CommuneFile:
        """``directory``: the file's folder, where its ``[look]`` logo is found."""
        from adapters.commune_file import read_commune_file

        return read_commune_file(text, directory)

    def family_file(self, text: str, today: date) -> Family:
        from adapters.dossier_file import read_family_file

        return read_family_file(text, today)

    def family_csv(self, text: str, today: date) -> ImportFile:
        from adapters.family_csv import read_family_csv

        return read_family_csv(text, today)

    def onboarding_csv(self, data: bytes, today: date) -> OnboardingFile:
        """A town's export from its previous software (docs/import-familles.md)."""
        from adapters.onboarding_csv import read_onboarding_csv

        return read_onboarding_csv(data, today)

    def debit_returns(self, document: bytes) -> DebitReturnFile:
        from adapters.direct_debit import read_debit_returns

        return read_debit_returns(document)

    @property
    def max_debit_returns_size(self) -> int:
        from adapters.direct_debit import MAX_RETURN_FILE_SIZE

        return MAX_RETURN_FILE_SIZE

    def school_calendar(self, text: str) -> SchoolCalendar:
        from adapters.calendars import read_school_calendar

        return read_school_calendar(text)

    def pointage_csv(self, text: str) -> list[MarkInput]:
        from adapters.attendance_csv import read_pointage_csv

        return read_pointage_csv(text)

    @property
    def max_pointage_size(self) -> int:
        from adapters.attendance_csv import MAX_FILE_SIZE

        return MAX_FILE_SIZE

    def menus_csv(self, text: str) -> list[MenuLine]:
        from adapters.menus_csv import read_menus_csv

        return read_menus_csv(text)

    @property
    def max_menus_size(self) -> int:
        from adapters.menus_csv import MAX_FILE_SIZE

        return MAX_FILE_SIZE


def file_formats() -> FileFormats:
    """The file readers alone: checking a file needs neither settings nor a database."""
    return FileFormats()


@define
class Services:
    """What the entrypoints use: the settings, the core's façade wired to the adapters, the
    file readers, and the database's own operations (migrations)."""

    settings: Settings
    portail: Portail
    engine: Engine | None = field(default=None)
    formats: FileFormats = field(factory=FileFormats)

    @property
    def ports(self) -> Ports:
        """The adapters the façade works with, for tests and tools working below it; the web
        views and the commands call ``portail`` only."""
        return self.portail.ports

    def schema_is_current(self) -> bool:
        """True when the database is migrated to the code's head revision (or is in memory)."""
        current, head = self.revisions()
        return current == head

    def revisions(self) -> tuple[str | None, str | None]:
        """The database's revision and the one the code expects (None, None in memory), read
        without Alembic (``adapters.persistence.revisions``)."""
        if self.engine is None:
            return None, None
        from adapters.persistence.revisions import current_revision, head_revision

        return current_revision(self.engine), head_revision()

    def upgrade_database(self) -> None:
        """Run every migration not yet applied, in one transaction (with Alembic)."""
        if self.engine is not None:
            from adapters.persistence.migrate import upgrade

            upgrade(self.engine)

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def bootstrap(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    mailer: Mailer | None = None,
    hasher: PasswordHasher | None = None,
    payfip: OnlinePaymentService | None = None,
    create_database: bool = False,
    lazy: bool = False,
    engine_options: Mapping[str, object] | None = None,
) -> Services:
    """The portal on the database of the settings (SQLite by default, PostgreSQL in
    production); ``clock``, ``mailer``, ``hasher`` and ``payfip`` replace the real ones
    (tests). Without ``settings`` they are read from the environment, and a missing SQLite
    database is a ConfigurationError unless ``create_database`` (``portail db upgrade``).

    Everything is built here, so that a broken package (the PayFiP client reads its contract)
    stops the portal at its start rather than during a family's payment. ``lazy`` builds the
    PayFiP client and each capability of the façade on first use instead: the command line,
    where a command uses one or two capabilities and most pay nothing (zeep is not imported).
    ``engine_options`` go to SQLAlchemy's engine (a deployment's communes: a small pool each)."""
    from adapters.documents import FileDocumentStore
    from adapters.persistence.database import create_database_engine
    from adapters.regulation_files import FileRegulationFiles

    if settings is None and os.environ.get("PORTAIL_COMMUNES_FILE"):
        raise ConfigurationError(  # the shared database's own schema is no commune's
            "PORTAIL_COMMUNES_FILE est défini : chaque commune a ses propres réglages. Servez-les "
            "avec `portail serve` et désignez-en une avec `portail --commune CODE`."
        )
    settings = settings or Settings.from_env(require_database=not create_database)
    engine = create_database_engine(settings.database_url, **(engine_options or {}))

    def open_unit_of_work(*, read_only: bool = False) -> UnitOfWork:
        from adapters.persistence.unit_of_work import SqlUnitOfWork  # on the first transaction

        return SqlUnitOfWork(engine, read_only=read_only)

    ports = ports_with(
        open_unit_of_work,
        FileDocumentStore(settings.instance_path / "documents"),
        clock=clock,
        mailer=mailer or mailer_for(settings),
        hasher=hasher or _argon2(settings.secret_key),
        payfip=payfip or _soap_payfip(settings, deferred=lazy),
        regulation_files=FileRegulationFiles(settings.instance_path / "reglements"),
    )
    return Services(settings, Portail(ports, public_url=settings.public_url, lazy=lazy), engine)


def bootstrap_in_memory(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    mailer: Mailer | None = None,
    hasher: PasswordHasher | None = None,
    payfip: OnlinePaymentService | None = None,
) -> Services:
    """The portal on the in-memory twins: nothing is written anywhere, everything is lost when
    the process ends (tests, demos, trying the core)."""
    from adapters.documents import InMemoryDocumentStore
    from adapters.mail import ConsoleMailer
    from adapters.memory import InMemoryStore, InMemoryUnitOfWork  # twins: not on a database
    from adapters.payfip.fake import FakePayfip

    settings = settings or Settings.in_memory()
    store = InMemoryStore()

    def open_unit_of_work(*, read_only: bool = False) -> UnitOfWork:
        return InMemoryUnitOfWork(store, read_only=read_only)

    ports = ports_with(
        open_unit_of_work,
        InMemoryDocumentStore(),
        clock=clock,
        mailer=mailer or ConsoleMailer(settings.mail_from),
        hasher=hasher or _argon2(settings.secret_key),
        payfip=payfip or FakePayfip(),
    )
    return Services(settings, Portail(ports, public_url=settings.public_url))


def ports_with(
    uow: UnitOfWorkFactory,
    documents: DocumentStore,
    *,
    clock: Clock | None,
    mailer: Mailer,
    hasher: PasswordHasher | None,
    payfip: OnlinePaymentService,
    regulation_files: RegulationFiles | None = None,
) -> Ports:
    """This project's adapters around a given unit of work and document store (a benchmark's
    counting engine, an embedder's database). Without ``hasher``, Argon2id whose digests are
    keyed for this process only: give ``Argon2PasswordHasher(secret_key)`` when several
    processes share the database. Without ``regulation_files``, the règlements' PDF files are
    kept in memory. Each adapter imports its library (Jinja2, WeasyPrint, schwifty, argon2,
    icalendar...) when it is first used, not here."""
    from adapters.clock import SystemClock
    from adapters.direct_debit import Pain008Writer, SchwiftyBankDetails
    from adapters.icalendar_feed import IcalendarFeedWriter
    from adapters.mail import JinjaEmailRenderer
    from adapters.news_markup import MarkdownNewsMarkup
    from adapters.pdf import HtmlInvoiceRenderer
    from adapters.regulation_files import InMemoryRegulationFiles

    return Ports(
        uow=uow,
        clock=clock or SystemClock(),
        calendars=official_calendars(),
        documents=documents,
        hasher=hasher or _argon2(),
        mailer=mailer,
        email_renderer=JinjaEmailRenderer(),
        invoice_renderer=HtmlInvoiceRenderer(),
        debit_writer=Pain008Writer(),
        bank_details=SchwiftyBankDetails(),
        payfip=payfip,
        calendar_writer=IcalendarFeedWriter(),
        news_markup=MarkdownNewsMarkup(),
        regulation_files=regulation_files or InMemoryRegulationFiles(),
    )


def mailer_for(settings: Settings) -> Mailer:
    """SMTP when PORTAIL_SMTP_URL is set; otherwise messages go to the log, for a trial only:
    a portal served over HTTPS (in production) refuses to write links and passwords to a log."""
    from adapters.mail import ConsoleMailer, SmtpMailer

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
    from adapters.calendars import shipped_school_calendar
    from adapters.public_holidays import FrenchPublicHolidays
    from portail_core.ports.catalogue import CalendarSources

    return CalendarSources(shipped_school_calendar(), FrenchPublicHolidays())


def _argon2(secret_key: str | None = None) -> PasswordHasher:
    from adapters.passwords import Argon2PasswordHasher

    return Argon2PasswordHasher(secret_key)


def _soap_payfip(settings: Settings, *, deferred: bool) -> OnlinePaymentService:
    """PayFiP's SOAP client on the settings' addresses, built now or on its first call."""
    if deferred:
        from adapters.payfip.deferred import DeferredPayfip

        return DeferredPayfip(settings.payfip_soap_url, settings.payfip_page_url)
    from adapters.payfip.client import SoapPayfip

    return SoapPayfip(settings.payfip_soap_url, settings.payfip_page_url)


def run_payfip_simulator(
    host: str, port: int, *, clients: Mapping[str, tuple[str, ...]] | None = None
) -> None:
    """The local PayFiP simulator, until interrupted: development and the demo (``make run``)
    pay on it with nothing else installed. ``clients``: the client numbers it knows."""
    from adapters.payfip.simulator import DEMO_CLIENTS, serve_simulator  # werkzeug's server

    serve_simulator(host, port, clients or DEMO_CLIENTS)
