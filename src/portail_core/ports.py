"""The interfaces the core needs from the outside world (``typing.Protocol``).

Adapters implement them (``adapters.persistence`` for a database, ``adapters.memory`` for the
in-memory twins used by unit tests and demos); the core never names an implementation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from types import TracebackType
from typing import Protocol, Self

import pendulum

from portail_core.domain.absences import Absence
from portail_core.domain.accounts.account import Account, OneTimeToken, TokenPurpose
from portail_core.domain.accounts.session import PortalSession
from portail_core.domain.accounts.throttle import LoginThrottle
from portail_core.domain.attendance import AttendanceMark
from portail_core.domain.audit import AuditEvent
from portail_core.domain.billing.invoice import DocumentKind, Invoice
from portail_core.domain.billing.invoice_sheet import InvoiceSheet
from portail_core.domain.bookings.reservation import (
    PlaceKey,
    Reservation,
    ReservationEvent,
    WaitingEntry,
)
from portail_core.domain.bookings.selection import PlanningDraft
from portail_core.domain.catalogue.establishments import Catalogue
from portail_core.domain.catalogue.school_calendar import SchoolCalendar
from portail_core.domain.communes import Commune
from portail_core.domain.dossiers.changes import ChangeRequest
from portail_core.domain.dossiers.documents import StoredDocument
from portail_core.domain.dossiers.family import Family
from portail_core.domain.messaging import OutgoingEmail, RenderedEmail
from portail_core.domain.payments.direct_debit import DebitBatch
from portail_core.domain.payments.payment import Payment

__all__ = [
    "AbsenceRepository",
    "AccountRepository",
    "AttendanceRepository",
    "AuditTrail",
    "CatalogueRepository",
    "ChangeRequestRepository",
    "Clock",
    "CommuneRepository",
    "DebitFileWriter",
    "DocumentStore",
    "EmailRenderer",
    "FamilyRepository",
    "InvoiceRenderer",
    "InvoiceRepository",
    "Mailer",
    "MailerError",
    "Outbox",
    "PasswordHasher",
    "PaymentRepository",
    "PlanningDraftRepository",
    "PublicHolidays",
    "ReservationRepository",
    "SchoolCalendarRepository",
    "SessionRepository",
    "ThrottleRepository",
    "TokenRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "WaitingListRepository",
]


class Clock(Protocol):
    """The current time; every deadline is computed from it, so tests can fix it."""

    def now(self) -> pendulum.DateTime:
        """The current instant, on the Europe/Paris wall clock."""
        ...

    def today(self) -> pendulum.Date:
        """Today's date in Europe/Paris."""
        ...


class CommuneRepository(Protocol):
    """The commune of this installation (at most one)."""

    def get(self) -> Commune | None:
        """The commune, or None before the demo or the town's data is loaded."""
        ...

    def add(self, commune: Commune) -> None:
        """Record the commune and give it its id; raises Conflict if there is one already."""
        ...

    def update(self, commune: Commune) -> None:
        """Write back a commune read from this repository."""
        ...


class CatalogueRepository(Protocol):
    """What the commune offers: schools, establishments and their units."""

    def get(self) -> Catalogue:
        """The current catalogue (empty before the town's file is loaded)."""
        ...

    def replace(self, catalogue: Catalogue) -> None:
        """Make ``catalogue`` the current one: schools, establishments and units are matched by
        code and updated; those no longer listed are archived (kept for history), not deleted."""
        ...


class SchoolCalendarRepository(Protocol):
    """Official school calendars imported by staff, newer than the ones shipped with the code."""

    def imported(self) -> SchoolCalendar: ...

    def replace_years(self, calendar: SchoolCalendar) -> None:
        """Store ``calendar``, replacing every (zone, school year) it describes."""
        ...


class PublicHolidays(Protocol):
    """French public holidays (jours fériés)."""

    def between(self, first: date, last: date) -> dict[date, str]:
        """The public holidays from ``first`` to ``last`` (inclusive), with their French names."""
        ...


