"""Everything the portal holds about a family (RGPD right of access): its dossier, its account,
sessions and links, its change requests, reservations and their history, waiting lists, the
children's attendance, absences, invoices, payments, online payment attempts, the e-mails about
it, its audit trail and its calendar feed (whether it has one). docs/family-data.md describes
the document made from it.

Left out: the password's hash, the hashes of the links', sessions' and calendar feed's secrets,
login throttles (keyed by a digest, never by the family) and the planning drafts (a summary the
family saw on screen before confirming, deleted by ``portail reservations purge-drafts``).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from attrs import field, frozen

from portail_core.domain.absences import Absence
from portail_core.domain.accounts.account import Account, OneTimeToken
from portail_core.domain.accounts.session import PortalSession
from portail_core.domain.allocation import AllocationRequest, Decision
from portail_core.domain.attendance import AttendanceMark
from portail_core.domain.audit import Actor, AuditEvent
from portail_core.domain.billing.invoice import Invoice
from portail_core.domain.bookings.reservation import Reservation, ReservationEvent, WaitingEntry
from portail_core.domain.dossiers.changes import ChangeRequest
from portail_core.domain.dossiers.family import Family
from portail_core.domain.feeds import CalendarFeed
from portail_core.domain.messaging import OutgoingEmail
from portail_core.domain.payments.attempt import PaymentAttempt
from portail_core.domain.payments.payment import Payment
from portail_core.domain.preregistrations import SchoolPreregistration
from portail_core.domain.sma import SmaRequest
from portail_core.ports.clock import Clock
from portail_core.ports.preregistrations import PreregistrationFilter
from portail_core.services.dossiers.common import family_of
from portail_core.services.dossiers.health import record_health_read

if TYPE_CHECKING:
    from portail_core.ports.unit_of_work import UnitOfWork

__all__ = ["FamilyExport", "export_family"]

ALL = 1_000_000  # every event: a family never has that many


@frozen
class FamilyExport:
    """Everything the portal holds about a family (RGPD right of access)."""

    family: Family
    account: Account | None
    sessions: list[PortalSession]
    links: list[OneTimeToken]
    change_requests: list[ChangeRequest]
    reservations: list[Reservation]
    reservation_history: list[ReservationEvent]
    waiting_list: list[WaitingEntry]
    attendance: list[AttendanceMark]
    absences: list[Absence]
    invoices: list[Invoice]
    payments: list[Payment]
    payment_attempts: list[PaymentAttempt]
    emails: list[OutgoingEmail]
    history: list[AuditEvent]
    calendar_feed: CalendarFeed | None = None  # whether it has one: never its secret's hash
    school_preregistrations: list[SchoolPreregistration] = field(factory=list)
    sma_requests: list[SmaRequest] = field(factory=list)
    # « Demandes de places »: every request; the draw's decisions once its results are published
    allocation_requests: list[AllocationRequest] = field(factory=list)
    allocation_results: list[Decision] = field(factory=list)

    @property
    def account_identifier(self) -> str | None:
        return self.account.identifier if self.account is not None else None


def export_family(
    uow: UnitOfWork,
    family_id: int,
    *,
    health_read_by: Actor | None = None,
    clock: Clock | None = None,
) -> FamilyExport:
    """Everything about a family (give a read-only unit).

    With ``health_read_by`` (and the ``clock``), the export is shown or handed to that person,
    health information included: the read is recorded in the audit trail (give a writable unit).
    """
    with uow:
        family = family_of(uow, family_id)
        export = _gather(uow, family_id, family)
        if health_read_by is not None:
            if clock is None:
                raise TypeError("export_family: recording a health read needs the clock")
            record_health_read(uow, family, family.children, health_read_by, clock.now())
            uow.commit()
    return export


def _gather(uow: UnitOfWork, family_id: int, family: Family) -> FamilyExport:
    account = uow.accounts.of_family(family_id)
    account_id = account.id if account is not None else None
    children = [child.id for child in family.children if child.id is not None]
    invoices = uow.invoices.of_family(family_id)
    events = [event for child in children for event in uow.reservations.history(child, ALL)]
    campaigns = uow.allocations.campaigns()
    return FamilyExport(
        family=family,
        account=account,
        sessions=uow.sessions.of_account(account_id) if account_id is not None else [],
        links=uow.tokens.of_account(account_id) if account_id is not None else [],
        change_requests=uow.changes.listing(family_id=family_id, pending_only=False),
        reservations=uow.reservations.of_family(family_id),
        reservation_history=sorted(events, key=lambda event: event.at.timestamp()),
        waiting_list=uow.waiting_list.of_family(family_id),
        attendance=uow.attendance.of_children(children),
        absences=uow.absences.between(date.min, date.max, family_id=family_id),
        invoices=invoices,
        payments=uow.payments.of_family(family_id),
        payment_attempts=[a for i in invoices for a in uow.attempts.of_invoice(i.number)],
        emails=uow.outbox.of_family(family_id),
        history=uow.audit.of_family(family_id, ALL),
        calendar_feed=uow.calendar_feeds.of_family(family_id),
        school_preregistrations=uow.preregistrations.matching(
            PreregistrationFilter(family_id=family_id)
        ),
        sma_requests=uow.sma_requests.of_family(family_id),
        allocation_requests=[
            request
            for campaign in campaigns
            for request in uow.allocations.requests_of_family(campaign.code, family_id)
        ],
        allocation_results=[
            decision
            for campaign in campaigns
            if campaign.published_at is not None
            for decision in uow.allocations.decisions(campaign.code, family_id)
        ],
    )