class FamilyRepository(Protocol):
    """Families and their dossiers; a family and its children get their ids when added."""

    def add(self, family: Family, now: pendulum.DateTime) -> None: ...

    def get(self, family_id: int, *, for_update: bool = False) -> Family | None:
        """``for_update`` locks the family's row until the transaction ends: whoever changes a
        dossier reads it that way, so that two changes at the same moment (the desk and the
        family, two agents) are made one after the other and neither is lost."""
        ...

    def update(self, family: Family, now: pendulum.DateTime) -> None:
        """Write back a family read from here; children without an id are added."""
        ...

    def listing(self) -> list[Family]:
        """Every family, by name."""
        ...

    def each(self, batch: int = 500) -> Iterator[Family]:
        """Every family, by id, read and built ``batch`` families at a time: a billing run
        does not hold a whole town's dossiers in memory. Other statements may run between
        two families (no cursor stays open)."""
        ...

    def count(self) -> int: ...


class AccountRepository(Protocol):
    def add(self, account: Account) -> None: ...

    def get(self, account_id: int, *, for_update: bool = False) -> Account | None: ...

    def by_identifier(self, identifier: str, *, for_update: bool = False) -> Account | None:
        """``for_update`` locks the row until the transaction ends (concurrent logins queue)."""
        ...

    def of_family(self, family_id: int) -> Account | None: ...

    def identifiers(self) -> dict[int, str]:
        """Each family that has an account -> the account's identifier (one query)."""
        ...

    def update(self, account: Account) -> None: ...

    def delete(self, account_id: int) -> None:
        """Remove the account, its sessions and its one-time tokens (erasure of a dossier)."""
        ...


class TokenRepository(Protocol):
    def add(self, token: OneTimeToken) -> None: ...

    def by_hash(self, token_hash: str, *, for_update: bool = False) -> OneTimeToken | None:
        """``for_update`` locks the row: two uses of one link cannot both succeed."""
        ...

    def update(self, token: OneTimeToken) -> None: ...

    def revoke_all(self, account_id: int, purpose: TokenPurpose) -> None:
        """Revoke the account's unused tokens of that purpose (a new one replaces them)."""
        ...


class DocumentStore(Protocol):
    """Supporting documents' files, kept outside the web root under random names."""

    def save(self, data: bytes, filename: str) -> StoredDocument:
        """Check the content (PDF, JPEG or PNG, 5 MB at most) and keep it."""
        ...

    def open(self, file_id: str) -> bytes:
        """The file's content; NotFound for an unknown or malformed id."""
        ...

    def delete(self, file_id: str) -> None: ...


class SessionRepository(Protocol):
    def add(self, session: PortalSession) -> None: ...

    def by_hash(self, token_hash: str) -> PortalSession | None: ...

    def touch(self, session: PortalSession) -> None:
        """Write back ``last_seen_at``."""
        ...

    def delete(self, token_hash: str) -> None: ...

    def delete_all(self, account_id: int) -> None: ...


class ChangeRequestRepository(Protocol):
    def add(self, change: ChangeRequest) -> None: ...

    def get(self, change_id: int, *, for_update: bool = False) -> ChangeRequest | None: ...

    def listing(
        self, *, family_id: int | None = None, pending_only: bool = True
    ) -> list[ChangeRequest]:
        """Oldest first."""
        ...

    def update(self, change: ChangeRequest) -> None: ...

    def delete_of_family(self, family_id: int) -> None:
        """Forget the family's requests (erasure of a dossier)."""
        ...


class ReservationRepository(Protocol):
    """Reservations (kept when cancelled) and their history events."""

    def lock_places(self, keys: Iterable[PlaceKey]) -> None:
        """Lock the places of these units and days until the transaction ends, so that two
        confirmations for the same places run one after the other (``SELECT ... FOR UPDATE``
        on PostgreSQL; SQLite serialises writers)."""
        ...

    def taken(
        self, establishment_code: str, first: date, last: date, now: pendulum.DateTime
    ) -> dict[PlaceKey, int]:
        """Places taken per unit, day and age group: booked ones, and places offered to the
        waiting list whose offer still runs at ``now``."""
        ...

    def add(self, reservation: Reservation) -> None: ...

    def add_all(self, reservations: Sequence[Reservation]) -> None:
        """Several at once, in one statement (a confirmation); their ids are not read back."""
        ...

    def update(self, reservation: Reservation) -> None:
        """Write back status and cancellation time."""
        ...

    def of_child(
        self, child_id: int, establishment_code: str | None, first: date, last: date
    ) -> list[Reservation]:
        """The child's booked reservations between two dates (inclusive), by day."""
        ...

    def on_day(self, establishment_code: str, day: date) -> list[Reservation]:
        """Every booked reservation of that establishment on that day."""
        ...

    def booked_between(self, first: date, last: date) -> list[Reservation]:
        """Every booked reservation between two dates (inclusive), of every family (billing)."""
        ...

    def booked_slots(self, first: date, last: date) -> list[tuple[int, int, str, str, date]]:
        """(family_id, child_id, establishment code, unit code, day) of every booked reservation
        between two dates (inclusive), in no particular order (billing sorts each family's
        own): it reads tens of thousands of them a month and needs no more, so that no
        Reservation is built."""
        ...

    def record(self, event: ReservationEvent) -> None: ...

    def record_all(self, events: Sequence[ReservationEvent]) -> None:
        """Several at once, in one statement, in that order."""
        ...

    def history(self, child_id: int, limit: int) -> list[ReservationEvent]:
        """The child's events, most recent first."""
        ...


class WaitingListRepository(Protocol):
    def add(self, entry: WaitingEntry) -> None: ...

    def update(self, entry: WaitingEntry) -> None: ...

    def get(self, entry_id: int, *, for_update: bool = False) -> WaitingEntry | None: ...

    def queue(self, place: PlaceKey) -> list[WaitingEntry]:
        """The active entries (waiting or offered) for a place, first come first."""
        ...

    def active(
        self,
        establishment_code: str | None,
        first: date,
        last: date,
        *,
        child_id: int | None = None,
    ) -> list[WaitingEntry]:
        """Active entries between two dates, by day, unit, age group and arrival."""
        ...

    def expired_offers(self, now: pendulum.DateTime) -> list[WaitingEntry]:
        """Offers whose expiry has passed, still marked as offered."""
        ...


class PlanningDraftRepository(Protocol):
    def add(self, draft: PlanningDraft) -> None: ...

    def get(self, token: str, *, for_update: bool = False) -> PlanningDraft | None: ...

    def update(self, draft: PlanningDraft) -> None:
        """Record the confirmation (number, time, outcome)."""
        ...

    def purge(self, created_before: pendulum.DateTime) -> int:
        """Delete the drafts created before that instant, confirmed or not; how many."""
        ...


class AttendanceRepository(Protocol):
    """The staff's attendance record (pointage): one mark per child, unit and day."""

    def record(self, mark: AttendanceMark) -> AttendanceMark | None:
        """Insert or replace the mark of that child, unit and day; returns the one replaced."""
        ...

    def between(
        self, first: date, last: date, *, establishment_code: str | None = None
    ) -> list[AttendanceMark]: ...


class AbsenceRepository(Protocol):
    def add(self, absence: Absence) -> Absence:
        """Record it; returns it with its id."""
        ...

    def get(self, absence_id: int, *, for_update: bool = False) -> Absence | None: ...

    def update(self, absence: Absence) -> None: ...

    def delete(self, absence_id: int) -> None:
        """Remove it (a withdrawn absence); its number is never given to another one."""
        ...

    def between(self, first: date, last: date, *, family_id: int | None = None) -> list[Absence]:
        """Absences overlapping the period."""
        ...


class InvoiceRepository(Protocol):
    """Issued invoices and credit notes; never updated."""

    def lock_numbering(self, year: int) -> None:
        """Lock the year's sequences until the transaction ends: a second billing run waits for
        the first to commit, then sees its invoices."""
        ...

    def next_number(self, kind: DocumentKind, year: int) -> str:
        """The next number of that kind and year. The sequence row stays locked until the
        transaction ends, so that numbers never skip (a rollback gives them back) nor repeat
        (a concurrent run waits)."""
        ...

    def next_numbers(self, kind: DocumentKind, year: int, count: int) -> list[str]:
        """The next ``count`` numbers of that kind and year at once, in order (none for 0), with
        the same guarantee as ``next_number``: the sequence stays locked until the transaction
        ends, so that numbers never skip nor repeat."""
        ...

    def add(self, invoice: Invoice) -> Invoice:
        """Record it; returns it with its id."""
        ...

    def add_all(self, documents: list[Invoice]) -> None:
        """Record many documents in one statement (a billing run); their ids are not read back."""
        ...

    def by_number(self, number: str) -> Invoice | None: ...

    def of_family(self, family_id: int) -> list[Invoice]:
        """Oldest first."""
        ...

    def of_month(self, month: str) -> list[Invoice]:
        """Every document of that month ("2026-09"), by number."""
        ...


class PaymentRepository(Protocol):
    def add(self, payment: Payment) -> Payment: ...

    def lock_families(self, family_ids: Iterable[int]) -> None:
        """Lock these families' rows until the transaction ends, in id order: payments for a
        family are recorded one at a time (a balance or a credit is never used twice)."""
        ...

    def of_family(self, family_id: int) -> list[Payment]: ...

    def of_invoices(self, numbers: Iterable[str]) -> list[Payment]:
        """Payments allocated to these invoices, in the order they were recorded."""
        ...

    def listing(self, first: date, last: date) -> list[Payment]:
        """Payments received between two dates, oldest first."""
        ...


class DebitFileWriter(Protocol):
    """Writes a batch of SEPA direct debits as a pain.008 document."""

    def write(self, batch: DebitBatch) -> bytes:
        """The document, valid against its XSD; InvalidInput (in French) if it cannot be."""
        ...


class ThrottleRepository(Protocol):
    def get(self, key: str, *, for_update: bool = False) -> LoginThrottle | None: ...

    def save(self, throttle: LoginThrottle) -> None:
        """Insert or update."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, stored_hash: str, password: str) -> bool:
        """False for a wrong password or a malformed hash; never raises for those."""
        ...

    def needs_rehash(self, stored_hash: str) -> bool: ...


class AuditTrail(Protocol):
    """Append-only: events are recorded in the same transaction as the change they describe."""

    def record(self, event: AuditEvent) -> None: ...

    def latest(self, limit: int) -> list[AuditEvent]:
        """The most recent events first."""
        ...

    def of_family(self, family_id: int, limit: int) -> list[AuditEvent]:
        """The family's history, most recent first."""
        ...

    def redact_family(self, family_id: int) -> int:
        """The one exception to append-only, for the erasure of a dossier: the family's events
        keep their date, actor and action, lose their summary and details; returns how many."""
        ...


class Outbox(Protocol):
    """E-mails waiting to be sent, written in the same transaction as the change they announce."""

    def add(self, message: OutgoingEmail) -> None:
        """Queue a message (gives it its id)."""
        ...

    def claim_due(self, now: pendulum.DateTime, limit: int) -> list[OutgoingEmail]:
        """Mark as SENDING and return up to ``limit`` messages due at ``now`` (pending ones whose
        next attempt has come, and SENDING ones whose claim is older than the claim timeout).
        Two dispatchers never claim the same message."""
        ...

    def save(self, message: OutgoingEmail) -> None:
        """Write back a claimed message's status, attempts and dates."""
        ...

    def listing(self, limit: int) -> list[OutgoingEmail]:
        """The most recent messages first."""
        ...


class MailerError(Exception):
    """Sending failed; ``permanent`` when retrying cannot help (address refused)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Mailer(Protocol):
    def send(self, to: str, email: RenderedEmail, message_id: str) -> None:
        """Hand the message to the mail server; raises MailerError on failure."""
        ...


class EmailRenderer(Protocol):
    def render(self, template: str, context: dict[str, str]) -> RenderedEmail: ...


class UnitOfWork(Protocol):
    """One use case's transaction: nothing is kept unless ``commit()`` is called.

    Used as a context manager; leaving the block without committing rolls back, and so does an
    exception. ``commit()`` may be called more than once; each call makes the work so far durable.
    """

    @property
    def communes(self) -> CommuneRepository: ...

    @property
    def catalogue(self) -> CatalogueRepository: ...

    @property
    def school_calendars(self) -> SchoolCalendarRepository: ...

    @property
    def audit(self) -> AuditTrail: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def families(self) -> FamilyRepository: ...

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def tokens(self) -> TokenRepository: ...

    @property
    def sessions(self) -> SessionRepository: ...

    @property
    def throttles(self) -> ThrottleRepository: ...

    @property
    def changes(self) -> ChangeRequestRepository: ...

    @property
    def reservations(self) -> ReservationRepository: ...

    @property
    def waiting_list(self) -> WaitingListRepository: ...

    @property
    def drafts(self) -> PlanningDraftRepository: ...

    @property
    def attendance(self) -> AttendanceRepository: ...

    @property
    def absences(self) -> AbsenceRepository: ...

    @property
    def invoices(self) -> InvoiceRepository: ...

    @property
    def payments(self) -> PaymentRepository: ...

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


class InvoiceRenderer(Protocol):
    """Lays an invoice or a credit note out as a PDF a screen reader can read (tagged, PDF/UA)."""

    def render(self, sheet: InvoiceSheet) -> bytes:
        """The PDF's bytes; the text is the sheet's, word for word."""
        ...
